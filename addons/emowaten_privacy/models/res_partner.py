import hashlib
import hmac

from odoo import fields, models

# every field of a citizen that identifies or locates the person; governorate,
# delegation, country and language stay for the statistics
PERSONAL_FIELDS = (
    "email",
    "phone",
    "emowaten_cin",
    "emowaten_passport",
    "emowaten_mf",
    "street",
    "street2",
    "zip",
    "city",
    "vat",
    "ref",
    "website",
    "function",
    "comment",
    "image_1920",
)


class ResPartner(models.Model):
    _name = "res.partner"
    _inherit = ["res.partner", "emowaten.privacy.logged"]
    _emowaten_privacy_identity_fields = PERSONAL_FIELDS

    privacy_anonymised = fields.Boolean(
        string="Anonymised", readonly=True, copy=False, index="btree_not_null"
    )
    privacy_anonymised_date = fields.Datetime(
        string="Anonymised On", readonly=True, copy=False
    )

    def _emowaten_privacy_citizen(self):
        self.ensure_one()
        return self if self.emowaten_is_citizen else self.browse()

    def _emowaten_privacy_pseudonym(self):
        """A stable pseudonym that cannot be traced back without the database secret."""
        self.ensure_one()
        secret = self.env["ir.config_parameter"].sudo().get_param("database.secret", "")
        digest = hmac.new(secret.encode(), str(self.id).encode(), hashlib.sha256)
        return digest.hexdigest()[:10].upper()

    def _emowaten_privacy_expired_citizens(self, limit=200):
        """Citizens not anonymised yet, with no live request left: every request of
        theirs is anonymised, or they never filed one and their record is older than the
        general retention period. Staff's own partners are never touched."""
        days = self.env["emowaten.request"]._emowaten_privacy_default_retention()
        if not days:
            return self.browse()
        cutoff = fields.Datetime.subtract(fields.Datetime.now(), days=days)
        self.env.flush_all()
        self.env.cr.execute(
            """
            SELECT p.id FROM res_partner p
             WHERE p.emowaten_is_citizen
               AND NOT COALESCE(p.privacy_anonymised, FALSE)
               AND NOT EXISTS (SELECT 1 FROM emowaten_request r
                                WHERE r.partner_id = p.id
                                  AND NOT COALESCE(r.privacy_anonymised, FALSE))
               AND (EXISTS (SELECT 1 FROM emowaten_request r WHERE r.partner_id = p.id)
                    OR p.create_date < %s)
               AND NOT EXISTS (SELECT 1 FROM res_users u
                                WHERE u.partner_id = p.id AND NOT u.share)
             ORDER BY p.id
             LIMIT %s
            """,
            (cutoff, limit),
        )
        return self.browse([row[0] for row in self.env.cr.fetchall()])

    def _emowaten_privacy_anonymise(self):
        """Replace the citizen's identity by a pseudonym and blank every personal field;
        portal accounts are closed. The partner row stays, so request counts per
        governorate and delegation do not move."""
        now = fields.Datetime.now()
        for partner in self.sudo().with_context(
            tracking_disable=True, active_test=False
        ):
            vals = dict.fromkeys(
                (name for name in PERSONAL_FIELDS if name in partner._fields), False
            )
            vals.update(
                {
                    "name": self.env._(
                        "Anonymised citizen %s", partner._emowaten_privacy_pseudonym()
                    ),
                    "privacy_anonymised": True,
                    "privacy_anonymised_date": now,
                }
            )
            partner.write(vals)
            for user in partner.user_ids.filtered("share"):
                user.write({"login": f"anonymised-{user.id}", "active": False})
        messages = (
            self.env["mail.message"].sudo().search([("author_id", "in", self.ids)])
        )
        messages.write({"email_from": False, "reply_to": False})
