from odoo import api, fields, models
from odoo.exceptions import ValidationError

BODY_TYPES = [
    ("presidency", "Presidency of the Government"),
    ("ministry", "Ministry"),
    ("governorate", "Governorate"),
    ("delegation", "Delegation"),
    ("municipality", "Municipality"),
    ("epa", "Public Establishment (EPA)"),
    ("epna", "Public Establishment (EPNA)"),
    ("enterprise", "Public Enterprise"),
    ("authority", "Independent Authority"),
]


class EmowatenBody(models.Model):
    """A public structure (هيكل عمومي) that must answer the files routed to it.

    Bodies form a tree of any depth (a ministry, its general directorates, its
    regional directorates...). ``_parent_store`` keeps ``parent_path`` so that
    ``child_of`` searches, used by every record rule of the correspondents, are a
    single indexed ``LIKE`` instead of a recursive walk.
    """

    _name = "emowaten.body"
    _description = "Public Body"
    _inherit = ["mail.thread", "mail.activity.mixin", "emowaten.arabic.search.mixin"]
    _parent_store = True
    _parent_name = "parent_id"
    _order = "complete_name, id"
    _rec_name = "complete_name"
    _rec_names_search = ["complete_name", "name_ar", "name_fr", "code", "aliases"]
    _emowaten_search_fields = ("name", "name_ar", "name_fr", "code", "aliases")

    name = fields.Char(required=True, translate=True, tracking=True)
    name_ar = fields.Char(string="Arabic Name")
    name_fr = fields.Char(string="French Name")
    aliases = fields.Char(
        string="Other Names",
        help="Acronyms and names the public uses, in any language, separated by "
        "commas (SONEDE, صوناد): a search finds the body by them too.",
    )
    complete_name = fields.Char(
        compute="_compute_complete_name", store=True, recursive=True, index=True
    )
    display_name = fields.Char(recursive=True)
    code = fields.Char(string="Official Code", required=True, tracking=True)
    body_type = fields.Selection(
        BODY_TYPES, string="Type", required=True, default="ministry", tracking=True
    )
    parent_id = fields.Many2one(
        "emowaten.body",
        string="Parent Body",
        index=True,
        ondelete="restrict",
        tracking=True,
    )
    parent_path = fields.Char(index=True)
    child_ids = fields.One2many("emowaten.body", "parent_id", string="Sub-bodies")
    state_id = fields.Many2one(
        "res.country.state",
        string="Governorate",
        index=True,
        domain="[('country_id.code', '=', 'TN')]",
    )
    emowaten_district_id = fields.Many2one(
        related="state_id.emowaten_district_id", store=True, string="District"
    )
    street = fields.Char()
    street2 = fields.Char()
    zip = fields.Char()
    city = fields.Char()
    phone = fields.Char()
    email = fields.Char()
    website = fields.Char()
    head_user_id = fields.Many2one(
        "res.users",
        string="Head of the Body",
        tracking=True,
        help="Receives escalations and hosting budget alerts.",
    )
    correspondent_ids = fields.Many2many(
        "res.users",
        "emowaten_body_correspondent_rel",
        "body_id",
        "user_id",
        string="Correspondents",
        help="Users who receive the files routed to this body and drive the answer.",
    )
    signatory_user_ids = fields.Many2many(
        "res.users",
        "emowaten_body_signatory_rel",
        "body_id",
        "user_id",
        string="Authorised Signatories",
        help="Persons legally empowered to sign favourable answers.",
    )
    office_ids = fields.One2many("emowaten.office", "body_id", string="Offices")
    office_count = fields.Integer(compute="_compute_office_count")
    child_count = fields.Integer(
        compute="_compute_child_count", string="Sub-body Count"
    )
    readiness_score = fields.Float(
        compute="_compute_readiness_score",
        help="Average readiness score of the body and its offices this year.",
    )
    hosting_agreement_count = fields.Integer(compute="_compute_hosting_agreement_count")
    active = fields.Boolean(default=True, tracking=True)

    _code_uniq = models.Constraint(
        "UNIQUE(code)", "The official code of a body must be unique."
    )

    @api.depends("name", "parent_id.complete_name")
    def _compute_complete_name(self):
        for body in self:
            if body.parent_id:
                body.complete_name = f"{body.parent_id.complete_name} / {body.name}"
            else:
                body.complete_name = body.name

    @api.depends("name", "parent_id.display_name")
    @api.depends_context("lang")
    def _compute_display_name(self):
        # the path in the reader's language: complete_name is stored in one language
        for body in self:
            if body.parent_id:
                body.display_name = f"{body.parent_id.display_name} / {body.name}"
            else:
                body.display_name = body.name

    @api.depends("office_ids")
    def _compute_office_count(self):
        for body in self:
            body.office_count = len(body.office_ids)

    @api.depends("child_ids")
    def _compute_child_count(self):
        for body in self:
            body.child_count = len(body.child_ids)

    def _compute_readiness_score(self):
        year = fields.Date.context_today(self).year
        Readiness = self.env["emowaten.readiness"]
        scores = {}
        if Readiness.has_access("read"):
            scores = {
                body.id: score
                for body, score in Readiness._read_group(
                    [("body_id", "in", self.ids), ("year", "=", year)],
                    ["body_id"],
                    ["score:avg"],
                )
            }
        for body in self:
            body.readiness_score = scores.get(body.id, 0.0)

    def _compute_hosting_agreement_count(self):
        Agreement = self.env["emowaten.hosting.agreement"]
        counts = {}
        if Agreement.has_access("read"):
            counts = dict(
                Agreement._read_group(
                    [("body_id", "in", self.ids)], ["body_id"], ["__count"]
                )
            )
        for body in self:
            body.hosting_agreement_count = counts.get(body, 0)

    @api.constrains("parent_id")
    def _check_parent_id(self):
        if self._has_cycle():
            raise ValidationError(
                self.env._("A public body cannot be its own ancestor.")
            )

    @api.model_create_multi
    def create(self, vals_list):
        bodies = super().create(vals_list)
        if any(vals.get("correspondent_ids") for vals in vals_list):
            self.env.registry.clear_cache()
        bodies._emowaten_sync_name_translations()
        return bodies

    def write(self, vals):
        res = super().write(vals)
        if "correspondent_ids" in vals or "parent_id" in vals:
            # record rules of correspondents embed their body ids: drop the cached rules
            self.env.registry.clear_cache()
        if {"name_ar", "name_fr"} & set(vals):
            self._emowaten_sync_name_translations()
        return res

    def _emowaten_sync_name_translations(self):
        """Push the Arabic and French names into the translations of ``name``."""
        installed = {code for code, _name in self.env["res.lang"].get_installed()}
        for body in self:
            translations = {}
            for field, prefix in (("name_ar", "ar"), ("name_fr", "fr")):
                value = body[field]
                if not value:
                    continue
                for lang in installed:
                    if lang.split("_")[0] == prefix:
                        translations[lang] = value
            if translations:
                body.update_field_translations("name", translations)

    def action_view_children(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Sub-bodies of %s", self.display_name),
            "res_model": "emowaten.body",
            "view_mode": "list,form",
            "domain": [("id", "child_of", self.ids), ("id", "!=", self.id)],
            "context": {"default_parent_id": self.id},
        }

    def action_view_offices(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Offices of %s", self.display_name),
            "res_model": "emowaten.office",
            "view_mode": "list,form",
            "domain": [("body_id", "=", self.id)],
            "context": {"default_body_id": self.id},
        }

    def action_view_readiness(self):
        """Assessments of the body and of its sub-bodies."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "emowaten_base.emowaten_readiness_action"
        )
        action["domain"] = [("body_id", "child_of", self.id)]
        return action

    def action_view_hosting(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "emowaten_base.emowaten_hosting_agreement_action"
        )
        action["domain"] = [("body_id", "=", self.id)]
        action["context"] = {"default_body_id": self.id}
        return action

    # ------------------------------------------------------------------
    # Hooks overridden by the other addons (always call super())
    # ------------------------------------------------------------------
    def _emowaten_readiness_signatory_ok(self):
        """Return ``{body_id: bool}``: does the body have an authorised signatory
        able to sign now?

        Base only knows whether signatories are named on the body; the signature
        addon overrides this to also require a valid, unexpired certificate.
        """
        return {body.id: bool(body.signatory_user_ids) for body in self}

    def _emowaten_answer_rate(self):
        """Return ``{body_id: float 0..100}``: share of the files routed to the body
        that received an answer.

        Base has no files and returns an empty dict; a body missing from the
        result has no routed files yet and its answer rate is "not applicable"
        in the readiness score. The petitions addon fills it.
        """
        return {}
