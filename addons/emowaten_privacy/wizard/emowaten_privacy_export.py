import base64
import io
import json
import re
import zipfile

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import html2plaintext

CITIZEN_FIELDS = (
    "name",
    "email",
    "phone",
    "emowaten_cin",
    "emowaten_passport",
    "emowaten_mf",
    "street",
    "street2",
    "zip",
    "city",
    "state_id",
    "emowaten_delegation_id",
    "country_id",
    "lang",
    "emowaten_consent",
    "emowaten_consent_date",
    "create_date",
)
REQUEST_FIELDS = (
    "name",
    "tracking_code",
    "office_id",
    "body_id",
    "parent_id",
    "type_id",
    "channel",
    "subject",
    "description",
    "category_id",
    "state_id",
    "delegation_id",
    "state",
    "registration_date",
    "date_deadline",
    "close_date",
    "implicit_refusal",
    "rating",
    "rating_comment",
)
ANSWER_FIELDS = ("kind", "state", "reason", "date_signed", "date_sent")
_UNSAFE_NAME = re.compile(r"[^\w.\- ]+", re.UNICODE)


def _jsonable(record, names):
    values = {}
    for name in names:
        if name not in record._fields:
            continue
        value = record[name]
        field = record._fields[name]
        if field.type in ("many2one", "many2many", "one2many"):
            value = value.mapped("display_name")
            value = value[0] if field.type == "many2one" and value else (value or None)
        elif field.type in ("date", "datetime"):
            value = fields.Datetime.to_string(value) if value else None
        elif field.type == "selection":
            value = value or None
        elif value is False and field.type != "boolean":
            value = None
        values[name] = value
    return values


class EmowatenPrivacyExport(models.TransientModel):
    _name = "emowaten.privacy.export"
    _description = "Export of a Citizen's Personal Data"

    partner_id = fields.Many2one(
        "res.partner",
        string="Citizen",
        required=True,
        domain=[("emowaten_is_citizen", "=", True)],
    )
    data_file = fields.Binary(string="Archive", readonly=True, attachment=False)
    file_name = fields.Char(readonly=True)
    request_count = fields.Integer(readonly=True)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        context = self.env.context
        if context.get("active_model") == "res.partner" and context.get("active_id"):
            values.setdefault("partner_id", context["active_id"])
        return values

    def action_export(self):
        self.ensure_one()
        partner = self.partner_id
        if not partner.emowaten_is_citizen:
            raise UserError(self.env._("Only a citizen's data can be exported here."))
        # the user's own rights decide which requests are exported: a manager exports
        # what their offices hold, the central bureau everything but confidential types
        requests = self.env["emowaten.request"].search(
            [("partner_id", "=", partner.id)], order="id"
        )
        archive = self._emowaten_build_archive(partner, requests)
        log = self.env["emowaten.privacy.access.log"]
        log._emowaten_log(partner, access_type="export")
        log._emowaten_log(requests, access_type="export")
        self.write(
            {
                "data_file": base64.b64encode(archive),
                "file_name": f"citizen-{partner.id}-data.zip",
                "request_count": len(requests),
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    def _emowaten_build_archive(self, partner, requests):
        answers = requests.answer_ids
        messages = self.env["mail.message"].search(
            [
                "|",
                "&",
                ("model", "=", "emowaten.request"),
                ("res_id", "in", requests.ids),
                "&",
                ("model", "=", "emowaten.answer"),
                ("res_id", "in", answers.ids),
            ],
            order="date, id",
        )
        attachments = self.env["ir.attachment"].search(
            [
                "|",
                "&",
                ("res_model", "=", "emowaten.request"),
                ("res_id", "in", requests.ids),
                "&",
                ("res_model", "=", "emowaten.answer"),
                ("res_id", "in", answers.ids),
            ],
            order="id",
        )
        attachments |= messages.attachment_ids
        data = {
            "citizen": _jsonable(partner, CITIZEN_FIELDS),
            "requests": [],
            "messages": [],
            "attachments": [],
        }
        for request in requests:
            values = _jsonable(request, REQUEST_FIELDS)
            values["answers"] = []
            for answer in request.answer_ids:
                answer_values = _jsonable(answer, ANSWER_FIELDS)
                answer_values["letter"] = html2plaintext(answer.body_html or "")
                values["answers"].append(answer_values)
            data["requests"].append(values)
        names = dict(zip(requests.ids, requests.mapped("name"), strict=True))
        for message in messages:
            data["messages"].append(
                {
                    "date": fields.Datetime.to_string(message.date),
                    "request": names.get(message.res_id)
                    if message.model == "emowaten.request"
                    else None,
                    "model": message.model,
                    "record_id": message.res_id,
                    "author": message.author_id.display_name or None,
                    "subject": message.subject or None,
                    "body": html2plaintext(message.body or ""),
                    "type": message.message_type,
                }
            )
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for attachment in attachments:
                safe = (
                    _UNSAFE_NAME.sub("_", attachment.name or "file").strip() or "file"
                )
                path = f"attachments/{attachment.id}-{safe[:100]}"
                archive.writestr(path, attachment.raw or b"")
                data["attachments"].append(
                    {
                        "file": path,
                        "name": attachment.name,
                        "mimetype": attachment.mimetype,
                        "model": attachment.res_model,
                        "record_id": attachment.res_id,
                        "checksum": attachment.checksum,
                    }
                )
            archive.writestr(
                "citizen.json",
                json.dumps(data, ensure_ascii=False, indent=2, default=str),
            )
        return buffer.getvalue()
