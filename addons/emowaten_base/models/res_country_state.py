from odoo import api, fields, models

# the language of the reader -> the field holding the governorate's name in it
_LANG_NAME_FIELDS = {"ar": "emowaten_name_ar", "fr": "emowaten_name_fr"}


class ResCountryState(models.Model):
    _name = "res.country.state"
    # base's state name is not translatable (one column for every country): the
    # Arabic and French names of the Tunisian governorates live in two fields of
    # ours, shown and searched in the reader's language
    _inherit = ["res.country.state", "emowaten.arabic.search.mixin"]
    _emowaten_search_fields = ("name", "code", "emowaten_name_ar", "emowaten_name_fr")

    emowaten_district_id = fields.Many2one(
        "emowaten.district", string="District", index=True, ondelete="set null"
    )
    emowaten_name_ar = fields.Char(string="Arabic Name")
    emowaten_name_fr = fields.Char(string="French Name")
    emowaten_delegation_ids = fields.One2many(
        "emowaten.delegation", "state_id", string="Delegations"
    )

    @api.depends("country_id", "emowaten_name_ar", "emowaten_name_fr")
    @api.depends_context("formatted_display_name", "lang")
    def _compute_display_name(self):
        res = super()._compute_display_name()
        fname = _LANG_NAME_FIELDS.get((self.env.lang or "").split("_")[0])
        if fname:
            for state in self:
                local = state[fname]
                if local and state.display_name and state.name:
                    state.display_name = state.display_name.replace(
                        state.name, local, 1
                    )
        return res
