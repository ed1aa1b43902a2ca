"""Demo data of e-Mowaten: requests in every state for each demo office, child
files waiting in each demo correspondent's body, confidential reports for their
designated staff and a portal citizen with a few requests.

Everything goes through the business methods (registration, screening, routing,
transfer, suspension, answers, crons' marking) so that custody, deadlines and the
chatter are what a real office would show. Deterministic: a seeded random generator
picks citizens, subjects and dates."""

import logging
import random
import re
import time
import unicodedata
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models

from .emowaten_request import OPEN_STATES

_logger = logging.getLogger(__name__)

SEED = 2026

# (subject, description, category xmlid, type code); {place} is a neighbourhood
SUBJECTS = {
    "lighting": [
        (
            "طلب إصلاح الإنارة العمومية ب{place}",
            "الأعمدة الكهربائية بالشارع الرئيسي مطفأة منذ أكثر من شهر، مما يشكل "
            "خطرا على المارة ليلا.",
            "category_lighting",
            "petition",
        ),
        (
            "Éclairage public en panne à {place}",
            "Les lampadaires de l'avenue principale sont éteints depuis trois "
            "semaines ; les habitants rentrent dans le noir.",
            "category_lighting",
            "petition",
        ),
    ],
    "water": [
        (
            "تشكي من انقطاع الماء الصالح للشرب ب{place}",
            "ينقطع الماء يوميا من منتصف النهار إلى الليل منذ بداية الصيف.",
            "category_water",
            "petition",
        ),
        (
            "Fuite d'eau sur la conduite principale à {place}",
            "Une fuite importante inonde la chaussée depuis dix jours malgré "
            "plusieurs appels au service.",
            "category_water",
            "notice",
        ),
    ],
    "electricity": [
        (
            "Réclamation : coupures d'électricité répétées à {place}",
            "Le quartier subit des coupures plusieurs fois par semaine qui ont "
            "endommagé des appareils ménagers.",
            "category_electricity",
            "petition",
        ),
        (
            "تشكي من فاتورة كهرباء مرتفعة بصفة غير عادية ب{place}",
            "وصلتني فاتورة تفوق ثلاثة أضعاف الاستهلاك المعتاد دون أي تغيير في "
            "الاستعمال.",
            "category_electricity",
            "petition",
        ),
        (
            "Demande de raccordement au réseau électrique à {place}",
            "Maison achevée depuis six mois, dossier de raccordement déposé sans "
            "réponse.",
            "category_electricity",
            "guidance",
        ),
    ],
    "roads": [
        (
            "تشكي من حالة الطريق المؤدية إلى المدرسة ب{place}",
            "الطريق مليئة بالحفر وتتحول إلى برك عند نزول الأمطار.",
            "category_roads",
            "petition",
        ),
        (
            "Nids-de-poule dangereux sur la route de {place}",
            "Plusieurs accidents de deux-roues ont eu lieu ce mois-ci.",
            "category_roads",
            "notice",
        ),
    ],
    "sanitation": [
        (
            "طلب ربط بشبكة التطهير ب{place}",
            "الحي غير مرتبط بشبكة التطهير رغم المطالب المتكررة منذ سنوات.",
            "category_sanitation",
            "petition",
        ),
        (
            "Débordement des égouts à {place}",
            "Les eaux usées remontent dans la rue à chaque pluie.",
            "category_sanitation",
            "petition",
        ),
    ],
    "environment": [
        (
            "تبليغ عن مصب عشوائي للفضلات ب{place}",
            "تتراكم الفضلات قرب المدرسة الابتدائية وتنبعث منها روائح كريهة.",
            "category_environment",
            "notice",
        ),
        (
            "Ramassage des ordures irrégulier à {place}",
            "Les bacs ne sont vidés qu'une fois par semaine.",
            "category_environment",
            "petition",
        ),
    ],
    "building": [
        (
            "طلب إرشاد حول إجراءات رخصة البناء ب{place}",
            "أرغب في معرفة الوثائق المطلوبة وآجال دراسة ملف رخصة البناء.",
            "category_building_permit",
            "guidance",
        ),
        (
            "Retard de la délivrance d'un permis de bâtir à {place}",
            "Dossier complet déposé il y a quatre mois, sans nouvelles.",
            "category_building_permit",
            "petition",
        ),
    ],
    "land": [
        (
            "Régularisation d'une situation foncière à {place}",
            "Terrain hérité non immatriculé ; je souhaite connaître la procédure.",
            "category_land",
            "guidance",
        ),
        (
            "طلب تسوية وضعية عقارية ب{place}",
            "قطعة أرض على ملك العائلة منذ عقود دون رسم عقاري.",
            "category_land",
            "petition",
        ),
    ],
    "health": [
        (
            "استفسار حول بطاقة العلاج المجاني",
            "أرغب في معرفة شروط الحصول على بطاقة العلاج المجاني وآجال تجديدها.",
            "category_health",
            "guidance",
        ),
        (
            "تشكي من طول آجال المواعيد بقسم أمراض القلب",
            "حصلت على موعد بعد ستة أشهر رغم خطورة الحالة.",
            "category_health",
            "petition",
        ),
        (
            "Manque de médicaments au dispensaire de {place}",
            "Les traitements des maladies chroniques manquent depuis deux mois.",
            "category_health",
            "petition",
        ),
        (
            "Accueil aux urgences de l'hôpital régional",
            "Attente de plus de six heures aux urgences sans aucune information.",
            "category_health",
            "petition",
        ),
    ],
    "social": [
        (
            "Retard de l'aide aux familles nécessiteuses",
            "Famille inscrite au programme depuis un an, aucun versement reçu.",
            "category_social_aid",
            "petition",
        ),
        (
            "طلب إرشاد حول منحة العائلات المعوزة",
            "أرغب في معرفة شروط الانتفاع بالمنحة والوثائق المطلوبة.",
            "category_social_aid",
            "guidance",
        ),
        (
            "Remboursement de soins en retard",
            "Dossier de remboursement déposé il y a cinq mois.",
            "category_health",
            "petition",
        ),
    ],
    "civil": [
        (
            "مقترح لتحسين خدمات الحالة المدنية",
            "أقترح فتح شباك الحالة المدنية يوم السبت صباحا لفائدة العاملين.",
            "category_civil_status",
            "suggestion",
        ),
        (
            "Retard de délivrance d'un extrait de naissance",
            "Demande faite il y a un mois pour un dossier de bourse.",
            "category_civil_status",
            "petition",
        ),
        (
            "Suggestion : horaires d'ouverture du bureau d'ordre",
            "Ouvrir pendant la pause de midi éviterait aux salariés de s'absenter.",
            "category_administration",
            "suggestion",
        ),
    ],
    "taxes": [
        (
            "Demande de renseignement sur la taxe locative",
            "Je souhaite connaître le mode de calcul et les échéances de paiement.",
            "category_taxes",
            "guidance",
        ),
        (
            "اعتراض على مبلغ الأداء على العقارات المبنية",
            "المبلغ المطالب به لا يتطابق مع مساحة المسكن.",
            "category_taxes",
            "petition",
        ),
    ],
    "education": [
        (
            "طلب نقلة تلميذ إلى مدرسة قريبة من مقر السكنى",
            "المدرسة الحالية تبعد أكثر من سبعة كيلومترات عن المنزل.",
            "category_education",
            "petition",
        ),
        (
            "Manque d'enseignants au collège de {place}",
            "Les élèves n'ont pas eu de cours de mathématiques depuis la rentrée.",
            "category_education",
            "petition",
        ),
    ],
    "transport": [
        (
            "Retards répétés de la ligne de bus vers {place}",
            "Le bus du matin passe avec plus d'une heure de retard.",
            "category_roads",
            "petition",
        ),
        (
            "مقترح إحداث خط نقل جديد نحو {place}",
            "المتساكنون يقطعون مسافة طويلة للوصول إلى أقرب محطة.",
            "category_roads",
            "suggestion",
        ),
    ],
}
CORRUPTION_SUBJECTS = [
    (
        "تبليغ عن شبهة رشوة في مصلحة إدارية",
        "طلب مني أحد الأعوان مبلغا ماليا مقابل تسريع دراسة ملفي.",
    ),
    (
        "Signalement : favoritisme dans un marché public",
        "Le marché d'entretien a été attribué sans appel d'offres à un proche.",
    ),
    (
        "تبليغ عن استغلال سيارة إدارية لأغراض شخصية",
        "سيارة المصلحة تستعمل كل عطلة نهاية أسبوع لأغراض خاصة.",
    ),
]
OFFICE_THEMES = {
    "min_health": ["health"],
    "min_education": ["education"],
    "min_social": ["social"],
    "social_cnam": ["social", "health"],
    "min_interior": ["civil"],
    "min_equipment": ["roads", "building", "electricity"],
    "equipment_steg": ["electricity"],
    "min_finance": ["taxes"],
    "min_agriculture": ["water", "land"],
    "min_transport": ["transport"],
    "municipality": ["lighting", "sanitation", "environment", "building", "roads"],
    "governorate": list(SUBJECTS),
}
PLACES_AR = [
    "حي النصر",
    "حي الزهور",
    "حي التضامن",
    "المنزه السادس",
    "حي الخضراء",
    "سيدي حسين",
    "ساقية الزيت",
    "طريق قرمدة",
]
PLACES_FR = [
    "la cité Ennasr",
    "El Menzah",
    "Sakiet Ezzit",
    "la route de Gremda",
    "Hay Ettadhamen",
    "la cité El Habib",
    "Bab Souika",
    "La Marsa",
]
AR_FIRST = [
    "محمد",
    "فاطمة",
    "أحمد",
    "مريم",
    "علي",
    "سلمى",
    "خالد",
    "نور",
    "منير",
    "آمنة",
    "الهادي",
    "زينب",
    "عادل",
    "خديجة",
]
AR_LAST = [
    "بن علي",
    "الطرابلسي",
    "الجزيري",
    "الورغي",
    "المثلوثي",
    "العياري",
    "بن سالم",
    "الشابي",
    "القاسمي",
    "الزغلامي",
]
FR_FIRST = [
    ("Youssef", "m"),
    ("Leïla", "f"),
    ("Sami", "m"),
    ("Inès", "f"),
    ("Karim", "m"),
    ("Amira", "f"),
    ("Walid", "m"),
    ("Rania", "f"),
    ("Hatem", "m"),
    ("Sonia", "f"),
]
FR_LAST = [
    "Ben Salah",
    "Trabelsi",
    "Gharbi",
    "Mansour",
    "Jaziri",
    "Ben Amor",
    "Chebbi",
    "Hamdi",
    "Karray",
    "Belhadj",
]
# state recipes of a staffed office (the offices where demo agents work): every state
# of the lifecycle, a few of each
FULL_RECIPE = [
    "registered",
    "registered",
    "registered_urgent",
    "screening",
    "screening",
    "routed",
    "routed",
    "study",
    "study",
    "study",
    "answer_drafted",
    "to_sign",
    "answered",
    "answered",
    "answered_rated",
    "closed",
    "closed",
    "inadmissible",
    "inadmissible_orientation",
    "withdrawn",
    "suspended",
    "resumed",
    "extended",
    "due_soon",
    "overdue",
    "overdue",
    "overdue_old",
    "transferred",
    "bounced",
    "repeated",
    "likely_duplicate",
]
SMALL_RECIPE = [
    "registered",
    "screening",
    "study",
    "answered",
    "closed",
    "inadmissible",
    "withdrawn",
    "suspended",
    "overdue",
    "answer_drafted",
]
# recipes whose registration is old enough for the legal deadline to have passed
OLD_RECIPES = {"overdue", "overdue_old", "bounced"}
DONE_RECIPES = {
    "answered",
    "answered_rated",
    "closed",
    "inadmissible",
    "inadmissible_orientation",
    "withdrawn",
    "repeated",
}


