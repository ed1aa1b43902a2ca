import polib

from odoo.modules.module import get_module_path
from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import TranslationModuleReader

LANGS = ("ar", "fr")


def missing_terms(cr, module):
    """The terms Odoo exports for ``module`` left untranslated by its ar.po or fr.po.

    Returns ``{lang: sorted msgids}``. A msgid is missing when the po file lacks it or
    holds it with an empty or fuzzy msgstr: Odoo loads neither, the user reads English.
    """
    reader = TranslationModuleReader(cr, modules=[module])
    sources = {source for _m, _t, _n, _r, source, _v, _c in reader if source}
    path = get_module_path(module)
    result = {}
    for lang in LANGS:
        translated = {
            entry.msgid
            for entry in polib.pofile(f"{path}/i18n/{lang}.po")
            if entry.msgstr and not entry.obsolete and "fuzzy" not in entry.flags
        }
        result[lang] = sorted(sources - translated)
    return result


@tagged("post_install", "-at_install")
class TestTranslationsComplete(TransactionCase):
    """Every term of our installed addons is translated in their ar.po and fr.po.

    The terms are the ones Odoo itself exports (``odoo-bin i18n export``: code
    strings, views, fields, selections, data records, QWeb and JS). Every e-Mowaten
    addon installed in the run is checked, and only those: an addon the run does not
    install is not loaded, so its terms cannot be exported (its own runs check it).
    The bilingual letters print fixed Arabic and French text side by side: those
    terms are translated by themselves.
    """

    def test_every_term_translated(self):
        modules = self.env["ir.module.module"].search(
            [("name", "=like", "emowaten\\_%"), ("state", "=", "installed")]
        )
        self.assertTrue(modules)
        report = []
        for module in modules.mapped("name"):
            for lang, terms in missing_terms(self.env.cr, module).items():
                if terms:
                    report.append(
                        f"{module}/i18n/{lang}.po: {len(terms)} untranslated: "
                        + "; ".join(repr(t[:60]) for t in terms[:15])
                    )
        self.assertFalse(report, "\n".join(report))

    def test_no_french_in_the_arabic_views(self):
        """An Arabic page shows no French of ours: a French tab ("Détention") was
        seen in the Arabic request form. Every view of our addons is read in Arabic
        and searched for the French translations that are not also Arabic's."""
        modules = self.env["ir.module.module"].search(
            [("name", "=like", "emowaten\\_%"), ("state", "=", "installed")]
        )
        for code in ("ar_001", "fr_FR"):
            self.env["res.lang"]._activate_lang(code)
        self.env["ir.module.module"]._load_module_terms(
            modules.mapped("name"), ["ar_001", "fr_FR"], overwrite=True
        )
        self.env.invalidate_all()
        french = {}
        for module in modules.mapped("name"):
            path = get_module_path(module)
            arabic = {e.msgid: e.msgstr for e in polib.pofile(f"{path}/i18n/ar.po")}
            for entry in polib.pofile(f"{path}/i18n/fr.po"):
                text = entry.msgstr
                if (
                    len(text) > 3
                    and "<" not in text
                    and text not in (entry.msgid, arabic.get(entry.msgid))
                ):
                    french[text] = module
        views = self.env["ir.ui.view"].search(
            [
                ("model_data_id.module", "in", modules.mapped("name")),
                ("type", "in", ("form", "list", "kanban", "search", "activity")),
            ]
        )
        seen = []
        for view in views.with_context(lang="ar_001"):
            arch = view.arch_db or ""
            for text in french:
                quoted = text.replace("&", "&amp;").replace('"', "&quot;")
                if f'="{quoted}"' in arch or f">{quoted}<" in arch:
                    seen.append(f"{view.xml_id}: {text}")
        self.assertFalse(seen, "\n".join(seen))
