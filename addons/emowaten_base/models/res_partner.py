import re

import phonenumbers
from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.tn import mf

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Domain

from ..tools.public_input import single_line

CIN_RE = re.compile(r"^\d{8}$")
# Tunisian CINs issued so far start with 0 or 1; another first digit is possible
# in the future, so it only raises a warning.
USUAL_CIN_FIRST_DIGITS = "01"


class ResPartner(models.Model):
    _inherit = "res.partner"

    emowaten_is_citizen = fields.Boolean(string="Citizen", index=True)
    emowaten_cin = fields.Char(
        string="CIN",
        size=8,
        index=True,
        copy=False,
        help="National identity card: 8 digits.",
    )
    emowaten_cin_warning = fields.Char(
        string="CIN Warning", compute="_compute_emowaten_cin_warning"
    )
    emowaten_passport = fields.Char(string="Passport", copy=False)
    emowaten_mf = fields.Char(
        string="Tax Identifier (MF)",
        copy=False,
        help="Matricule fiscal of a company, e.g. 1234567/M/A/E/001.",
    )
    emowaten_delegation_id = fields.Many2one(
        "emowaten.delegation",
        string="Delegation",
        index=True,
        domain="[('state_id', '=?', state_id)]",
    )
    emowaten_consent = fields.Boolean(
        string="Consent to Processing",
        help="Consent to the processing of personal data (organic law 2004-63).",
    )
    emowaten_consent_date = fields.Datetime(
        string="Consent Date", readonly=True, copy=False
    )
    emowaten_duplicate = fields.Boolean(
        string="Possible Duplicate",
        compute="_compute_emowaten_duplicate",
        search="_search_emowaten_duplicate",
        help="Another citizen shares this CIN or phone number.",
    )

    _emowaten_cin_uniq = models.UniqueIndex(
        "(emowaten_cin) WHERE emowaten_is_citizen AND active "
        "AND emowaten_cin IS NOT NULL",
        "Another active citizen already has this CIN.",
    )

    @api.depends("emowaten_cin")
    def _compute_emowaten_cin_warning(self):
        for partner in self:
            cin = partner.emowaten_cin
            if cin and CIN_RE.match(cin) and cin[0] not in USUAL_CIN_FIRST_DIGITS:
                partner.emowaten_cin_warning = self.env._(
                    "Unusual CIN: Tunisian identity card numbers usually start "
                    "with 0 or 1. "
                    "Check the card again."
                )
            else:
                partner.emowaten_cin_warning = False

    def _compute_emowaten_duplicate(self):
        duplicates = self._emowaten_duplicate_ids()
        for partner in self:
            partner.emowaten_duplicate = partner.id in duplicates

    def _search_emowaten_duplicate(self, operator, value):
        if operator not in ("in", "not in"):
            return NotImplemented
        ids = list(self._emowaten_duplicate_ids())
        positive = True in value
        if (operator == "in") == positive:
            return Domain("id", "in", ids)
        return Domain("id", "not in", ids)

    def _emowaten_duplicate_ids(self):
        """Ids of the citizens that share a CIN or a phone with another citizen
        (archived ones included, since a merged twin is often archived)."""
        self.flush_model(["emowaten_cin", "phone", "emowaten_is_citizen"])
        self.env.cr.execute(
            """
            SELECT p.id FROM res_partner p
             WHERE p.emowaten_is_citizen
               AND (
                    (p.emowaten_cin IS NOT NULL AND EXISTS (
                        SELECT 1 FROM res_partner o
                         WHERE o.emowaten_is_citizen AND o.id != p.id
                           AND o.emowaten_cin = p.emowaten_cin))
                 OR (p.phone IS NOT NULL AND p.phone != '' AND EXISTS (
                        SELECT 1 FROM res_partner o
                         WHERE o.emowaten_is_citizen AND o.id != p.id
                           AND o.phone = p.phone))
               )
            """
        )
        return {row[0] for row in self.env.cr.fetchall()}

    @api.constrains("emowaten_cin", "emowaten_is_citizen", "active")
    def _check_emowaten_cin(self):
        for partner in self.filtered("emowaten_cin"):
            if not CIN_RE.match(partner.emowaten_cin):
                raise ValidationError(
                    self.env._(
                        "The CIN %(cin)s is not valid: a national identity card number "
                        "has exactly 8 digits.",
                        cin=partner.emowaten_cin,
                    )
                )
            if partner.emowaten_is_citizen and partner.active:
                other = self.with_context(active_test=True).search_count(
                    [
                        ("emowaten_cin", "=", partner.emowaten_cin),
                        ("emowaten_is_citizen", "=", True),
                        ("id", "!=", partner.id),
                    ],
                    limit=1,
                )
                if other:
                    raise ValidationError(
                        self.env._(
                            "Another active citizen already has the CIN %(cin)s.",
                            cin=partner.emowaten_cin,
                        )
                    )

    @api.onchange("emowaten_cin")
    def _onchange_emowaten_cin(self):
        if self.emowaten_cin_warning:
            return {
                "warning": {
                    "title": self.env._("Unusual CIN"),
                    "message": self.emowaten_cin_warning,
                }
            }
        return None

    @api.model_create_multi
    def create(self, vals_list):
        vals_list = [self._emowaten_normalize_vals(vals) for vals in vals_list]
        for vals in vals_list:
            if (
                vals.get("emowaten_cin")
                and vals.get("emowaten_is_citizen")
                and vals.get("active", True)
            ):
                self._emowaten_check_cin_free(vals["emowaten_cin"])
        return super().create(vals_list)

    def write(self, vals):
        keys = {"phone", "emowaten_cin", "emowaten_mf", "emowaten_consent"}
        keys.add("emowaten_passport")
        keys |= self._emowaten_single_line_fields(vals)
        if self and keys & set(vals):
            citizen = vals.get(
                "emowaten_is_citizen", all(self.mapped("emowaten_is_citizen"))
            )
            vals = self._emowaten_normalize_vals(vals, citizen=citizen)
        if self and {"emowaten_cin", "emowaten_is_citizen", "active"} & set(vals):
            # check before the UPDATE, so that the user gets a clear message
            # instead of the unique index's error
            for partner in self:
                cin = vals.get("emowaten_cin", partner.emowaten_cin)
                citizen = vals.get("emowaten_is_citizen", partner.emowaten_is_citizen)
                active = vals.get("active", partner.active)
                if cin and citizen and active:
                    partner._emowaten_check_cin_free(cin, exclude_ids=self.ids)
        return super().write(vals)

    @api.model
    def _emowaten_check_cin_free(self, cin, exclude_ids=()):
        other = (
            self.sudo()
            .with_context(active_test=True)
            .search_count(
                [
                    ("emowaten_cin", "=", cin),
                    ("emowaten_is_citizen", "=", True),
                    ("id", "not in", list(exclude_ids)),
                ],
                limit=1,
            )
        )
        if other:
            raise ValidationError(
                self.env._(
                    "Another active citizen already has the CIN %(cin)s.", cin=cin
                )
            )

    # ------------------------------------------------------------------
    # Normalisation and validation helpers
    # ------------------------------------------------------------------
    @api.model
    def _emowaten_normalize_vals(self, vals, citizen=None):
        """Return a copy of ``vals`` with CIN, MF and phone normalised; raise a
        translated ValidationError on bad input. Phones are only rewritten for
        citizens, so that other partners keep Odoo's usual behaviour."""
        vals = dict(vals)
        if citizen is None:
            citizen = vals.get("emowaten_is_citizen")
        if citizen:
            # a line break in a citizen's name or address would break the headers
            # of every e-mail to them (and lets a filer inject headers)
            for key in self._emowaten_single_line_fields(vals):
                vals[key] = single_line(vals[key])
        if vals.get("emowaten_cin"):
            vals["emowaten_cin"] = self._emowaten_normalize_cin(vals["emowaten_cin"])
        if vals.get("emowaten_passport"):
            vals["emowaten_passport"] = vals["emowaten_passport"].strip().upper()
        if vals.get("emowaten_mf"):
            vals["emowaten_mf"] = self._emowaten_normalize_mf(vals["emowaten_mf"])
        if citizen and vals.get("phone"):
            country = None
            if vals.get("country_id"):
                country = self.env["res.country"].browse(vals["country_id"])
            vals["phone"] = self._emowaten_normalize_phone(vals["phone"], country)
        if "emowaten_consent" in vals and "emowaten_consent_date" not in vals:
            vals["emowaten_consent_date"] = (
                fields.Datetime.now() if vals["emowaten_consent"] else False
            )
        return vals

    @api.model
    def _emowaten_single_line_fields(self, vals):
        """The one-line text fields (Char) among the keys of ``vals``."""
        return {
            key
            for key, value in vals.items()
            if isinstance(value, str)
            and key in self._fields
            and self._fields[key].type == "char"
        }

    @api.model
    def _emowaten_normalize_cin(self, cin):
        cin = re.sub(r"[\s.\-]", "", str(cin or ""))
        if not CIN_RE.match(cin):
            raise ValidationError(
                self.env._(
                    "The CIN %(cin)s is not valid: a national identity card number "
                    "has exactly 8 digits.",
                    cin=cin,
                )
            )
        return cin

    @api.model
    def _emowaten_normalize_mf(self, value):
        try:
            return mf.format(mf.validate(value))
        except StdnumValidationError as error:
            raise ValidationError(
                self.env._(
                    "The tax identifier (matricule fiscal) %(mf)s is not valid. "
                    "Expected form: 1234567/M/A/E/001.",
                    mf=value,
                )
            ) from error

    @api.model
    def _emowaten_normalize_phone(self, phone, country=None):
        """Return ``phone`` in E.164 (+216XXXXXXXX), Tunisia being the default."""
        region = (country and country.code) or "TN"
        try:
            number = phonenumbers.parse(phone, region)
        except phonenumbers.NumberParseException as error:
            raise ValidationError(
                self.env._("The phone number %(phone)s is not valid.", phone=phone)
            ) from error
        if not phonenumbers.is_valid_number(number):
            raise ValidationError(
                self.env._("The phone number %(phone)s is not valid.", phone=phone)
            )
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)

    @api.model
    def _emowaten_find_or_create_citizen(self, vals, complete=True):
        """Return the citizen matching ``vals``: found by CIN, then by normalised
        phone, else created. With ``complete``, empty fields of a found citizen are
        completed from ``vals`` (the back office, where staff see the citizen);
        without, a found citizen is left as it is: what a public filer types must
        never change the contact data of the citizen whose CIN they know (their
        mail would go to the filer). Raise a translated ValidationError on bad
        input.

        ``vals`` uses res.partner field names (``name``, ``emowaten_cin``, ``phone``,
        ``email``, ``state_id``...); ``cin`` is accepted as an alias of
        ``emowaten_cin``.
        """
        vals = dict(vals)
        if "cin" in vals:
            vals.setdefault("emowaten_cin", vals.pop("cin"))
        vals["emowaten_is_citizen"] = True
        vals = self._emowaten_normalize_vals(vals, citizen=True)
        Partner = self.sudo().with_context(active_test=True)
        partner = Partner.browse()
        if vals.get("emowaten_cin"):
            partner = Partner.search(
                [
                    ("emowaten_is_citizen", "=", True),
                    ("emowaten_cin", "=", vals["emowaten_cin"]),
                ],
                limit=1,
            )
        # the phone finds the citizen only when no CIN is given: a CIN that is not on
        # file is a new person, even if the phone is another citizen's (a relative's,
        # an old number), and the request must not silently go to that citizen; two
        # records of one person are flagged as duplicates, to be merged
        if not partner and vals.get("phone") and not vals.get("emowaten_cin"):
            partner = Partner.search(
                [("emowaten_is_citizen", "=", True), ("phone", "=", vals["phone"])],
                limit=1,
            )
        if partner and not complete:
            return partner.sudo(False)
        if partner:
            missing = {
                key: value
                for key, value in vals.items()
                if key in partner._fields and value and not partner[key]
            }
            if missing:
                partner.write(missing)
            return partner.sudo(False)
        if not vals.get("name"):
            raise ValidationError(self.env._("The name of the citizen is required."))
        if not vals.get("country_id"):
            vals["country_id"] = self.env.ref("base.tn").id
        return Partner.create(vals).sudo(False)

    def action_emowaten_merge_duplicates(self):
        """Open Odoo's partner merge wizard on the citizens sharing a CIN or phone."""
        partners = self
        if len(self) == 1:
            domain = Domain("emowaten_is_citizen", "=", True) & Domain(
                "id", "!=", self.id
            )
            twins = Domain.FALSE
            if self.emowaten_cin:
                twins |= Domain("emowaten_cin", "=", self.emowaten_cin)
            if self.phone:
                twins |= Domain("phone", "=", self.phone)
            partners |= self.with_context(active_test=False).search(domain & twins)
        return {
            "type": "ir.actions.act_window",
            "res_model": "base.partner.merge.automatic.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"active_model": "res.partner", "active_ids": partners.ids},
        }