def _letter_lang(text):
    return "ar" if any("\u0600" <= c <= "\u06ff" for c in text or "") else "fr"


def _slug(text):
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore")
    return re.sub(r"[^a-z0-9]+", "-", text.decode().lower()).strip("-")


class EmowatenRequest(models.Model):
    _inherit = "emowaten.request"

    @api.model
    def _emowaten_demo_populate(self, count=None):
        """Fill the demo database (``count`` is kept for callers of the former
        version and ignored: the set is fixed, a few hundred requests)."""
        started = time.monotonic()
        builder = _DemoBuilder(self.env)
        requests = builder.run()
        _logger.info(
            "e-Mowaten demo: %s requests (%s answers) in %.1f s",
            len(requests),
            len(requests.answer_ids),
            time.monotonic() - started,
        )
        return requests

    @api.model
    def _emowaten_demo_office_aliases(self, domain_name="e-mowaten.demo.tn"):
        """An e-mail alias on each office (brc-tunis@e-mowaten.demo.tn...), on a
        demo alias domain created when the database has none."""
        AliasDomain = self.env["mail.alias.domain"].sudo()
        alias_domain = AliasDomain.search([("name", "=", domain_name)], limit=1)
        if not alias_domain:
            alias_domain = AliasDomain.search([], limit=1) or AliasDomain.create(
                {"name": domain_name}
            )
        named = {
            "emowaten_base.emowaten_office_central": "bcrc",
            "emowaten_base.emowaten_office_min_health_demo": "brc-sante",
            "emowaten_base.emowaten_office_min_education_demo": "brc-education",
            "emowaten_base.emowaten_office_min_social_demo": "brc-affaires-sociales",
            "emowaten_base.emowaten_office_min_interior_demo": "brc-interieur",
            "emowaten_base.emowaten_office_min_equipment_demo": "brc-equipement",
            "emowaten_base.emowaten_office_min_finance_demo": "brc-finances",
            "emowaten_base.emowaten_office_min_agriculture_demo": "brc-agriculture",
            "emowaten_base.emowaten_office_min_transport_demo": "brc-transport",
            "emowaten_base.emowaten_office_equipment_steg_demo": "brc-steg",
            "emowaten_base.emowaten_office_social_cnam_demo": "brc-cnam",
            "emowaten_base.emowaten_office_mun_11_demo": "brc-commune-tunis",
            "emowaten_base.emowaten_office_mun_61_demo": "brc-commune-sfax",
            "emowaten_base.emowaten_office_mun_51_demo": "brc-commune-sousse",
            "emowaten_base.emowaten_office_mun_23_demo": "brc-commune-bizerte",
        }
        by_id = {}
        for xmlid, alias in named.items():
            office = self.env.ref(xmlid, raise_if_not_found=False)
            if office:
                by_id[office.id] = alias
        taken = set(by_id.values())
        offices = self.env["emowaten.office"].sudo().search([("active", "=", True)])
        for office in offices:
            alias = by_id.get(office.id)
            if not alias:
                base = (
                    f"brc-{_slug(office.city)}"
                    if office.kind == "governorate" and office.city
                    else _slug(office.code) or f"brc-{office.id}"
                )
                alias, n = base, 1
                while alias in taken:
                    n += 1
                    alias = f"{base}-{n}"
                taken.add(alias)
            if office.alias_name != alias:
                office.write({"alias_name": alias, "alias_domain_id": alias_domain.id})
        return True


