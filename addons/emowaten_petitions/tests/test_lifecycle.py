import re

from lxml import etree

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common import EmowatenPetitionsCase


@tagged("post_install", "-at_install")
class TestLifecycle(EmowatenPetitionsCase):
    def test_counter_registration_and_receipt(self):
        """An agent registers a request on behalf of a citizen at the counter."""
        Request = self.env["emowaten.request"].with_user(self.user_agent)
        form = Form(Request.with_context(mail_create_nolog=False))
        form.subject = "طلب رخصة بناء"
        form.partner_id = self.citizen
        form.type_id = self.type_guidance
        form.office_id = self.office_a
        request = form.save()
        self.assertEqual(request.state, "draft")
        self.assertEqual(request.stage_id, self.env.ref("emowaten_petitions.stage_new"))
        request.action_register()
        self.assertEqual(request.state, "registered")
        self.assertEqual(
            request.stage_id, self.env.ref("emowaten_petitions.stage_registered")
        )
        year = request.registration_date.year
        self.assertRegex(request.name, rf"^TST-{year}-\d{{6}}$")
        self.assertTrue(
            re.fullmatch(r"[A-Z2-9]{4}(-[A-Z2-9]{4}){3}", request.tracking_code)
        )
        self.assertEqual(request.date_deadline, request.deadline_start_date + _days(30))
        self.assertIn(self.citizen.id, request.message_partner_ids.ids)
        self.assertTrue(request.custody_ids, "registration opens the custody log")
        # the receipt (a PDF) is queued, not rendered while the reference is locked
        self.assertTrue(request.receipt_pending)
        cron = self.env.ref("emowaten_petitions.ir_cron_request_receipts")
        self.assertTrue(
            self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]),
            "the receipt cron is started at once",
        )
        self.assertFalse(
            request.message_ids.filtered(lambda m: m.attachment_ids),
            "nothing rendered in the registration's transaction",
        )
        self._run_cron("emowaten_petitions.ir_cron_request_receipts")
        self.assertFalse(request.receipt_pending)
        receipt = request.message_ids.filtered(
            lambda m: m.subject and request.name in m.subject
        )
        self.assertTrue(
            receipt, "the receipt is e-mailed to the citizen who has an address"
        )
        self.assertTrue(receipt.attachment_ids, "the receipt PDF is attached")
        self.assertEqual(receipt.author_id, self.user_agent.partner_id)
        # sent once: the queue is empty now
        self._run_cron("emowaten_petitions.ir_cron_request_receipts")
        self.assertEqual(
            len(request.message_ids.filtered(lambda m: m.attachment_ids)), 1
        )
        # print at the counter
        action = request.action_print_receipt()
        self.assertEqual(
            action["report_name"], "emowaten_petitions.report_request_receipt"
        )

    def test_counter_finds_or_creates_citizen_by_cin_or_phone(self):
        Request = self.env["emowaten.request"].with_user(self.user_agent)
        form = Form(Request)
        form.subject = "Demande par téléphone"
        form.channel = "phone"
        form.intake_phone = "+216 98 123 456"
        self.assertEqual(form.partner_id, self.citizen, "found by phone")
        form = Form(Request)
        form.subject = "Demande au guichet"
        form.intake_cin = "08123456"
        self.assertEqual(form.partner_id, self.citizen, "found by CIN")
        form = Form(Request)
        form.subject = "Nouveau citoyen"
        form.intake_cin = "04999888"
        form.intake_name = "Hela Jebali"
        form.intake_phone = "+216 50 222 333"
        self.assertFalse(form.partner_id)
        request = form.save()
        request.action_register()
        self.assertEqual(request.partner_id.emowaten_cin, "04999888")
        self.assertEqual(request.partner_id.name, "Hela Jebali")
        self.assertTrue(request.partner_id.emowaten_is_citizen)

    def test_every_type_and_channel(self):
        Request = self.env["emowaten.request"].with_user(self.user_agent)
        types = (
            self.type_petition,
            self.type_guidance,
            self.type_suggestion,
            self.type_notice,
            self.type_corruption,
        )
        channels = ("portal", "mobile", "counter", "phone", "post", "email")
        names = set()
        for rtype in types:
            for channel in channels:
                request = Request._emowaten_create_from_intake(
                    {
                        "type_id": rtype.id,
                        "channel": channel,
                        "office_id": self.office_a.id,
                        "subject": f"{rtype.code} via {channel}",
                        "partner_cin": "07111222",
                        "partner_name": "Sami Jaziri",
                        "partner_phone": "+216 55 111 222",
                    }
                )
                request = request.sudo()  # the agent does not see corruption reports
                self.assertEqual(request.state, "registered")
                self.assertEqual(request.channel, channel)
                self.assertEqual(request.deadline_days, rtype.deadline_days)
                self.assertTrue(request.date_deadline)
                names.add(request.name)
        self.assertEqual(
            len(names), len(types) * len(channels), "references are unique"
        )
        partners = self.env["res.partner"].search([("emowaten_cin", "=", "07111222")])
        self.assertEqual(
            len(partners), 1, "the citizen is found again by CIN, not duplicated"
        )

    def test_intake_rejects_bad_input(self):
        Request = self.env["emowaten.request"].with_user(self.user_agent)
        with self.assertRaises(ValidationError):
            Request._emowaten_create_from_intake(
                {"subject": "x", "office_id": self.office_a.id}
            )
        with self.assertRaises(ValidationError):
            Request._emowaten_create_from_intake(
                {"office_id": self.office_a.id, "partner_id": self.citizen.id}
            )

    def test_gapless_consecutive_references(self):
        first = self._request()
        second, third = self._request() | self._request()
        numbers = [int(r.name.rsplit("-", 1)[1]) for r in (first, second, third)]
        self.assertEqual(numbers, [numbers[0], numbers[0] + 1, numbers[0] + 2])
        other = self._request(office_id=self.office_b.id)
        self.assertTrue(other.name.startswith("OTH-"), "one sequence per office")

    def test_registered_request_cannot_be_deleted(self):
        request = self._request()
        with self.assertRaises(UserError):
            request.unlink()
        draft = self._request(state="draft")
        draft.unlink()

    def test_full_lifecycle_with_signature(self):
        """Petition: registered, admissible, study, favourable answer waits for a
        signature, is signed, sent, closed and rated."""
        request = self._request().with_user(self.user_agent)
        request.action_screen_admissible()
        self.assertEqual(request.state, "screening")
        request.action_start_study()
        self.assertEqual(
            request.stage_id, self.env.ref("emowaten_petitions.stage_study")
        )
        answer = (
            self.env["emowaten.answer"]
            .with_user(self.user_agent)
            .create(
                {
                    "request_id": request.id,
                    "kind": "favourable",
                    "body_html": "<p>تمت الموافقة على مطلبكم.</p>",
                }
            )
        )
        self.assertEqual(request.state, "answer_drafted")
        self.assertTrue(answer._emowaten_needs_signature())
        answer.action_submit()
        self.assertEqual(answer.state, "to_sign")
        self.assertEqual(request.state, "to_sign")
        with self.assertRaises(UserError):
            answer.action_send()
        signed_pdf = b"%PDF-1.4 signed by the signature addon"
        answer.with_user(self.user_signatory)._emowaten_mark_signed(signed_pdf)
        self.assertEqual(answer.state, "sent")
        self.assertEqual(answer.signatory_id, self.user_signatory)
        self.assertEqual(request.state, "answered")
        sent = request.message_ids.filtered(
            lambda m: answer.signed_attachment_id in m.attachment_ids
        )
        self.assertTrue(sent, "the signed letter is e-mailed to the citizen")
        self.assertIn(self.citizen, sent.partner_ids)
        with self.assertRaises(ValidationError):
            request._emowaten_set_rating(7)
        request.action_close()
        self.assertEqual(request.state, "closed")
        self.assertTrue(request.stage_id.fold)
        request._emowaten_set_rating(4, "Quick and clear")
        self.assertEqual(request.rating, 4)

    def test_guidance_answer_needs_no_signature(self):
        request = self._request(type_id=self.type_guidance.id)
        answer = self.env["emowaten.answer"].create(
            {
                "request_id": request.id,
                "kind": "favourable",
                "body_html": "<p>Voici la procédure.</p>",
                "lang": "fr",
            }
        )
        self.assertFalse(answer._emowaten_needs_signature())
        queue = self.env.ref("mail.ir_cron_mail_scheduler_action")
        triggers = self.env["ir.cron.trigger"].search([("cron_id", "=", queue.id)])
        answer.action_submit()
        self.assertEqual(answer.state, "sent")
        self.assertTrue(answer.letter_attachment_id)
        self.assertEqual(request.state, "answered")
        # the e-mail to the citizen waits in Odoo's mail queue, whose cron is woken:
        # nothing else sends it (the two would meet on the same mail)
        mail = (
            self.env["mail.mail"]
            .search([("model", "=", "emowaten.request"), ("res_id", "=", request.id)])
            .filtered(lambda m: self.citizen in m.recipient_ids)
        )
        self.assertEqual(mail.mapped("state"), ["outgoing"])
        self.assertIn(answer.letter_attachment_id, mail.attachment_ids)
        self.assertTrue(
            self.env["ir.cron.trigger"].search([("cron_id", "=", queue.id)]) - triggers
        )

    def test_answer_name_reads_in_the_readers_language(self):
        # the name was stored with the kind in the creator's language: an Arabic
        # signatory read "... – Favourable" on an answer an agent made in English
        self.env["res.lang"]._activate_lang("ar_001")
        self.env["ir.module.module"]._load_module_terms(
            ["emowaten_petitions"], ["ar_001"]
        )
        request = self._request(type_id=self.type_guidance.id)
        answer = self.env["emowaten.answer"].create(
            {
                "request_id": request.id,
                "kind": "favourable",
                "body_html": "<p>Voici la procédure.</p>",
            }
        )
        self.assertEqual(
            answer.with_context(lang="ar_001").display_name,
            f"{request.name} – إيجابي",
        )
        self.assertEqual(
            answer.with_context(lang="en_US").display_name,
            f"{request.name} – Favourable",
        )

    def test_unfavourable_answer_requires_reasons(self):
        request = self._request()
        with self.assertRaises(ValidationError):
            self.env["emowaten.answer"].create(
                {
                    "request_id": request.id,
                    "kind": "unfavourable",
                    "body_html": "<p>Non.</p>",
                }
            )

    def test_close_requires_written_answer(self):
        request = self._request()
        with self.assertRaises(UserError):
            request.action_close()

    def test_kanban_move_syncs_state(self):
        request = self._request()
        request.stage_id = self.env.ref("emowaten_petitions.stage_study")
        self.assertEqual(request.state, "study")
        with self.assertRaises(UserError):
            request.stage_id = self.env.ref("emowaten_petitions.stage_new")

    def test_stage_required_fields(self):
        stage = self.env.ref("emowaten_petitions.stage_study")
        stage.required_field_ids = self.env["ir.model.fields"]._get(
            "emowaten.request", "category_id"
        )
        request = self._request()
        with self.assertRaises(ValidationError):
            request.stage_id = stage
        request.category_id = self.env["emowaten.request.category"].create(
            {"name": "Voirie"}
        )
        request.stage_id = stage
        self.assertEqual(request.state, "study")

    def test_stage_required_fields_as_staff(self):
        """The field catalogue (ir.model.fields) is not readable by staff: the
        agent's move raised an AccessError instead of saying what is missing, and
        the managers' stage list crashed on the required fields column."""
        stage = self.env.ref("emowaten_petitions.stage_study")
        stage.required_field_ids = self.env["ir.model.fields"]._get(
            "emowaten.request", "category_id"
        )
        request = self._request()
        with self.assertRaisesRegex(ValidationError, "Category"):
            request.with_user(self.user_agent).action_start_study()
        Stage = self.env["emowaten.request.stage"]
        view = self.env.ref("emowaten_petitions.emowaten_request_stage_view_list")
        for user in (self.user_manager, self.user_supervisor):
            with self.subTest(user=user.login):
                views = Stage.with_user(user).get_views([(view.id, "list")])
                arch = etree.fromstring(views["views"]["list"]["arch"])
                spec = {
                    name: {"fields": {"display_name": {}}}
                    if Stage._fields[name].relational
                    else {}
                    for name in arch.xpath("/list/field/@name")
                }
                rows = Stage.with_user(user).web_search_read([], spec)["records"]
                self.assertTrue(rows)

    def test_withdraw(self):
        request = self._request()
        request.action_withdraw()
        self.assertEqual(request.state, "withdrawn")
        self.assertTrue(request.close_date)
        with self.assertRaises(UserError):
            request.action_withdraw()


def _days(n):
    from datetime import timedelta

    return timedelta(days=n)


@tagged("post_install", "-at_install")
class TestCitizenRowStaysCold(EmowatenPetitionsCase):
    def test_signup_prepare_writes_only_a_change(self):
        """Each e-mail to a citizen asks for a signup token; the citizen's row is
        written only when its signup type changes (no hot row under load)."""
        citizen = self.citizen.sudo()
        citizen.signup_prepare()
        self.assertEqual(citizen.signup_type, "signup")
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE res_partner SET write_date = '2001-01-01' WHERE id = %s",
            [citizen.id],
        )
        citizen.invalidate_recordset()
        citizen.signup_prepare()
        self.env.flush_all()
        self.assertEqual(str(citizen.write_date)[:10], "2001-01-01")
        citizen.signup_prepare(signup_type="reset")
        self.assertEqual(citizen.signup_type, "reset")
