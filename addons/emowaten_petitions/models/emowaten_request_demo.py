import random
from datetime import timedelta

from odoo import api, fields, models

DEMO_SUBJECTS = [
    ("طلب إصلاح الإنارة العمومية بالحي", "category_lighting", "petition"),
    ("تشكي من انقطاع الماء الصالح للشرب", "category_water", "petition"),
    ("طلب إرشاد حول إجراءات رخصة البناء", "category_building_permit", "guidance"),
    ("استفسار حول بطاقة العلاج المجاني", "category_health", "guidance"),
    ("تشكي من حالة الطريق المؤدية إلى المدرسة", "category_roads", "petition"),
    ("طلب ربط بشبكة التطهير", "category_sanitation", "petition"),
    ("مقترح لتحسين خدمات الحالة المدنية", "category_civil_status", "suggestion"),
    ("تبليغ عن مصب عشوائي للفضلات", "category_environment", "notice"),
    ("Demande de renseignement sur la taxe locative", "category_taxes", "guidance"),
    ("Réclamation : coupure d'électricité répétée", "category_electricity", "petition"),
    ("Régularisation d'une situation foncière", "category_land", "petition"),
    ("Retard de l'aide aux familles nécessiteuses", "category_social_aid", "petition"),
    (
        "Suggestion : horaires d'ouverture du bureau d'ordre",
        "category_administration",
        "suggestion",
    ),
    ("تبليغ عن شبهة رشوة في مصلحة إدارية", "category_administration", "corruption"),
]
FIRST = [
    "محمد",
    "فاطمة",
    "أحمد",
    "مريم",
    "علي",
    "سلمى",
    "Youssef",
    "Leila",
    "Sami",
    "Ines",
]
LAST = ["بن علي", "الطرابلسي", "الجزيري", "Ben Salah", "Trabelsi", "Gharbi", "Mansour"]


class EmowatenRequest(models.Model):
    _inherit = "emowaten.request"

    @api.model
    def _emowaten_demo_populate(self, count=300):
        """A realistic set of requests on the demo offices of emowaten_base: every
        type and channel, all stages, late files, child files, answers and ratings."""
        rng = random.Random(2026)
        offices = self.env["emowaten.office"].search([("kind", "!=", "central")])
        if not offices:
            return
        ref = self.env.ref
        types = {t.code: t for t in self.env["emowaten.request.type"].search([])}
        Partner = self.env["res.partner"]
        citizens = Partner.browse()
        for i in range(60):
            citizens |= Partner._emowaten_find_or_create_citizen(
                {
                    "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                    "emowaten_cin": f"{rng.choice('01')}{5000000 + i * 7919:07d}",
                    "phone": "+216 "
                    + rng.choice("259")
                    + str(rng.randint(1000000, 9999999)),
                    "email": f"citoyen{i}@example.tn" if i % 3 == 0 else False,
                }
            )
        channels = [c for c, _l in self._fields["channel"].selection]
        today = fields.Date.context_today(self)
        Request = self.with_context(mail_create_nolog=True, emowaten_no_receipt=True)
        vals_list = []
        for i in range(count):
            subject, category, code = DEMO_SUBJECTS[i % len(DEMO_SUBJECTS)]
            office = offices[i % len(offices)]
            day = today - timedelta(days=rng.randint(0, 150))
            vals_list.append(
                {
                    "office_id": office.id,
                    "type_id": types.get(code, types["petition"]).id,
                    "partner_id": rng.choice(citizens).id,
                    "channel": rng.choice(channels),
                    "subject": subject,
                    "description": subject,
                    "category_id": ref(f"emowaten_petitions.{category}").id,
                    "state_id": office.state_id.id,
                    "user_id": office.user_ids[:1].id,
                    "state": "registered",
                    "registration_date": fields.Datetime.to_datetime(day)
                    + timedelta(hours=9),
                    "deadline_start_date": day,
                }
            )
        requests = Request.create(vals_list)
        bodies = self.env["emowaten.body"].search(
            [("office_ids", "=", False)], limit=20
        )
        for i, request in enumerate(requests.filtered(lambda r: not r.confidential)):
            step = i % 10
            if step == 0:
                request.action_screen_admissible()
            elif step == 1 and bodies:
                request.action_route(
                    bodies[i % len(bodies)] | bodies[(i + 1) % len(bodies)]
                )
            elif step in (2, 3):
                request.action_start_study()
            elif step in (4, 5, 6):
                answer = self.env["emowaten.answer"].create(
                    {
                        "request_id": request.id,
                        "kind": "information",
                        "lang": "ar",
                        "body_html": ref(
                            "emowaten_petitions.answer_template_information"
                        )._emowaten_render(request, "ar"),
                    }
                )
                answer.write({"state": "sent", "date_sent": fields.Datetime.now()})
                request.write({"state": "answered"})
                if step == 5:
                    request.write({"state": "closed"})
                    request._emowaten_set_rating(rng.randint(2, 5))
            elif step == 7:
                request.action_suspend()
        return requests