class _DemoBuilder:
    """Builds the demo set; one instance per populate call."""

    def __init__(self, env):
        # the chatter is written in the language the offices work in (the demo
        # users' language), Arabic when it is installed
        lang = env["emowaten.request"]._emowaten_lang("ar")
        env = env(context=dict(env.context, lang=lang))
        self.env = env
        self.rng = random.Random(SEED)
        self.today = fields.Date.context_today(env["emowaten.request"])
        self.ref = env.ref
        self.types = {t.code: t for t in env["emowaten.request.type"].search([])}
        self.admin = (
            self.ref("emowaten_base.user_admin_emowaten_demo", raise_if_not_found=False)
            or env.user
        )
        self.requests = env["emowaten.request"]
        self.to_send = []  # (answer, callback or None)
        self.used_pairs = set()  # (partner, subject) already filed
        self.citizens = env["res.partner"]
        self._agents = {}
        self._theme_cache = {}

    # ------------------------------------------------------------ helpers
    def _xref(self, xmlid):
        return self.ref(xmlid, raise_if_not_found=False)

    def _as(self, records, user):
        records = records.with_user(user).sudo()
        if user.lang and user.lang != records.env.lang:
            records = records.with_context(lang=user.lang)
        return records

    def _office_user(self, office):
        if office.id not in self._agents:
            agents = office.member_ids.filtered(
                lambda m: m.role == "agent"
                and m.user_id.has_group("emowaten_base.group_emowaten_agent")
            ).user_id
            self._agents[office.id] = (
                agents[:1] or office.manager_user_ids[:1] or self.admin
            )
        return self._agents[office.id]

    def _office_manager(self, office):
        return office.manager_user_ids[:1] or self._office_user(office)

    def _themes(self, office):
        if office.id not in self._theme_cache:
            self._theme_cache[office.id] = self._find_themes(office)
        return self._theme_cache[office.id]

    def _find_themes(self, office):
        for key, themes in OFFICE_THEMES.items():
            office_ref = self._xref(f"emowaten_base.emowaten_office_{key}_demo")
            if office_ref and office_ref == office:
                return themes
        if office.kind == "municipality":
            return OFFICE_THEMES["municipality"]
        return OFFICE_THEMES["governorate"]

    def _make_citizens(self, count=120):
        Partner = self.env["res.partner"]
        states = self.env["res.country.state"].search([("country_id.code", "=", "TN")])
        citizens = Partner.browse()
        for i in range(count):
            rng = self.rng
            arabic = i % 2 == 0
            if arabic:
                name = f"{rng.choice(AR_FIRST)} {rng.choice(AR_LAST)}"
                first, last = "", ""
            else:
                first = rng.choice(FR_FIRST)[0]
                last = rng.choice(FR_LAST)
                name = f"{first} {last}"
            cin = f"{rng.choice('01')}{rng.randint(0, 9999999):07d}"
            phone = f"+216 {rng.choice('259')}{rng.randint(0, 9999999):07d}"
            vals = {
                "name": name,
                "emowaten_cin": cin,
                "phone": phone,
                "state_id": rng.choice(states).id if states else False,
            }
            if i % 3 == 0:
                local = _slug(f"{first}.{last}").replace("-", ".") if first else ""
                vals["email"] = f"{local or 'citoyen'}{i}@example.tn"
            citizens |= Partner._emowaten_find_or_create_citizen(vals)
        self.citizens = citizens

    def _pick(self, themes, partner=None):
        """A (partner, subject values) pair never filed before."""
        rng = self.rng
        for _attempt in range(50):
            theme = rng.choice(themes)
            subject, description, category, code = rng.choice(SUBJECTS[theme])
            places = PLACES_AR if _letter_lang(subject) == "ar" else PLACES_FR
            subject = subject.format(place=rng.choice(places))
            citizen = partner or rng.choice(self.citizens)
            key = (citizen.id, subject.split(" ")[0], theme)
            if key not in self.used_pairs or partner:
                self.used_pairs.add(key)
                return citizen, subject, description, category, code
        return citizen, subject, description, category, code

    def _vals(self, office, recipe, partner=None, themes=None, days_ago=None):
        rng = self.rng
        citizen, subject, description, category, code = self._pick(
            themes or self._themes(office), partner
        )
        if days_ago is None:
            if recipe in OLD_RECIPES:
                days_ago = rng.randint(75, 140)
            elif recipe == "due_soon":
                # a petition (60 days) due within the reminder's five days
                days_ago = rng.randint(56, 58)
            elif recipe in DONE_RECIPES:
                days_ago = rng.randint(20, 150)
            elif recipe in ("registered", "registered_urgent"):
                days_ago = rng.randint(0, 3)
            else:
                days_ago = rng.randint(4, 20)
        day = self.today - timedelta(days=days_ago)
        if code == "guidance" and recipe in OLD_RECIPES:
            code = "petition"
        if recipe in (
            "to_sign",
            "answered_rated",
            "closed",
            "study_petition",
            "due_soon",
        ):
            code = "petition"
        channels = ["counter", "counter", "portal", "post", "email", "phone", "mobile"]
        return {
            "office_id": office.id,
            "type_id": self.types.get(code, self.types["petition"]).id,
            "partner_id": citizen.id,
            "channel": rng.choice(channels),
            "subject": subject,
            "description": description,
            "category_id": self.ref(f"emowaten_petitions.{category}").id,
            "state_id": office.state_id.id or citizen.state_id.id,
            "user_id": self._office_user(office).id if office.member_ids else False,
            "priority": "1" if recipe == "registered_urgent" else "0",
            "state": "registered",
            "registration_date": fields.Datetime.to_datetime(day)
            + timedelta(hours=8, minutes=rng.randint(0, 480)),
            "deadline_start_date": day,
        }

    def _create(self, office, vals_list):
        Request = self.env["emowaten.request"].with_context(
            mail_create_nolog=True, emowaten_no_receipt=True
        )
        requests = self._as(Request, self._office_user(office)).create(vals_list)
        self.requests |= requests
        return requests

    # ------------------------------------------------------------ answers
    def _answer(self, request, user, kind="information", template=None, reason=None):
        template = template or self.ref(
            "emowaten_petitions.answer_template_information"
        )
        lang = _letter_lang(request.subject)
        vals = {
            "request_id": request.id,
            "kind": kind,
            "lang": lang,
            "template_id": template.id,
            "body_html": template._emowaten_render(request, lang),
        }
        if kind == "unfavourable":
            vals["reason"] = reason or (
                "La demande ne remplit pas les conditions prévues par les textes."
                if lang == "fr"
                else "لا يستجيب الطلب للشروط المنصوص عليها بالنصوص الجاري بها العمل."
            )
        return self._as(self.env["emowaten.answer"], user).create(vals)

    def _send_later(self, answer, callback=None, letter=False):
        self.to_send.append((answer, callback, letter))

    def _send_all(self):
        """Send the answers as an agent would, without their PDF letters: rendering
        one runs wkhtmltopdf (over a second per letter), and during the install there
        is no web server to serve the letterhead's styles, so the letter would come
        out unstyled. The letters print on demand from the answer; the chatter and
        the portal carry the answer's text as when it is sent. Only the portal
        citizen's letters are rendered (``letter``): the citizen downloads them."""
        for answer, callback, letter in self.to_send:
            answer = self._as(answer, answer.author_id or self.admin)
            if letter:
                answer.action_send()
            else:
                self._send_without_letter(answer)
            if callback:
                callback()

    def _send_without_letter(self, answer):
        """``emowaten.answer.action_send`` without the PDF attached."""
        answer.write({"state": "sent", "date_sent": fields.Datetime.now()})
        request = answer.request_id
        request.write({"state": "answered"})
        request.message_post(
            body=Markup("<p>%s</p>%s")
            % (
                self.env._("Written answer to %s", request.name),
                answer.body_html or "",
            ),
            subject=self.env._("Answer to your request %s", request.name),
            subtype_xmlid="mail.mt_comment",
            message_type="comment",
            partner_ids=request.partner_id.ids,
        )
        if request.parent_id:
            request._emowaten_child_answered()

    # ------------------------------------------------------------ recipes
    def _apply(self, request, recipe):
        """Move a registered request through the methods its recipe names."""
        office = request.office_id
        agent = self._office_user(office)
        manager = self._office_manager(office)
        req = self._as(request, agent)
        rng = self.rng
        if recipe in ("registered", "registered_urgent"):
            return
        if recipe == "withdrawn":
            req.action_screen_admissible()
            req.action_withdraw()
            return
        if recipe in ("inadmissible", "inadmissible_orientation"):
            self._inadmissible(req, recipe == "inadmissible_orientation")
            return
        req.action_screen_admissible()
        if recipe == "screening":
            return
        if recipe == "routed":
            bodies = self._routing_bodies(office)
            children = req.action_route(bodies)
            child = children[:1]
            if child and rng.random() < 0.5:
                self._as(child, child.correspondent_id or agent).action_start_study()
            return
        req.action_start_study()
        if recipe in ("study", "study_petition", "due_soon", "overdue", "overdue_old"):
            return
        if recipe == "suspended":
            req.action_suspend()
            return
        if recipe == "resumed":
            req.action_suspend()
            req.action_resume()
            return
        if recipe == "extended":
            req.action_extend(
                15,
                "دراسة ميدانية من قبل المصالح الفنية"
                if rng.random() < 0.5
                else "enquête sur le terrain par les services techniques",
            )
            return
        if recipe == "transferred":
            other = (office.user_ids - agent)[:1] or manager
            req.action_transfer(
                "Dossier confié à un collègue qui suit ce quartier.", user=other
            )
            return
        if recipe == "bounced":
            self._bounce(req)
            return
        if recipe == "answer_drafted":
            self._answer(request, agent)
            return
        if recipe == "to_sign":
            answer = self._answer(
                request,
                agent,
                kind="favourable",
                template=self.ref("emowaten_petitions.answer_template_favourable"),
            )
            self._as(answer, agent).action_submit()
            return
        if recipe in ("answered", "answered_rated", "closed"):
            kind = rng.choice(["information", "partial", "unfavourable"])
            answer = self._answer(request, agent, kind=kind)
            self._send_later(
                answer,
                (lambda r=req, rec=recipe: self._after_answer(r, rec)),
            )
            return
        raise ValueError(recipe)

    def _after_answer(self, req, recipe):
        if recipe == "closed":
            req.action_close()
        if recipe in ("answered_rated", "closed"):
            req._emowaten_set_rating(
                self.rng.choice([2, 3, 4, 4, 5, 5]),
                self.rng.choice(
                    [False, "شكرا على سرعة الرد", "Réponse claire, merci."]
                ),
            )

    def _inadmissible(self, req, orientation):
        """What the screening wizard does, with the letter rendered with the others."""
        reason = self.ref(
            "emowaten_petitions.inadmissibility_reason_competence"
            if orientation
            else self.rng.choice(
                [
                    "emowaten_petitions.inadmissibility_reason_court",
                    "emowaten_petitions.inadmissibility_reason_job",
                    "emowaten_petitions.inadmissibility_reason_career",
                ]
            )
        )
        competent = (
            self._xref("emowaten_base.emowaten_body_social_cnss_demo")
            if orientation
            else self.env["emowaten.body"]
        )
        lang = _letter_lang(req.subject)
        wizard = self._as(self.env["emowaten.request.screen"], req.env.user).create(
            {
                "request_id": req.id,
                "reason_id": reason.id,
                "competent_body_id": competent.id if competent else False,
                "competent_body_text": False
                if competent or not reason.needs_competent_body
                else "المحكمة الإدارية",
                "lang": lang,
            }
        )
        req.write(
            {
                "inadmissibility_reason_id": reason.id,
                "orientation_body_id": competent.id if competent else False,
            }
        )
        answer = self._as(self.env["emowaten.answer"], req.env.user).create(
            {
                "request_id": req.id,
                "kind": "orientation"
                if reason.needs_competent_body
                else "unfavourable",
                "lang": lang,
                "body_html": wizard.letter,
                "reason": reason.name,
                "orientation_body_id": competent.id if competent else False,
            }
        )
        self._send_later(answer, lambda: req.write({"state": "inadmissible"}))

    def _bounce(self, req):
        """Transferred three times between bodies: the office manager is alerted."""
        bodies = [
            self._xref("emowaten_base.emowaten_body_min_equipment_demo"),
            self._xref("emowaten_base.emowaten_body_agriculture_sonede_demo"),
            req.office_id.body_id,
        ]
        reasons = [
            "Relève des travaux publics.",
            "Il s'agit du réseau d'eau : compétence de la SONEDE.",
            "La SONEDE renvoie le dossier : voirie communale.",
        ]
        for body, reason in zip(bodies, reasons, strict=True):
            if body:
                req.action_transfer(reason, body=body)

    def _routing_bodies(self, office):
        """One or two competent bodies, preferring the demo correspondents' bodies."""
        candidates = [
            self._xref(x)
            for x in (
                "emowaten_base.emowaten_body_equipment_steg_demo",
                "emowaten_base.emowaten_body_mun_61_demo",
                "emowaten_base.emowaten_body_health_hospital_sfax_demo",
                "emowaten_base.emowaten_body_agriculture_sonede_demo",
                "emowaten_base.emowaten_body_social_cnam_demo",
                "emowaten_base.emowaten_body_transport_transtu_demo",
            )
        ]
        candidates = [b for b in candidates if b and b != office.body_id]
        count = 2 if self.rng.random() < 0.4 else 1
        picked = self.rng.sample(candidates, count)
        return self.env["emowaten.body"].concat(*picked)

    # ------------------------------------------------------------ scenarios
    def _offices(self):
        offices = self.env["emowaten.office"].search([], order="id")
        staffed = offices.filtered("member_ids")
        return staffed, offices - staffed

    def _office_requests(self, office, recipes):
        if office.body_id.signatory_user_ids:
            # answers awaiting signature come from the signature demo: these offices
            # get requests under study for it instead
            recipes = [r for r in recipes if r != "to_sign"] + ["study_petition"] * 4
        twins = [r for r in recipes if r in ("repeated", "likely_duplicate")]
        recipes = [r for r in recipes if r not in twins]
        vals_list = [self._vals(office, recipe) for recipe in recipes]
        requests = self._create(office, vals_list)
        for request, recipe in zip(requests, recipes, strict=True):
            self._apply(request, recipe)
        # repeated: the same citizen files the same request again, closed as repeated
        originals = requests.filtered(lambda r: r.state not in ("withdrawn",))[:1]
        for recipe in twins if originals else []:
            original = originals[0]
            vals = self._vals(office, "registered", partner=original.partner_id)
            vals.update(
                subject=original.subject,
                description=original.description,
                category_id=original.category_id.id,
                type_id=original.type_id.id,
            )
            again = self._create(office, [vals])
            if recipe == "repeated":
                self._as(again, self._office_user(office)).action_mark_repeated(
                    original=original
                )
        return requests

    def _correspondent_files(self):
        """Several files routed to each demo correspondent's body, in different
        states: fresh, under study, answer drafted, late, answered."""
        xml = "emowaten_base.emowaten_"
        plan = [
            # (body, parent offices, themes)
            ("body_min_health_demo", ["office_gov_11", "office_central"], ["health"]),
            (
                "body_health_hospital_sfax_demo",
                ["office_gov_61", "office_min_health_demo"],
                ["health"],
            ),
            (
                "body_equipment_steg_demo",
                ["office_gov_11", "office_mun_11_demo", "office_central"],
                ["electricity"],
            ),
            (
                "body_mun_61_demo",
                ["office_gov_61", "office_central"],
                ["lighting", "sanitation", "environment", "roads"],
            ),
            (
                "body_gov_11",
                ["office_central", "office_min_interior_demo"],
                ["civil", "land", "building"],
            ),
        ]
        states = ["routed", "routed", "study", "answer_drafted", "late", "answered"]
        for body_key, office_keys, themes in plan:
            body = self._xref(xml + body_key)
            offices = [self._xref(xml + key) for key in office_keys]
            offices = [o for o in offices if o]
            if not body or not offices:
                continue
            for i, child_state in enumerate(states):
                office = offices[i % len(offices)]
                days = (
                    self.rng.randint(75, 110)
                    if child_state == "late"
                    else self.rng.randint(3, 25)
                )
                vals = self._vals(office, "routed", themes=themes, days_ago=days)
                parent = self._create(office, [vals])
                agent = self._office_user(office)
                parent_as = self._as(parent, agent)
                parent_as.action_screen_admissible()
                child = parent_as.action_route(body)
                corr = child.correspondent_id or self.admin
                child_as = self._as(child, corr)
                if child_state in ("study", "answer_drafted", "answered"):
                    child_as.action_start_study()
                if child_state == "answer_drafted":
                    self._answer(child, corr)
                if child_state == "answered":
                    answer = self._answer(child, corr, kind="partial")
                    self._send_later(answer)

    def _confidential(self, offices):
        """Corruption reports: filed at the counter, seen only by designated staff."""
        rtype = self.types.get("corruption")
        if not rtype:
            return
        designated = rtype.designated_user_ids[:1] or self.admin
        for i, office in enumerate(offices):
            subject, description = CORRUPTION_SUBJECTS[i % len(CORRUPTION_SUBJECTS)]
            vals = self._vals(office, "study", days_ago=self.rng.randint(2, 40))
            vals.update(
                type_id=rtype.id,
                subject=subject,
                description=description,
                category_id=self.ref("emowaten_petitions.category_administration").id,
                user_id=designated.id,
            )
            request = self._create(office, [vals])
            req = self._as(request, designated)
            if i % 3 == 0:
                continue
            req.action_screen_admissible()
            req.action_start_study()
            if i % 3 == 2:
                answer = self._answer(request, designated)
                self._send_later(answer)

    def _citizen_journey(self):
        """The demo portal citizen's own requests, one answered and ready to rate."""
        user = self._xref("emowaten_petitions.user_citoyen_demo")
        if not user:
            return
        partner = user.partner_id
        gov_11 = self._xref("emowaten_base.emowaten_office_gov_11")
        mun_11 = self._xref("emowaten_base.emowaten_office_mun_11_demo")
        health = self._xref("emowaten_base.emowaten_office_min_health_demo")
        plan = [
            (mun_11 or gov_11, ["lighting"], "answered", 35),
            (health or gov_11, ["health"], "closed", 90),
            (gov_11, ["water"], "study", 12),
            (mun_11 or gov_11, ["environment"], "suspended", 8),
            (gov_11, ["building"], "registered", 1),
        ]
        for office, themes, recipe, days in plan:
            vals = self._vals(
                office, recipe, partner=partner, themes=themes, days_ago=days
            )
            vals["channel"] = "portal"
            request = self._create(office, [vals])
            if recipe == "answered":
                agent = self._office_user(office)
                self._as(request, agent).action_screen_admissible()
                self._as(request, agent).action_start_study()
                template = self._xref("emowaten_petitions.answer_template_lighting")
                answer = self._answer(request, agent, template=template)
                self._send_later(answer, letter=True)
            else:
                self._apply(request, recipe)

    def _crons(self):
        """What the nightly crons would have done by now: implicit refusals and the
        escalation ladder (their work without their commits)."""
        Request = self.env["emowaten.request"]
        today = self.today
        late = Request.search(
            [
                ("id", "in", self.requests.ids),
                ("state", "in", OPEN_STATES),
                ("deadline_suspended", "=", False),
                ("date_deadline", "<", today),
                ("implicit_refusal", "=", False),
                ("type_id.answer_required", "=", True),
            ]
        )
        if late:
            late._emowaten_mark_implicit_refusal(today)
        levels = self.env["emowaten.escalation.level"].search(
            [("active", "=", True)], order="sequence desc"
        )
        for level in levels:
            requests = Request.search(
                [
                    ("id", "in", self.requests.ids),
                    ("state", "in", OPEN_STATES),
                    ("deadline_suspended", "=", False),
                    ("date_deadline", "<=", today - timedelta(days=level.offset_days)),
                    ("escalation_level", "<", level.sequence),
                ]
            )
            if requests:
                level._emowaten_apply(requests)

    # ------------------------------------------------------------ main
    def run(self):
        self._make_citizens()
        staffed, others = self._offices()
        for office in staffed:
            self._office_requests(office, FULL_RECIPE)
        for i, office in enumerate(others):
            # a rotating subset: every state appears, each office gets a handful
            recipes = [SMALL_RECIPE[(i + k) % len(SMALL_RECIPE)] for k in range(5)]
            self._office_requests(office, recipes)
        self._correspondent_files()
        self._confidential(staffed)
        self._citizen_journey()
        self._send_all()
        self._crons()
        self.requests |= self.requests.child_ids
        self._backdate()
        return self.requests

    def _backdate(self):
        """The requests were registered up to five months ago but worked on just now:
        spread their history (close dates, answers, ratings, chatter, custody) from
        the registration onwards, as if it had happened at the office's pace."""
        self.env.flush_all()
        cr = self.env.cr
        ids = self.requests.ids
        cr.execute(
            """UPDATE emowaten_request
                  SET close_date = LEAST(
                          registration_date + ((id %% 37) + 4) * interval '1 day',
                          (now() at time zone 'UTC') - interval '2 hours')
                WHERE id = ANY(%s) AND close_date IS NOT NULL
                  AND registration_date IS NOT NULL""",
            [ids],
        )
        cr.execute(
            """UPDATE emowaten_request
                  SET rating_date = LEAST(close_date + interval '2 days',
                                          now() at time zone 'UTC')
                WHERE id = ANY(%s) AND rating_date IS NOT NULL
                  AND close_date IS NOT NULL""",
            [ids],
        )
        cr.execute(
            """UPDATE emowaten_answer a SET date_sent = r.close_date
                 FROM emowaten_request r
                WHERE r.id = a.request_id AND r.id = ANY(%s) AND a.date_sent IS NOT NULL
                  AND r.close_date IS NOT NULL""",
            [ids],
        )
        # the events of a file are at most a day and a half apart; the last one of a
        # finished file is its close date
        cr.execute(
            """WITH h AS (
                   SELECT m.id, r.registration_date AS start,
                          COALESCE(r.close_date, now() at time zone 'UTC') AS stop,
                          r.close_date IS NOT NULL AS done,
                          row_number() OVER (PARTITION BY m.res_id ORDER BY m.id)
                              AS rank,
                          count(*) OVER (PARTITION BY m.res_id) AS total
                     FROM mail_message m JOIN emowaten_request r ON r.id = m.res_id
                    WHERE m.model = 'emowaten.request' AND m.res_id = ANY(%s)
                      AND r.registration_date IS NOT NULL
               )
               UPDATE mail_message m
                  SET date = CASE WHEN h.done AND h.rank = h.total AND h.total > 1
                                  THEN h.stop
                                  ELSE h.start + LEAST((h.stop - h.start) / h.total,
                                                       interval '36 hours')
                                                 * (h.rank - 1) END
                 FROM h WHERE h.id = m.id""",
            [ids],
        )
        # the implicit refusal was noted the night after the deadline
        cr.execute(
            """UPDATE emowaten_request SET implicit_refusal_date = date_deadline + 1
                WHERE id = ANY(%s) AND implicit_refusal""",
            [ids],
        )
        cr.execute(
            """UPDATE mail_message m SET date = (r.date_deadline + 1) + time '02:00'
                 FROM emowaten_request r
                WHERE m.model = 'emowaten.request' AND m.res_id = r.id
                  AND r.id = ANY(%s) AND r.implicit_refusal
                  AND m.id = (SELECT max(id) FROM mail_message
                               WHERE model = 'emowaten.request' AND res_id = r.id)""",
            [ids],
        )
        cr.execute(
            """WITH h AS (
                   SELECT c.id, r.registration_date AS start,
                          COALESCE(r.close_date, now() at time zone 'UTC') AS stop,
                          row_number() OVER (PARTITION BY c.request_id ORDER BY c.id)
                              AS rank,
                          count(*) OVER (PARTITION BY c.request_id) AS total
                     FROM emowaten_request_custody c
                     JOIN emowaten_request r ON r.id = c.request_id
                    WHERE c.request_id = ANY(%s) AND r.registration_date IS NOT NULL
               ), d AS (
                   SELECT id, request_id, start + LEAST((stop - start) / total,
                                            interval '36 hours') * (rank - 1) AS at
                     FROM h JOIN emowaten_request_custody USING (id)
               ), n AS (
                   SELECT id, at,
                          lead(at) OVER (PARTITION BY request_id ORDER BY id) AS next_at
                     FROM d
               )
               UPDATE emowaten_request_custody c
                  SET date_from = n.at,
                      date_to = CASE WHEN c.date_to IS NULL THEN NULL
                                     ELSE COALESCE(n.next_at, c.date_to) END
                 FROM n WHERE n.id = c.id""",
            [ids],
        )
        self.env.invalidate_all()
