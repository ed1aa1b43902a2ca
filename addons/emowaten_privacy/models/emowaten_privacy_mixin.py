from contextlib import contextmanager

from odoo import api, models

# Depth of the logged calls running on this cursor. Kept on the cursor, not in the
# context: an RPC caller sets the context at will, and a context flag that stops the
# logging would let him read without a trace.
_DEPTH_KEY = "emowaten_privacy_depth"


class EmowatenPrivacyLogged(models.AbstractModel):
    """Records whose reading by a staff member is written to the access log: the opening
    of a file (``web_read``), a ``read`` or ``search_read`` (the API), an export, and a
    web list that shows the citizen's identity (``web_search_read`` of one of
    ``_emowaten_privacy_identity_fields``)."""

    _name = "emowaten.privacy.logged"
    _description = "Read Access Logged (personal data)"

    # a web list of subjects is not the opening of a file, a list of CINs is: the
    # fields whose listing identifies the citizen
    _emowaten_privacy_identity_fields = ()

    def _emowaten_privacy_citizen(self):
        """The citizen (res.partner) whose personal data this record shows."""
        self.ensure_one()
        return self.env["res.partner"]

    def _emowaten_privacy_request(self):
        """The request this record belongs to, if any."""
        self.ensure_one()
        return self.env["emowaten.request"]

    @contextmanager
    def _emowaten_privacy_call(self):
        """Run a logged entry point; yield whether it is the outermost one. The reads
        an entry point makes itself (web_read reads with read(), a list or a kanban
        column with web_read, a computed field) are part of it: not logged again."""
        cache = self.env.cr.cache
        depth = cache.get(_DEPTH_KEY, 0)
        cache[_DEPTH_KEY] = depth + 1
        try:
            yield depth == 0
        finally:
            cache[_DEPTH_KEY] = depth

    def _emowaten_privacy_log(self, access_type, method, found=False):
        # a read-only cursor is a nested read of another record's read-only call (the
        # one2many list of an office, a signing dialog's answers): it cannot write, and
        # every entry point below asks for a read/write cursor when called by RPC
        if self and not self.env.cr.readonly:
            # ``found``: the ids come from a search, no need to check they exist
            self.env["emowaten.privacy.access.log"]._emowaten_log(
                self if found else self.exists(),
                access_type=access_type,
                method=method,
            )

    # not @api.readonly: logging the read is a write, so the call must get a read/write
    # cursor even where a read-only replica serves the other reads
    def web_read(self, specification):
        with self._emowaten_privacy_call() as outer:
            result = super().web_read(specification)
        if outer:
            records = self.browse([vals["id"] for vals in result if vals.get("id")])
            records._emowaten_privacy_log("read", "web_read")
        return result

    # The web client's call_kw route walks the MRO for the first `_readonly` marker and
    # would find the read-only one of BaseModel: say explicitly that these overrides
    # write (the access log), so the call gets a read/write cursor at once.
    web_read._readonly = False

    def read(self, fields=None, load="_classic_read"):
        with self._emowaten_privacy_call() as outer:
            result = super().read(fields=fields, load=load)
        if outer:
            self._emowaten_privacy_log("read", "read")
        return result

    read._readonly = False

    @api.model
    def search_read(
        self, domain=None, fields=None, offset=0, limit=None, order=None, **read_kwargs
    ):
        with self._emowaten_privacy_call() as outer:
            result = super().search_read(
                domain=domain,
                fields=fields,
                offset=offset,
                limit=limit,
                order=order,
                **read_kwargs,
            )
        if outer:
            self.browse([vals["id"] for vals in result])._emowaten_privacy_log(
                "list", "search_read", found=True
            )
        return result

    search_read._readonly = False

    @api.model
    def web_search_read(
        self, domain, specification, offset=0, limit=None, order=None, count_limit=None
    ):
        # a list is logged only when it shows who the citizens are: logging each of
        # its 80 rows of subjects on every refresh would bury the reads that matter
        with self._emowaten_privacy_call() as outer:
            result = super().web_search_read(
                domain,
                specification,
                offset=offset,
                limit=limit,
                order=order,
                count_limit=count_limit,
            )
        if outer and set(specification) & set(self._emowaten_privacy_identity_fields):
            records = self.browse([vals["id"] for vals in result["records"]])
            records._emowaten_privacy_log("list", "web_search_read", found=True)
        return result

    web_search_read._readonly = False

    @api.model
    @api.readonly
    def web_read_group(self, domain, groupby, *args, **kwargs):
        # a kanban column (or an unfolded list group) is a list too: its records are
        # read with web_read inside this read-only call and must not be logged
        with self._emowaten_privacy_call():
            return super().web_read_group(domain, groupby, *args, **kwargs)

    def export_data(self, fields_to_export):
        with self._emowaten_privacy_call() as outer:
            result = super().export_data(fields_to_export)
        if outer:
            self._emowaten_privacy_log("export", "export_data")
        return result
