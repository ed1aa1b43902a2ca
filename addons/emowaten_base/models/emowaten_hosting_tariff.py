from odoo import api, fields, models
from odoo.exceptions import ValidationError


class EmowatenHostingTariff(models.Model):
    """A tariff of a hosting agreement, in force from ``date_from`` until the next
    tariff of the same agreement. Any price may be zero."""

    _name = "emowaten.hosting.tariff"
    _description = "Hosting Tariff"
    _order = "agreement_id, date_from"

    agreement_id = fields.Many2one(
        "emowaten.hosting.agreement", required=True, index=True, ondelete="cascade"
    )
    currency_id = fields.Many2one(related="agreement_id.currency_id")
    date_from = fields.Date(string="In Force From", required=True)
    yearly_fee = fields.Monetary(
        string="Yearly Fixed Fee", help="Charged by twelfths every month."
    )
    price_gb_month = fields.Monetary(string="Price per GB-month")
    price_per_thousand_docs = fields.Monetary(
        string="Price per 1,000 Documents",
        help="Monthly price per 1,000 documents stored for the body.",
    )

    _agreement_date_uniq = models.Constraint(
        "UNIQUE(agreement_id, date_from)",
        "Two tariffs of an agreement cannot start the same day.",
    )

    @api.constrains("yearly_fee", "price_gb_month", "price_per_thousand_docs")
    def _check_prices(self):
        for tariff in self:
            if (
                min(
                    tariff.yearly_fee,
                    tariff.price_gb_month,
                    tariff.price_per_thousand_docs,
                )
                < 0
            ):
                raise ValidationError(self.env._("A tariff price cannot be negative."))

    def _emowaten_monthly_cost(self, record_count, byte_count):
        """Return ``(fixed, storage, documents)`` costs of one month of usage."""
        self.ensure_one()
        gigabytes = byte_count / 1024**3
        return (
            self.yearly_fee / 12.0,
            gigabytes * self.price_gb_month,
            record_count / 1000.0 * self.price_per_thousand_docs,
        )
