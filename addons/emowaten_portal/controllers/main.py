import csv
import io
import json
import logging
import re

from odoo import http
from odoo.exceptions import UserError, ValidationError
from odoo.http import content_disposition, request
from odoo.tools import email_normalize

from odoo.addons.emowaten_base.tools.public_input import (
    DEFAULT_MAX_IMAGE_PIXELS,
    clean_multiline,
    image_pixels,
    single_line,
)

from ..models.emowaten_request import ascii_digits

_logger = logging.getLogger(__name__)

CIN_RE = re.compile(r"^[0-9]{8}$")
ID_RE = re.compile(r"^[0-9]{1,9}$")
# Magic numbers of the only file types the portal accepts. The client's declared
# content type and the file name are never trusted: the first bytes decide.
FILE_SIGNATURES = (
    (b"%PDF-", "application/pdf", (".pdf",)),
    (b"\x89PNG\r\n\x1a\n", "image/png", (".png",)),
    (b"\xff\xd8\xff", "image/jpeg", (".jpg", ".jpeg")),
)
SUBJECT_MAX = 200
DESCRIPTION_MAX = 10000
NAME_MAX = 128
HONEYPOT_FIELD = "emw_homepage"
# Hard cap on a whole filing POST; the per-file limit is a system parameter (smaller).
INTAKE_MAX_CONTENT_LENGTH = 64 * 1024 * 1024


def _param(name, default):
    value = (
        request.env["ir.config_parameter"].sudo().get_param(f"emowaten_portal.{name}")
    )
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def client_ip():
    return request.httprequest.remote_addr or "unknown"


def upload_help():
    return request.env._(
        "PDF, PNG or JPEG; at most %(count)s files of %(size)s MB each.",
        count=_param("upload_max_files", 5),
        size=_param("upload_max_mb", 5),
    )


def check_upload(filename, content, max_bytes):
    """Return (mimetype, error message or None) for one uploaded file."""
    if len(content) > max_bytes:
        return None, request.env._(
            "The file %(name)s is too large: at most %(size)s MB per file.",
            name=filename,
            size=max_bytes // (1024 * 1024),
        )
    lower = (filename or "").lower()
    for magic, mimetype, extensions in FILE_SIGNATURES:
        if content.startswith(magic) and lower.endswith(extensions):
            if mimetype.startswith("image/"):
                return mimetype, check_image_size(filename, content)
            return mimetype, None
    return None, request.env._(
        "The file %(name)s is not accepted: only PDF, PNG and JPEG documents "
        "are allowed.",
        name=filename,
    )


def check_image_size(filename, content):
    """An error message if the image announces more pixels than allowed, else None.

    Only the header is read: a small file can announce an image that takes gigabytes
    once decoded (a "pixel bomb"), and Odoo decodes every uploaded image to shrink
    it. An image PIL cannot read is left to Odoo, which stores it as it is."""
    max_pixels = _param("upload_max_pixels", DEFAULT_MAX_IMAGE_PIXELS)
    pixels = image_pixels(content)
    if pixels is not None and pixels > max_pixels:
        return request.env._(
            "The image %(name)s is too large: at most %(mpx)s million pixels. "
            "Scan or photograph it at a lower resolution.",
            name=filename,
            mpx=max_pixels // 1_000_000,
        )
    return None


def read_uploads(field_name="attachments"):
    """Read and check the uploaded files; return (list of dicts, list of errors)."""
    max_files = _param("upload_max_files", 5)
    max_bytes = _param("upload_max_mb", 5) * 1024 * 1024
    storages = [
        f for f in request.httprequest.files.getlist(field_name) if f and f.filename
    ]
    errors = []
    files = []
    if len(storages) > max_files:
        errors.append(
            request.env._("At most %(count)s files can be attached.", count=max_files)
        )
        return files, errors
    for storage in storages:
        # read one byte more than allowed so a huge file is not kept in memory whole
        content = storage.read(max_bytes + 1)
        mimetype, error = check_upload(storage.filename, content, max_bytes)
        if error:
            errors.append(error)
            continue
        files.append(
            {"name": storage.filename[:128], "raw": content, "mimetype": mimetype}
        )
    return files, errors


