import logging
import os
import shutil
import time

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import cover

_logger = logging.getLogger(__name__)

# a file younger than this may still be written by the scanner
FOLDER_MIN_AGE_SECONDS = 10
FOLDER_EXTENSIONS = {".pdf", ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".gif"}


class EmowatenScanBatch(models.Model):
    _name = "emowaten.scan.batch"
    _description = "Scan Batch"
    _inherit = ["mail.thread"]
    _order = "id desc"

    name = fields.Char(
        required=True,
        default=lambda self: self.env._("Scan of %s", fields.Date.context_today(self)),
        tracking=True,
    )
    office_id = fields.Many2one(
        "emowaten.office",
        required=True,
        index=True,
        default=lambda self: self.env.user.emowaten_office_ids[:1],
        tracking=True,
    )
    user_id = fields.Many2one(
        "res.users", string="Scanned By", default=lambda self: self.env.user
    )
    source = fields.Selection(
        [("upload", "Upload"), ("folder", "Scanner Folder")],
        default="upload",
        required=True,
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("queued", "Processing"),
            ("done", "Done"),
        ],
        default="draft",
        required=True,
        index=True,
        tracking=True,
    )
    upload_attachment_ids = fields.Many2many(
        "ir.attachment",
        "emowaten_scan_batch_upload_rel",
        "batch_id",
        "attachment_id",
        string="Files",
        help="Drop scanned images or PDFs here; each file becomes a line of the batch.",
    )
    line_ids = fields.One2many(
        "emowaten.scan.line", inverse_name="batch_id", string="Scanned Files"
    )
    page_ids = fields.One2many(
        "emowaten.scan.page", inverse_name="batch_id", string="Pages"
    )
    document_ids = fields.One2many(
        "emowaten.scan.document", inverse_name="batch_id", string="Documents"
    )
    page_count = fields.Integer(compute="_compute_progress")
    page_done_count = fields.Integer(compute="_compute_progress", string="Pages Done")
    progress = fields.Float(
        compute="_compute_progress", help="Pages done / total, percent."
    )
    low_confidence_count = fields.Integer(
        compute="_compute_progress", string="Pages to Check"
    )
    error_count = fields.Integer(
        compute="_compute_progress", string="Files with Problems"
    )
    document_count = fields.Integer(
        compute="_compute_progress", string="Documents Count"
    )

    @api.depends("page_ids.state", "line_ids.state", "line_ids.message", "document_ids")
    def _compute_progress(self):
        page_model = self.env["emowaten.scan.page"]
        counts = {}
        if self.ids:
            for batch, state, low, count in page_model._read_group(
                [("batch_id", "in", self.ids)],
                ["batch_id", "state", "low_confidence"],
                ["__count"],
            ):
                counts.setdefault(batch.id, []).append((state, low, count))
        for batch in self:
            rows = counts.get(batch.id, [])
            total = sum(c for _s, _l, c in rows)
            done = sum(c for s, _l, c in rows if s != "queued")
            batch.page_count = total
            batch.page_done_count = done
            pending_lines = batch.line_ids.filtered(lambda line: line.state == "queued")
            batch.progress = (
                100.0 * done / total if total and not pending_lines else 0.0
            )
            if batch.state == "done":
                batch.progress = 100.0
            batch.low_confidence_count = sum(
                c for s, low, c in rows if low and s == "done"
            )
            batch.error_count = len(batch.line_ids.filtered("message"))
            batch.document_count = len(batch.document_ids)

    @api.model_create_multi
    def create(self, vals_list):
        batches = super().create(vals_list)
        batches._emowaten_sync_uploads()
        return batches

    def write(self, vals):
        result = super().write(vals)
        if "office_id" in vals and not self.env.su:
            # the write rule saw the batch in its old office: an agent could hand his
            # office's scans to another office; the batch must still be his to write
            self.check_access("write")
        if "upload_attachment_ids" in vals:
            self._emowaten_sync_uploads()
        return result

    def _emowaten_sync_uploads(self):
        """Turn every newly uploaded attachment into a batch line (the file is
        kept as is)."""
        for batch in self:
            known = batch.line_ids.attachment_id
            new = batch.upload_attachment_ids - known
            if not new:
                continue
            if batch.state == "done":
                raise UserError(self.env._("This batch is closed; start a new batch."))
            new.sudo().write({"res_model": self._name, "res_id": batch.id})
            sequence = max(batch.line_ids.mapped("sequence"), default=0)
            self.env["emowaten.scan.line"].create(
                [
                    {
                        "batch_id": batch.id,
                        "attachment_id": att.id,
                        "sequence": sequence + i,
                    }
                    for i, att in enumerate(new, 1)
                ]
            )

    def _emowaten_add_files(self, files):
        """Add ``files`` (list of ``(filename, bytes)``) to the batch as new lines."""
        self.ensure_one()
        attachments = self.env["ir.attachment"].create(
            [
                {
                    "name": filename,
                    "raw": data,
                    "res_model": self._name,
                    "res_id": self.id,
                }
                for filename, data in files
            ]
        )
        self.upload_attachment_ids = [fields.Command.link(a.id) for a in attachments]
        return self.line_ids.filtered(lambda line: line.attachment_id in attachments)

    # ------------------------------------------------------------------ actions
    def action_process(self):
        """Queue the batch: workers split, OCR and dispatch it in the background."""
        for batch in self:
            if not batch.line_ids:
                raise UserError(
                    self.env._("Add at least one scanned file to the batch.")
                )
        self.filtered(lambda b: b.state == "draft").write({"state": "queued"})
        self.env["emowaten.scan.page"]._emowaten_trigger_workers()
        return True

    def action_view_documents(self):
        self.ensure_one()
        # the title first: Odoo's term extractor took the domain that followed the
        # translated title in the same dict for a term of its own
        name = self.env._("Scanned Documents")
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": "emowaten.scan.document",
            "view_mode": "list,form",
            "domain": [("batch_id", "=", self.id)],
            "context": {"default_batch_id": self.id},
        }

    def action_print_cover_new(self):
        return {
            "type": "ir.actions.act_url",
            "url": "/emowaten_scan/cover/new",
            "target": "new",
        }

    # ---------------------------------------------------------------- dispatch
    def _emowaten_is_complete(self):
        self.ensure_one()
        lines_pending = self.line_ids.filtered(lambda line: line.state == "queued")
        pages_pending = self.page_ids.filtered(lambda page: page.state == "queued")
        return self.state == "queued" and not lines_pending and not pages_pending

    def _emowaten_dispatch(self):
        """Split the processed pages into documents at cover sheets and file them."""
        self.ensure_one()
        groups = self._emowaten_group_pages()
        documents = self.env["emowaten.scan.document"]
        for mode, reference, pages in groups:
            documents |= documents.create(
                {
                    "batch_id": self.id,
                    "mode": mode,
                    "reference": reference,
                    "page_ids": [fields.Command.set(pages.ids)],
                }
            )
        documents._emowaten_file()
        self.state = "done"
        return documents

    def _emowaten_group_pages(self):
        """Return ``[(mode, reference, pages)]``: a cover sheet opens a document for the
        pages that follow it; a new file opens one too. Cover, blank and failed pages
        are
        not part of any document."""
        groups = []
        for line in self.line_ids.sorted(lambda line: (line.sequence, line.id)):
            current = None
            for page in line.page_ids.sorted("sequence"):
                if page.is_cover:
                    current = [
                        page.cover_mode,
                        page.cover_reference,
                        self.env["emowaten.scan.page"],
                    ]
                    groups.append(current)
                    continue
                if page.state != "done":
                    continue
                if current is None:
                    current = ["new", False, self.env["emowaten.scan.page"]]
                    groups.append(current)
                current[2] |= page
        return [tuple(group) for group in groups if group[2]]

    # ------------------------------------------------------------ folder import
    @api.model
    def _cron_import_folders(self):
        offices = (
            self.env["emowaten.office"].sudo().search([("scan_folder", "!=", False)])
        )
        for office in offices:
            try:
                _batch, moves = self._emowaten_import_folder(office)
            except OSError as exc:
                _logger.warning(
                    "Scanner folder of office %s unreadable: %s", office.code, exc
                )
                continue
            # the batch is committed before the files leave the folder: a crash in
            # between
            # means the next run imports them again, never that a scan is lost
            self.env["ir.cron"]._commit_progress(1)
            for source, target in moves:
                shutil.move(source, target)

    @api.model
    def _emowaten_import_folder(self, office):
        """Import the finished files of the office's scanner folder into one batch.

        Returns ``(batch, moves)``: the caller moves each file to ``imported/`` once the
        batch is committed, so that it is never imported twice."""
        folder = office.sudo().scan_folder
        if not folder or not os.path.isdir(folder):
            return self.browse(), []
        now = time.time()
        names = []
        for name in sorted(os.listdir(folder)):
            path = os.path.join(folder, name)
            if name.startswith(".") or not os.path.isfile(path) or os.path.islink(path):
                continue
            if os.path.splitext(name)[1].lower() not in FOLDER_EXTENSIONS:
                continue
            if now - os.path.getmtime(path) < FOLDER_MIN_AGE_SECONDS:
                continue
            names.append(name)
        if not names:
            return self.browse(), []
        done_dir = os.path.join(folder, "imported")
        os.makedirs(done_dir, exist_ok=True)
        files = []
        for name in names:
            with open(os.path.join(folder, name), "rb") as fh:
                files.append((name, fh.read()))
        batch = self.sudo().create(
            {
                "name": self.env._(
                    "Scanner folder %(office)s", office=office.display_name
                ),
                "office_id": office.id,
                "source": "folder",
                "user_id": False,
            }
        )
        batch._emowaten_add_files(files)
        batch.action_process()
        moves = [
            (os.path.join(folder, name), os.path.join(done_dir, f"{batch.id}-{name}"))
            for name in names
        ]
        return batch, moves

    # ------------------------------------------------------------- cover sheets
    @api.model
    def _emowaten_cover_pdf(self, request=None):
        """PDF of a cover sheet (new request, or the given request); raises AccessError
        when the user may not read the request."""
        if request:
            request.check_access("read")
            texts = [
                self.env._("Cover sheet: attach to request"),
                request.name,
                request.subject or "",
                self.env._(
                    "Put this sheet on top of the pages of this request before "
                    "scanning."
                ),
            ]
        else:
            texts = [
                self.env._("Cover sheet: new request"),
                self.env._("Put this sheet on top of each new letter before scanning."),
            ]
        lines = [
            (text, any("\u0600" <= c <= "\u06ff" for c in text))
            for text in texts
            if text
        ]
        return cover.make_cover_pdf(request.name if request else None, lines)
