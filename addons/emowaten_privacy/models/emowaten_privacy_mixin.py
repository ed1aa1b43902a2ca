from odoo import api, models


class EmowatenPrivacyLogged(models.AbstractModel):
    """Records whose opening by a staff member is written to the access log."""

    _name = "emowaten.privacy.logged"
    _description = "Read Access Logged (personal data)"

    def _emowaten_privacy_citizen(self):
        """The citizen (res.partner) whose personal data this record shows."""
        self.ensure_one()
        return self.env["res.partner"]

    def _emowaten_privacy_request(self):
        """The request this record belongs to, if any."""
        self.ensure_one()
        return self.env["emowaten.request"]

    # not @api.readonly: logging the read is a write, so the call must get a read/write
    # cursor even where a read-only replica serves the other reads
    def web_read(self, specification):
        result = super().web_read(specification)
        # a read-only cursor here means a nested read: the one2many/many2many list of
        # another record being read (a signing dialog's answers), a list like any other
        # (an opening of the file itself always comes with a read/write cursor, below)
        if not self.env.context.get("emowaten_privacy_listing") and not (
            self.env.cr.readonly
        ):
            records = self.browse([vals["id"] for vals in result if vals.get("id")])
            self.env["emowaten.privacy.access.log"]._emowaten_log(records.exists())
        return result

    # The web client's call_kw route walks the MRO for the first `_readonly` marker and
    # would find the read-only one of BaseModel.web_read: say explicitly that this
    # override writes (the access log), so the call gets a read/write cursor at once.
    web_read._readonly = False

    @api.model
    @api.readonly
    def web_search_read(
        self, domain, specification, offset=0, limit=None, order=None, count_limit=None
    ):
        # a list is not the opening of a file: logging each of its 80 rows on every
        # refresh would bury the reads that matter
        return super(
            EmowatenPrivacyLogged, self.with_context(emowaten_privacy_listing=True)
        ).web_search_read(
            domain,
            specification,
            offset=offset,
            limit=limit,
            order=order,
            count_limit=count_limit,
        )

    @api.model
    @api.readonly
    def web_read_group(self, domain, groupby, *args, **kwargs):
        # a kanban column (or an unfolded list group) is a list too: its records are
        # read with web_read inside this read-only call and must not be logged
        return super(
            EmowatenPrivacyLogged, self.with_context(emowaten_privacy_listing=True)
        ).web_read_group(domain, groupby, *args, **kwargs)

    def export_data(self, fields_to_export):
        result = super().export_data(fields_to_export)
        self.env["emowaten.privacy.access.log"]._emowaten_log(
            self, access_type="export"
        )
        return result
