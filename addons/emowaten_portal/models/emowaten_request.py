import re

from markupsafe import Markup

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Domain
from odoo.tools import SQL, consteq
from odoo.tools.sql import create_index

# Arabic-Indic and Eastern Arabic-Indic digits, as typed on Arabic keyboards
ASCII_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
# Tracking codes are base32 (A-Z, 2-7): a typed 0, 1 or 8 can only be an O, an I or
# a B. 5 and S are both in the alphabet, so both sides are folded to S before
# comparing (the stored side through an index on the same expression).
TRACKING_FOLD = str.maketrans("0185", "OIBS")
TRACKING_FOLD_SQL = "translate(access_token, '5-', 'S')"


def ascii_digits(value):
    return (value or "").translate(ASCII_DIGITS)


# states in which the citizen may still withdraw the request or add documents
PORTAL_OPEN_STATES = (
    "registered",
    "screening",
    "routed",
    "study",
    "answer_drafted",
    "to_sign",
)
RATABLE_STATES = ("answered", "closed")


class EmowatenRequest(models.Model):
    _inherit = "emowaten.request"

    # ------------------------------------------------------------------
    # Choices offered on the public form
    # ------------------------------------------------------------------
    @api.model
    def _emowaten_portal_types(self):
        return self.env["emowaten.request.type"].sudo().search([("active", "=", True)])

    @api.model
    def _emowaten_portal_governorates(self):
        return (
            self.env["res.country.state"]
            .sudo()
            .search([("country_id.code", "=", "TN")], order="code")
        )

    @api.model
    def _emowaten_portal_office(self, state):
        """The office that receives a portal filing: the governorate's own office when
        there is one, else the Central Bureau, else any office."""
        Office = self.env["emowaten.office"].sudo()
        office = Office.browse()
        if state:
            office = Office.search(
                [("kind", "=", "governorate"), ("state_id", "=", state.id)], limit=1
            )
        if not office:
            office = Office.search([("kind", "=", "central")], limit=1)
        if not office:
            office = Office.search([], limit=1)
        if not office:
            raise UserError(
                self.env._(
                    "The portal cannot receive requests yet: no Citizen Relations "
                    "Office is configured."
                )
            )
        return office

    # ------------------------------------------------------------------
    # Filing
    # ------------------------------------------------------------------
    @api.model
    def _emowaten_portal_intake(self, form, files, partner=None):
        """Create and register the request of a validated portal form, with its files.

        :param dict form: cleaned form values (see the portal controller)
        :param list files: dicts ``name``, ``raw``, ``mimetype`` of checked uploads
        :param partner: the logged-in citizen, if any: the request is filed in their
            name so that it appears among their requests
        """
        state = self.env["res.country.state"].sudo().browse(int(form["state_id"]))
        citizen = {
            "name": form["name"],
            "emowaten_cin": form["cin"],
            "state_id": state.id,
            "emowaten_consent": True,
        }
        if form.get("phone"):
            citizen["phone"] = form["phone"]
        if form.get("email"):
            citizen["email"] = form["email"]
        if self.env.context.get("lang"):
            citizen["lang"] = self.env.context["lang"]
        vals = {
            "type_id": int(form["type_id"]),
            "subject": form["subject"],
            "description": form["description"],
            "state_id": state.id,
            "channel": "portal",
            "office_id": self._emowaten_portal_office(state).id,
        }
        if partner:
            partner = partner.sudo()
            if partner.emowaten_cin and partner.emowaten_cin != form["cin"]:
                raise ValidationError(
                    self.env._(
                        "The CIN does not match the one of your account. Sign out to "
                        "file a request for another person."
                    )
                )
            # the account's identity is completed (the CIN is checked free of any
            # other citizen); its contact data are not: what differs stays on the
            # request, for staff to check
            identity = {
                key: citizen[key]
                for key in ("emowaten_cin", "state_id")
                if citizen.get(key) and not partner[key]
            }
            identity["emowaten_is_citizen"] = True
            partner.write(identity)
            vals["partner_id"] = partner.id
            vals.update(self._emowaten_filed_contact_vals(partner, citizen))
        else:
            vals["citizen"] = citizen
        record = self.sudo()._emowaten_create_from_intake(vals, complete_citizen=False)
        partner = record.partner_id
        if not partner.emowaten_consent:
            partner.sudo().write({"emowaten_consent": True})
        record._emowaten_portal_attach(files, author=partner)
        return record

    def _emowaten_portal_attach(self, files, author, body=None):
        """Attach checked uploads to the request through a message of the citizen, so
        they appear in the file's history with their author."""
        self.ensure_one()
        if not files and not body:
            return self.env["mail.message"]
        attachments = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                [
                    {
                        "name": file["name"],
                        "raw": file["raw"],
                        "mimetype": file["mimetype"],
                        "res_model": self._name,
                        "res_id": self.id,
                    }
                    for file in files
                ]
            )
        )
        if body is None:
            body = self.env._("Documents added by the citizen: %s", len(files))
        # posted as the superuser: mail drops the attachment_ids that a public or
        # portal user passes unless they are their own pending uploads, even in sudo
        # mode, and the files would be on the request but not on the citizen's message
        return self.with_user(SUPERUSER_ID).message_post(
            body=body,
            author_id=author.id,
            attachment_ids=attachments.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )

    # ------------------------------------------------------------------
    # Tracking without an account
    # ------------------------------------------------------------------
    @api.model
    def _emowaten_portal_clean_code(self, tracking_code):
        """A typed tracking code without its dashes and spaces, in upper case."""
        return re.sub(r"[^A-Za-z0-9]", "", ascii_digits(tracking_code or "")).upper()

    @api.model
    def _emowaten_portal_fold_code(self, tracking_code):
        """A tracking code in the form both sides are compared in: cleaned, the
        characters a reader confuses (0/O, 1/I, 8/B, 5/S) folded to one."""
        return self._emowaten_portal_clean_code(tracking_code).translate(TRACKING_FOLD)

    def init(self):
        res = super().init()
        create_index(
            self.env.cr,
            "emowaten_request_tracking_fold_index",
            self._table,
            [TRACKING_FOLD_SQL],
            where="access_token IS NOT NULL",
        )
        return res

    @api.model
    def _emowaten_portal_clean_reference(self, reference):
        """A typed reference as stored: trimmed, upper case, ASCII digits."""
        return ascii_digits((reference or "").strip().upper())

    @api.model
    def _emowaten_portal_lookup(self, reference="", cin="", tracking_code=""):
        """The request matching a reference and CIN, or a tracking code; empty
        otherwise.

        Both ways do comparable work and return nothing that distinguishes an unknown
        reference from a wrong CIN."""
        Request = self.sudo().with_context(active_test=False)
        code = self._emowaten_portal_clean_code(tracking_code)
        if code:
            if len(code) != 16:
                return Request.browse()
            folded = code.translate(TRACKING_FOLD)
            Request.flush_model(["access_token"])
            self.env.cr.execute(
                SQL(
                    "SELECT id FROM emowaten_request WHERE access_token IS NOT NULL"
                    " AND %s = %s ORDER BY id LIMIT 1",
                    SQL(TRACKING_FOLD_SQL),
                    folded,
                )
            )
            row = self.env.cr.fetchone()
            record = Request.browse(row[0] if row else ())
            if record and consteq(
                self._emowaten_portal_fold_code(record.access_token), folded
            ):
                return record
            return Request.browse()
        reference = self._emowaten_portal_clean_reference(reference)
        cin = re.sub(r"[\s.\-]", "", ascii_digits(cin))
        if not reference or not re.fullmatch(r"[0-9]{8}", cin) or len(reference) > 64:
            return Request.browse()
        record = Request.search(
            [("name", "=", reference), ("state", "!=", "draft")], limit=1
        )
        if (
            record
            and record.partner_id.emowaten_cin
            and consteq(record.partner_id.emowaten_cin, cin)
        ):
            return record
        return Request.browse()

    # ------------------------------------------------------------------
    # What the citizen sees
    # ------------------------------------------------------------------
    def _emowaten_portal_state_label(self):
        self.ensure_one()
        return dict(self._fields["state"]._description_selection(self.env)).get(
            self.state
        )

    def _emowaten_portal_answers(self):
        """Answers the citizen may read: the ones sent to them, from this file and from
        the files of each competent body it was routed to."""
        self.ensure_one()
        files = self.sudo() | self.sudo().child_ids
        return files.answer_ids.filtered(lambda a: a.state == "sent")

    def _emowaten_portal_letter(self, answer):
        """The letter of a sent answer: the signed PDF when there is one, else the
        stored letter. An answer sent without a stored letter (the demo data sends
        answers so) has its letter rendered now, as the superuser and in the letter's
        language, and stored as the answer's letter so that it is rendered once."""
        answer = answer.sudo()
        letter = answer.signed_attachment_id or answer.letter_attachment_id
        if letter or answer.state != "sent":
            return letter
        answer = answer.with_user(SUPERUSER_ID).with_context(
            lang=self._emowaten_portal_letter_lang(answer)
        )
        return answer._emowaten_store_letter(answer._emowaten_render_letter_pdf())

    def _emowaten_portal_has_letter(self, answer):
        """Whether the answer offers a letter to download, without rendering it."""
        answer = answer.sudo()
        return bool(
            answer.signed_attachment_id
            or answer.letter_attachment_id
            or answer.state == "sent"
        )

    def _emowaten_portal_letter_lang(self, answer):
        """The active language (code) in which the answer's letter is written."""
        active = [code for code, _name in self.env["res.lang"].get_installed()]
        return next(
            (code for code in active if code.partition("_")[0] == answer.lang),
            self.env.lang,
        )

    def _emowaten_portal_verification_url(self, answer):
        """Public verification page of a signed letter. emowaten_signature provides
        ``emowaten_verification_url`` on answers; the portal does not depend on it, so
        the link only appears where that addon is installed."""
        answer = answer.sudo()
        if "emowaten_verification_url" in answer._fields:
            return answer.emowaten_verification_url or False
        return False

    def _emowaten_portal_messages(self):
        """The public part of the history: comments and e-mails, never internal
        notes."""
        self.ensure_one()
        domain = (
            Domain("model", "=", self._name)
            & Domain("res_id", "=", self.id)
            & Domain("message_type", "in", ["comment", "email"])
            & Domain("subtype_id.internal", "=", False)
        )
        return (
            self.env["mail.message"].sudo().search(domain, order="date desc, id desc")
        )

    def _emowaten_portal_can_withdraw(self):
        self.ensure_one()
        return self.state in PORTAL_OPEN_STATES

    def _emowaten_portal_can_rate(self):
        self.ensure_one()
        return self.state in RATABLE_STATES

    # ------------------------------------------------------------------
    # Actions of the logged-in owner
    # ------------------------------------------------------------------
    def _emowaten_portal_reply(self, text, author):
        self.ensure_one()
        text = (text or "").strip()
        if not text:
            raise ValidationError(self.env._("Write a message before sending it."))
        # plain text from the citizen: escaped, line breaks kept
        body = Markup("<br/>").join(text.splitlines())
        return self.sudo().message_post(
            body=body,
            author_id=author.id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )

    def _emowaten_portal_withdraw(self, author, reason=""):
        self.ensure_one()
        if not self._emowaten_portal_can_withdraw():
            raise UserError(self.env._("This request can no longer be withdrawn."))
        self.sudo().action_withdraw()
        body = self.env._("The citizen withdrew the request.")
        if reason and reason.strip():
            body = Markup("%s<br/>%s") % (body, reason.strip()[:2000])
        self.sudo().message_post(
            body=body,
            author_id=author.id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        return True

    def _emowaten_portal_rate(self, score, comment=""):
        self.ensure_one()
        if not self._emowaten_portal_can_rate():
            raise UserError(
                self.env._("A request can only be rated once it has been answered.")
            )
        self._emowaten_set_rating(score, (comment or "").strip()[:2000] or False)
        return True

    def _emowaten_portal_date(self, value):
        return fields.Date.to_string(value) if value else ""
