from datetime import date, datetime

from odoo.tests import new_test_user
from odoo.tests.common import TransactionCase

QUIET = {
    "mail_create_nolog": True,
    "mail_notrack": True,
    "no_reset_password": True,
    "tracking_disable": True,
}


class EmowatenReportingCase(TransactionCase):
    """A small, fully known dataset: every expected figure of the tests is
    computed by hand from the table in :meth:`_create_requests`."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, **QUIET))
        env = cls.env
        # the reports are written in the language of the administration
        for lang in ("fr_FR", "ar_001"):
            env["res.lang"]._activate_lang(lang)
        cls.district = env["emowaten.district"].create(
            {"name": "District T", "code": "T9"}
        )
        tunisia = env.ref("base.tn")
        cls.gov_a = env["res.country.state"].create(
            {
                "name": "Gouvernorat A",
                "code": "X-A",
                "country_id": tunisia.id,
                "emowaten_district_id": cls.district.id,
            }
        )
        cls.gov_b = env["res.country.state"].create(
            {"name": "Gouvernorat B", "code": "X-B", "country_id": tunisia.id}
        )
        Body = env["emowaten.body"]
        cls.ministry = Body.create(
            {"name": "Ministry of Tests", "code": "RPT-M", "body_type": "ministry"}
        )
        cls.sub_body = Body.create(
            {
                "name": "Directorate of Tests",
                "code": "RPT-M1",
                "body_type": "epa",
                "parent_id": cls.ministry.id,
            }
        )
        cls.governorate = Body.create(
            {
                "name": "Governorate of Tests",
                "code": "RPT-G",
                "body_type": "governorate",
                "state_id": cls.gov_a.id,
            }
        )
        Office = env["emowaten.office"]
        cls.office_m = Office.create(
            {
                "name": "Office of the Ministry",
                "code": "RPT-OM",
                "reference_prefix": "ROM",
                "kind": "ministry",
                "body_id": cls.ministry.id,
            }
        )
        cls.office_g = Office.create(
            {
                "name": "Office of the Governorate",
                "code": "RPT-OG",
                "reference_prefix": "ROG",
                "kind": "governorate",
                "body_id": cls.governorate.id,
                "state_id": cls.gov_a.id,
            }
        )
        Type = env["emowaten.request.type"]
        cls.type_petition = Type.create(
            {"name": "Test petition", "code": "rpt_petition", "deadline_days": 60}
        )
        cls.type_guidance = Type.create(
            {"name": "Test guidance", "code": "rpt_guidance", "deadline_days": 30}
        )
        cls.type_secret = Type.create(
            {
                "name": "Test corruption",
                "code": "rpt_secret",
                "deadline_days": 30,
                "confidential": True,
            }
        )
        cls.category = env["emowaten.request.category"].create({"name": "Test roads"})
        # users of each role
        cls.agent = new_test_user(
            env, "rpt_agent", groups="emowaten_base.group_emowaten_agent"
        )
        cls.manager = new_test_user(
            env, "rpt_manager", groups="emowaten_base.group_emowaten_manager"
        )
        cls.correspondent = new_test_user(
            env,
            "rpt_correspondent",
            groups="emowaten_base.group_emowaten_correspondent",
        )
        cls.supervisor = new_test_user(
            env, "rpt_supervisor", groups="emowaten_base.group_emowaten_supervisor"
        )
        cls.outsider = new_test_user(env, "rpt_outsider", groups="base.group_user")
        env["emowaten.office.member"].create(
            [
                {
                    "office_id": cls.office_m.id,
                    "user_id": cls.agent.id,
                    "role": "agent",
                },
                {
                    "office_id": cls.office_m.id,
                    "user_id": cls.manager.id,
                    "role": "manager",
                },
            ]
        )
        cls.ministry.correspondent_ids = cls.correspondent
        cls._create_requests()

    @classmethod
    def _create_requests(cls):
        """The dataset (all times UTC, 08:00 = 09:00 in Tunis).

        ===  ===  ========  =======  ==========  ==========  ==========  ==========
        ref  off  type      channel  registered  deadline    answered    notes
        ===  ===  ========  =======  ==========  ==========  ==========  ==========
        R1   M    petition  portal   2025-01-10  2025-03-11  2025-01-20  rating 4
        R2   M    guidance  counter  2025-01-15  2025-02-14  2025-02-20  2 transfers
        R3   M    petition  email    2025-02-01  2025-03-03  2025-02-21  rating 2
        R4   M    petition  portal   2025-03-01  2025-03-31  -           implicit
        R5   M    guidance  post     2025-03-05  2099-01-01  -           not due
        C1   M    (child of R4, routed to the directorate M1, not answered)
        R6   G    petition  portal   2025-01-05  2025-03-06  2025-01-09  gov A
        R7   M    petition  portal   draft: never counted
        R8   M    secret    phone    2025-04-01  2025-05-01  -           secret
        ===  ===  ========  =======  ==========  ==========  ==========  ==========

        Office M, citizen requests of 2025 without the confidential one: 5 received,
        3 answered in 10, 36 and 20 days (median 20, p90 32.8), 2 in time out of 4
        due (R1, R2, R3 answered, R4 overdue) = 50 %, 1 overdue, 1 implicit refusal,
        2 transfers, average rating 3.0.
        """
        rows = [
            # key, office, type, channel, registered, deadline, answered, extra
            ("R1", "M", "petition", "portal", (2025, 1, 10), (2025, 3, 11),
             (2025, 1, 20), {"rating": 4}),
            ("R2", "M", "guidance", "counter", (2025, 1, 15), (2025, 2, 14),
             (2025, 2, 20), {"transfer_count": 2}),
            ("R3", "M", "petition", "email", (2025, 2, 1), (2025, 3, 3),
             (2025, 2, 21), {"rating": 2}),
            ("R4", "M", "petition", "portal", (2025, 3, 1), (2025, 3, 31),
             None, {"implicit_refusal": True, "state": "routed"}),
            ("R5", "M", "guidance", "post", (2025, 3, 5), (2099, 1, 1), None, {}),
            ("R6", "G", "petition", "portal", (2025, 1, 5), (2025, 3, 6),
             (2025, 1, 9), {"state_id": "A"}),
            ("R7", "M", "petition", "portal", None, None, None, {"state": "draft"}),
            ("R8", "M", "secret", "phone", (2025, 4, 1), (2025, 5, 1), None, {}),
        ]  # fmt: skip
        offices = {"M": cls.office_m, "G": cls.office_g}
        types = {
            "petition": cls.type_petition,
            "guidance": cls.type_guidance,
            "secret": cls.type_secret,
        }
        Request = cls.env["emowaten.request"]
        cls.requests = {}
        for key, office, rtype, channel, *_rest in rows:
            cls.requests[key] = Request.create(
                {
                    "office_id": offices[office].id,
                    "type_id": types[rtype].id,
                    "channel": channel,
                    "subject": f"Test request {key}",
                    "category_id": cls.category.id,
                }
            )
        cls.requests["C1"] = Request.create(
            {
                "office_id": cls.office_m.id,
                "type_id": cls.type_petition.id,
                "channel": "portal",
                "subject": "Test request C1",
                "parent_id": cls.requests["R4"].id,
                "body_id": cls.sub_body.id,
            }
        )
        answers = {}
        for key, *_head, answered, _extra in rows:
            if answered:
                answers[key] = cls.env["emowaten.answer"].create(
                    {"request_id": cls.requests[key].id, "kind": "information"}
                )
        cls.env.flush_all()
        cr = cls.env.cr
        for (
            key,
            _office,
            _type,
            _channel,
            registered,
            deadline,
            answered,
            extra,
        ) in rows:
            request = cls.requests[key]
            state = extra.get("state", "answered" if answered else "study")
            cr.execute(
                """UPDATE emowaten_request
                      SET name = %s, state = %s, registration_date = %s,
                          date_deadline = %s, implicit_refusal = %s,
                          transfer_count = %s, rating = %s, state_id = %s
                    WHERE id = %s""",
                [
                    f"RPT-2025-{key}",
                    state,
                    registered and datetime(*registered, 8, 0),
                    deadline and date(*deadline),
                    extra.get("implicit_refusal", False),
                    extra.get("transfer_count", 0),
                    extra.get("rating"),
                    cls.gov_a.id if extra.get("state_id") else None,
                    request.id,
                ],
            )
            if answered:
                cr.execute(
                    "UPDATE emowaten_answer SET state = 'sent', date_sent = %s "
                    "WHERE id = %s",
                    [datetime(*answered, 8, 0), answers[key].id],
                )
        cr.execute(
            """UPDATE emowaten_request
                  SET name = 'RPT-2025-R4/1', state = 'routed',
                      registration_date = '2025-03-01 08:00',
                      date_deadline = '2025-03-31'
                WHERE id = %s""",
            [cls.requests["C1"].id],
        )
        cls.env.invalidate_all()

    def _analysis(self, user=None):
        Analysis = self.env["emowaten.request.analysis"]
        return Analysis.with_user(user) if user else Analysis