class EmowatenPortalPublic(http.Controller):
    """Routes open to everybody: filing without an account, tracking, statistics."""

    # ------------------------------------------------------------------
    # Filing
    # ------------------------------------------------------------------
    def _intake_defaults(self):
        """A citizen with an account finds their identity already filled in."""
        if request.env.user._is_public():
            return {}
        partner = request.env.user.partner_id
        return {
            "name": partner.name or "",
            "cin": partner.emowaten_cin or "",
            "phone": partner.phone or "",
            "email": partner.email or "",
            "state_id": str(partner.state_id.id or ""),
        }

    def _intake_form_values(self, form=None, errors=None):
        env = request.env
        return {
            "form": form or self._intake_defaults(),
            "errors": errors or {},
            "request_types": env["emowaten.request"].sudo()._emowaten_portal_types(),
            "governorates": env["emowaten.request"]
            .sudo()
            ._emowaten_portal_governorates(),
            "honeypot_field": HONEYPOT_FIELD,
            "upload_help": upload_help(),
            "page_name": "emowaten_file",
        }

    @http.route(
        "/emowaten/file", type="http", auth="public", methods=["GET"], website=True
    )
    def emowaten_file_form(self, **kwargs):
        return request.render("emowaten_portal.intake_form", self._intake_form_values())

    def _intake_validate(self, post):
        """Server-side validation of the filing form; return (clean values, errors)."""
        errors = {}
        # one-line fields lose their line breaks and control characters (they end
        # up in e-mail headers); the description keeps its line breaks
        form = {
            key: single_line(post.get(key) or "")
            for key in (
                "type_id",
                "subject",
                "state_id",
                "name",
                "cin",
                "phone",
                "email",
            )
        }
        form["description"] = clean_multiline(post.get("description") or "").strip()
        form["consent"] = bool(post.get("consent"))
        request_model = request.env["emowaten.request"].sudo()
        type_ids = request_model._emowaten_portal_types().ids
        if not ID_RE.match(form["type_id"]) or int(form["type_id"]) not in type_ids:
            errors["type_id"] = request.env._("Choose the type of your request.")
        state_ids = request_model._emowaten_portal_governorates().ids
        if not ID_RE.match(form["state_id"]) or int(form["state_id"]) not in state_ids:
            errors["state_id"] = request.env._("Choose your governorate.")
        if not form["subject"]:
            errors["subject"] = request.env._("The subject is required.")
        elif len(form["subject"]) > SUBJECT_MAX:
            errors["subject"] = request.env._(
                "The subject is too long (at most %s characters).", SUBJECT_MAX
            )
        if not form["description"]:
            errors["description"] = request.env._("Describe your request.")
        elif len(form["description"]) > DESCRIPTION_MAX:
            errors["description"] = request.env._(
                "The text is too long (at most %s characters).", DESCRIPTION_MAX
            )
        if not form["name"]:
            errors["name"] = request.env._("Your full name is required.")
        elif len(form["name"]) > NAME_MAX:
            errors["name"] = request.env._(
                "The name is too long (at most %s characters).", NAME_MAX
            )
        form["cin"] = re.sub(r"[\s.\-]", "", ascii_digits(form["cin"]))
        if not CIN_RE.match(form["cin"]):
            errors["cin"] = request.env._("The CIN must have exactly 8 digits.")
        if not form["phone"] and not form["email"]:
            errors["contact"] = request.env._(
                "Give a phone number or an e-mail address so we can reach you."
            )
        if form["phone"]:
            form["phone"] = ascii_digits(form["phone"])
            try:
                form["phone"] = request.env["res.partner"]._emowaten_normalize_phone(
                    form["phone"]
                )
            except ValidationError:
                errors["phone"] = request.env._("This phone number is not valid.")
        if form["email"]:
            normalized = email_normalize(form["email"])
            if not normalized or len(normalized) > 254:
                errors["email"] = request.env._("This e-mail address is not valid.")
            else:
                form["email"] = normalized
        if not form["consent"]:
            errors["consent"] = request.env._(
                "Your consent to the processing of your personal data is required "
                "(organic law 2004-63)."
            )
        return form, errors

    @http.route(
        "/emowaten/file",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
        max_content_length=INTAKE_MAX_CONTENT_LENGTH,
    )
    def emowaten_file_submit(self, **post):
        throttle = request.env["emowaten.portal.throttle"].sudo()
        if not throttle._emowaten_hit("intake_ip", client_ip()):
            errors = {
                "global": request.env._(
                    "Too many requests were sent from your connection. "
                    "Please try again later."
                )
            }
            return request.render(
                "emowaten_portal.intake_form", self._intake_form_values(post, errors)
            )
        if post.get(HONEYPOT_FIELD):
            # Only robots fill the invisible field: say nothing useful to them.
            _logger.info("Portal filing rejected by the honeypot from %s", client_ip())
            errors = {
                "global": request.env._(
                    "Your request could not be accepted. Please try again."
                )
            }
            return request.render(
                "emowaten_portal.intake_form", self._intake_form_values({}, errors)
            )
        form, errors = self._intake_validate(post)
        files, file_errors = read_uploads()
        if file_errors:
            errors["attachments"] = " ".join(file_errors)
        if not errors and throttle._emowaten_is_blocked("intake_cin", form["cin"]):
            errors["global"] = request.env._(
                "Too many requests were filed with this CIN recently. "
                "Please try again later or contact the office."
            )
        if errors:
            return request.render(
                "emowaten_portal.intake_form", self._intake_form_values(form, errors)
            )
        partner = None
        if not request.env.user._is_public():
            partner = request.env.user.partner_id
        try:
            with request.env.cr.savepoint():
                record = (
                    request.env["emowaten.request"]
                    .sudo()
                    ._emowaten_portal_intake(form, files, partner=partner)
                )
        except (UserError, ValidationError) as error:
            errors["global"] = str(error)
            return request.render(
                "emowaten_portal.intake_form", self._intake_form_values(form, errors)
            )
        throttle._emowaten_hit("intake_cin", form["cin"])
        request.session["emowaten_portal_filed_id"] = record.id
        return request.redirect("/emowaten/file/thanks")

    def _emowaten_filed_record(self):
        """The request this browser session just filed (its receipt), or None."""
        record_id = request.session.get("emowaten_portal_filed_id")
        return request.env["emowaten.request"].sudo().browse(record_id).exists()

    @http.route("/emowaten/file/thanks", type="http", auth="public", website=True)
    def emowaten_file_thanks(self, **kwargs):
        record = self._emowaten_filed_record()
        if not record:
            return request.redirect("/emowaten/file")
        return request.render(
            "emowaten_portal.intake_thanks",
            {
                "record": record,
                "page_name": "emowaten_file",
                "qr_src": record._emowaten_qr_data_uri(
                    record._emowaten_receipt_qr_url()
                ),
            },
        )

    @http.route(
        "/emowaten/file/thanks/receipt",
        type="http",
        auth="public",
        methods=["GET"],
        website=True,
        sitemap=False,
    )
    def emowaten_file_receipt(self, **kwargs):
        """The receipt (decree 93-982 art. 7) as the office prints it, with its QR
        code, for the request this session filed only."""
        record = self._emowaten_filed_record()
        if not record:
            return request.redirect("/emowaten/file")
        pdf, _kind = (
            request.env["ir.actions.report"]
            .sudo()
            # a PDF always: Odoo's test mode would give HTML otherwise
            .with_context(lang=request.env.lang, force_report_rendering=True)
            ._render_qweb_pdf(
                "emowaten_petitions.action_report_request_receipt", record.ids
            )
        )
        name = record.with_context(lang=request.env.lang)._get_report_base_filename()
        return request.make_response(
            pdf,
            headers=[
                ("Content-Type", "application/pdf"),
                ("Content-Length", str(len(pdf))),
                ("Content-Disposition", content_disposition(f"{name}.pdf")),
            ],
        )

    # ------------------------------------------------------------------
    # Tracking without an account
    # ------------------------------------------------------------------
    @http.route(
        "/emowaten/track", type="http", auth="public", methods=["GET"], website=True
    )
    def emowaten_track_form(self, **kwargs):
        return request.render(
            "emowaten_portal.track_form",
            {"form": {}, "error": False, "page_name": "track"},
        )

    @http.route(
        "/emowaten/track", type="http", auth="public", methods=["POST"], website=True
    )
    def emowaten_track_submit(self, reference="", cin="", tracking_code="", **kwargs):
        return self._track(reference=reference, cin=cin, tracking_code=tracking_code)

    @http.route(
        "/emowaten/track/<string:code>",
        type="http",
        auth="public",
        methods=["GET"],
        website=True,
    )
    def emowaten_track_code(self, code, **kwargs):
        """The link printed as a QR code on the receipt."""
        return self._track(tracking_code=code)

    def _track(self, reference="", cin="", tracking_code=""):
        """Failures are counted per address and per reference. A reference whose
        CIN is being guessed is refused to everybody for a while, even with the
        right CIN; an address with many failures only gets a different message:
        behind a shared address (a school, a carrier's NAT, a reverse proxy without
        ``proxy_mode``) the right details of one citizen still open her request
        while others fail. A tracking code is too long to be guessed."""
        throttle = request.env["emowaten.portal.throttle"].sudo()
        form = {"reference": (reference or "").strip()[:64]}
        values = {"form": form, "page_name": "track"}
        Request = request.env["emowaten.request"].sudo()
        ref_key = None
        if not Request._emowaten_portal_clean_code(tracking_code):
            ref_key = Request._emowaten_portal_clean_reference(reference)
        if ref_key and throttle._emowaten_is_blocked("track_ref", ref_key):
            throttle._emowaten_hit("track_ip", client_ip())
            values["error"] = request.env._(
                "Too many unsuccessful attempts were made for this reference. "
                "Please try again later or contact the office."
            )
            return request.render("emowaten_portal.track_form", values)
        record = Request._emowaten_portal_lookup(
            reference=reference, cin=cin, tracking_code=tracking_code
        )
        if not record:
            # Count failures only: a citizen following a real file is never blocked,
            # while guessing references or codes quickly is.
            throttle._emowaten_hit("track_ip", client_ip())
            if ref_key:
                throttle._emowaten_hit("track_ref", ref_key)
            if throttle._emowaten_is_blocked("track_ip", client_ip()):
                values["error"] = request.env._(
                    "Too many unsuccessful attempts. Please try again later."
                )
            else:
                # One message for every wrong combination: it must not tell an
                # unknown reference from a wrong CIN.
                values["error"] = request.env._(
                    "No request matches these details. Check them and try again."
                )
            return request.render("emowaten_portal.track_form", values)
        return request.redirect(
            f"{record.access_url}?access_token={record._portal_ensure_token()}"
        )

    # ------------------------------------------------------------------
    # Public statistics (open data)
    # ------------------------------------------------------------------
    def _statistics(self):
        return (
            request.env["emowaten.portal.statistics"].sudo()._emowaten_get_statistics()
        )

    def _statistics_headers(self, content_type, filename=None):
        max_age = _param("stats_cache_seconds", 900)
        headers = [
            ("Content-Type", content_type),
            ("Cache-Control", f"public, max-age={max_age}"),
        ]
        if filename:
            headers.append(("Content-Disposition", http.content_disposition(filename)))
        return headers

    @http.route(
        "/emowaten/statistics",
        type="http",
        auth="public",
        methods=["GET"],
        website=True,
    )
    def emowaten_statistics(self, **kwargs):
        stats = self._statistics()
        footer = request.env._(
            "Figures computed on %(date)s (UTC) and refreshed every %(minutes)s "
            "minutes.",
            date=stats["generated_at"],
            minutes=max(stats["cache_seconds"] // 60, 1),
        )
        response = request.render(
            "emowaten_portal.statistics_page",
            {"stats": stats, "footer": footer, "page_name": "statistics"},
        )
        return response

    @http.route(
        "/emowaten/statistics.json",
        type="http",
        auth="public",
        methods=["GET"],
    )
    def emowaten_statistics_json(self, **kwargs):
        body = json.dumps(self._statistics(), ensure_ascii=False, indent=1)
        return request.make_response(
            body, self._statistics_headers("application/json; charset=utf-8")
        )

    @http.route(
        "/emowaten/statistics.csv",
        type="http",
        auth="public",
        methods=["GET"],
    )
    def emowaten_statistics_csv(self, **kwargs):
        stats = self._statistics()
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(
            [
                "level",
                "code",
                "name",
                "received",
                "answered",
                "answered_within_deadline_pct",
                "median_answer_days",
                "implicit_refusals",
            ]
        )
        for level, rows in (
            ("body", stats["bodies"]),
            ("governorate", stats["governorates"]),
        ):
            for row in rows:
                writer.writerow(
                    [
                        level,
                        row["code"] or "",
                        row["name"],
                        row["received"],
                        row["answered"],
                        ""
                        if row["within_deadline_pct"] is None
                        else row["within_deadline_pct"],
                        "" if row["median_days"] is None else row["median_days"],
                        row["implicit_refusals"],
                    ]
                )
        # UTF-8 with BOM so that spreadsheet programs read Arabic names correctly
        body = "\ufeff" + buffer.getvalue()
        return request.make_response(
            body,
            self._statistics_headers(
                "text/csv; charset=utf-8", "emowaten-statistics.csv"
            ),
        )
