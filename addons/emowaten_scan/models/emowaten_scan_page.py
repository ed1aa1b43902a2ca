import base64
import functools
import logging

import psycopg2.errors
import pytesseract

from odoo import api, fields, models
from odoo.tools import mute_logger

from ..tools import cover, extract, ocr
from ..tools.arabic import arabic_normalize

_logger = logging.getLogger(__name__)

WORKER_CRON_XMLIDS = (
    "emowaten_scan.ir_cron_scan_worker_1",
    "emowaten_scan.ir_cron_scan_worker_2",
)
CANDIDATES = 20


@functools.cache
def _tesseract_languages():
    try:
        return tuple(
            lang for lang in pytesseract.get_languages(config="") if lang != "osd"
        )
    except (pytesseract.TesseractError, OSError, RuntimeError):
        return ()


class EmowatenScanPage(models.Model):
    _name = "emowaten.scan.page"
    _description = "Scanned Page"
    _order = "batch_id, line_id, sequence, id"

    line_id = fields.Many2one(
        "emowaten.scan.line", required=True, ondelete="cascade", index=True
    )
    batch_id = fields.Many2one(related="line_id.batch_id", store=True, index=True)
    office_id = fields.Many2one(related="line_id.office_id", store=True)
    document_id = fields.Many2one(
        "emowaten.scan.document", index=True, ondelete="set null"
    )
    sequence = fields.Integer(string="Page", default=1)
    image = fields.Binary(attachment=True, string="Page Image")
    searchable_pdf = fields.Binary(attachment=True, string="Searchable Page")
    state = fields.Selection(
        [
            ("queued", "Queued"),
            ("done", "Done"),
            ("blank", "Blank"),
            ("error", "Failed"),
        ],
        default="queued",
        required=True,
        index=True,
    )
    is_cover = fields.Boolean(string="Cover Sheet", readonly=True)
    cover_mode = fields.Selection(
        [("new", "New Request"), ("request", "Existing Request")], readonly=True
    )
    cover_reference = fields.Char(readonly=True)
    text = fields.Text(string="Recognised Text")
    confidence = fields.Float(readonly=True, aggregator="avg")
    word_count = fields.Integer(readonly=True)
    low_confidence = fields.Boolean(readonly=True, index=True)
    deskew_angle = fields.Float(readonly=True)
    rotation = fields.Integer(readonly=True)
    ocr_count = fields.Integer(
        string="OCR Runs",
        readonly=True,
        help="Number of OCR runs committed for this page (1 in normal operation).",
    )
    ocr_seconds = fields.Float(string="OCR Time (s)", readonly=True)
    message_code = fields.Char(string="Problem Code", readonly=True)
    message_detail = fields.Char(string="Problem Detail", readonly=True)
    message = fields.Char(compute="_compute_message", string="Problem")

    # the workers' queue: a partial index keeps it small whatever the history
    _queue_idx = models.Index("(id) WHERE state = 'queued'")

    @api.depends("message_code", "message_detail")
    def _compute_message(self):
        Line = self.env["emowaten.scan.line"]
        for page in self:
            page.message = page.message_code and Line._emowaten_message_text(
                page.message_code, page.message_detail
            )

    @api.model
    def _emowaten_installed_languages(self):
        return _tesseract_languages()

    # ----------------------------------------------------------------- workers
    @api.model
    def _emowaten_trigger_workers(self):
        # agents may queue work but have no access to scheduled actions
        env = self.sudo().env
        for xmlid in WORKER_CRON_XMLIDS:
            cron = env.ref(xmlid, raise_if_not_found=False)
            if cron and cron.active:
                cron._trigger()

    @api.model
    def _emowaten_queue_size(self):
        lines = self.env["emowaten.scan.line"].search_count(
            [("state", "=", "queued"), ("batch_id.state", "=", "queued")]
        )
        pages = self.search_count([("state", "=", "queued")])
        return lines + pages

    @api.model
    def _cron_process_queue(self, max_units=None):
        """Worker: split files, OCR pages and file finished batches, one unit per
        transaction. Several workers (one cron each) can run together: every unit is
        taken under a row lock that the others skip, and committed before the next.
        Returns the number of units done."""
        units = 0
        cron = self.env["ir.cron"]
        while max_units is None or units < max_units:
            try:
                worked = self._emowaten_work_once()
            except psycopg2.errors.SerializationFailure:
                # another worker finished this unit after our snapshot began: start a
                # new transaction and look again
                self.env.cr.rollback()
                continue
            if not worked:
                break
            units += 1
            if not cron._commit_progress(1, remaining=self._emowaten_queue_size()):
                break
        return units

    @api.model
    def _emowaten_work_once(self):
        return (
            self._emowaten_step_split()
            or self._emowaten_step_ocr()
            or self._emowaten_step_dispatch()
        )

    @api.model
    def _emowaten_lock_one(self, candidates, domain):
        """Lock the first candidate still matching ``domain`` that no one else holds."""
        while candidates:
            # a row another worker finished after our snapshot began raises a
            # serialization failure, handled by the caller: not a bad query to log
            with mute_logger("odoo.sql_db"):
                locked = candidates.try_lock_for_update(limit=1)
            if not locked:
                return locked
            locked.invalidate_recordset()
            if locked.filtered_domain(domain):
                return locked
            candidates -= locked
        return candidates

    @api.model
    def _emowaten_step_split(self):
        Line = self.env["emowaten.scan.line"]
        domain = [("state", "=", "queued"), ("batch_id.state", "=", "queued")]
        line = self._emowaten_lock_one(
            Line.search(domain, limit=CANDIDATES, order="id"), domain
        )
        if not line:
            return False
        line._emowaten_split()
        return True

    @api.model
    def _emowaten_step_ocr(self):
        domain = [("state", "=", "queued")]
        page = self._emowaten_lock_one(
            self.search(domain, limit=CANDIDATES, order="id"), domain
        )
        if not page:
            return False
        page._emowaten_ocr()
        return True

    @api.model
    def _emowaten_step_dispatch(self):
        Batch = self.env["emowaten.scan.batch"]
        for batch in Batch.search(
            [("state", "=", "queued")], order="id", limit=CANDIDATES
        ):
            if not batch._emowaten_is_complete():
                continue
            locked = self._emowaten_lock_one(batch, [("state", "=", "queued")])
            if locked and locked._emowaten_is_complete():
                locked._emowaten_dispatch()
                return True
        return False

    # --------------------------------------------------------------------- OCR
    def _emowaten_ocr(self):
        self.ensure_one()
        office = self.office_id
        vals = {"ocr_count": self.ocr_count + 1}
        try:
            result = ocr.ocr_page(
                base64.b64decode(self.image or b""), lang=office.scan_lang or "ara+fra"
            )
        except ocr.ScanInputError as exc:
            vals.update(
                state="blank" if exc.code == "blank" else "error",
                message_code=exc.code,
                message_detail=(exc.detail or "")[:200],
            )
        except Exception as exc:  # noqa: BLE001 - one bad page must not stop the worker
            _logger.exception("OCR of scanned page %s failed", self.id)
            vals.update(
                state="error", message_code="ocr_failed", message_detail=str(exc)[:200]
            )
        else:
            parsed = cover.parse_payload(result.cover_payload)
            if parsed:
                self.write(
                    {
                        **vals,
                        "state": "done",
                        "is_cover": True,
                        "cover_mode": parsed[0],
                        "cover_reference": parsed[1],
                    }
                )
                return
            threshold = office.scan_confidence_threshold
            # a confident page may still hold misreadings (stray Latin words in an
            # Arabic line, a year read as one digit): it is checked by hand too
            suspects = extract.suspect_fragments(result.text)
            code = (
                "low_confidence"
                if result.confidence < threshold
                else ("suspect_text" if suspects else False)
            )
            low = bool(code)
            vals.update(
                state="done",
                text=result.text,
                confidence=result.confidence,
                word_count=result.word_count,
                low_confidence=low,
                deskew_angle=result.angle,
                rotation=result.rotation,
                ocr_seconds=sum(result.timings.values()),
                searchable_pdf=base64.b64encode(result.pdf) if result.pdf else False,
                message_code=code,
                message_detail=", ".join(suspects)[:200] if suspects else False,
            )
        self.write(vals)

    def _emowaten_normalized_text(self):
        return arabic_normalize("\n".join(self.mapped("text")))
