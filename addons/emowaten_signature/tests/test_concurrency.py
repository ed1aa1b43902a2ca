import logging
import threading
import time

from odoo import SUPERUSER_ID, api
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestSigningConcurrency(TransactionCase):
    """The step that stores a signature locks the answer and its request first; when
    an agent changes the request meanwhile, the step waits, meets the change as a
    concurrency error (no failed statement in the log) and runs again in a fresh
    transaction. Real, committed cursors (cleaned up afterwards)."""

    def _committed_answer(self):
        with self.registry.cursor() as cr:
            env = api.Environment(
                cr, SUPERUSER_ID, {"mail_create_nolog": True, "mail_notrack": True}
            )
            partner = env["res.partner"].create({"name": "Concurrent citizen"})
            request = env["emowaten.request"].create(
                {
                    "office_id": env.ref("emowaten_base.emowaten_office_central").id,
                    "type_id": env.ref("emowaten_petitions.request_type_petition").id,
                    "partner_id": partner.id,
                    "subject": "Concurrent signature",
                    "channel": "counter",
                }
            )
            answer = env["emowaten.answer"].create(
                {
                    "request_id": request.id,
                    "kind": "favourable",
                    "body_html": "<p>Favourable.</p>",
                }
            )
            ids = (partner.id, request.id, answer.id)

        def cleanup():
            with self.registry.cursor() as cr:
                cr.execute("DELETE FROM emowaten_answer WHERE id = %s", [ids[2]])
                for model, res_id in (
                    ("emowaten.request", ids[1]),
                    ("res.partner", ids[0]),
                ):
                    cr.execute(
                        "DELETE FROM mail_message WHERE model = %s AND res_id = %s",
                        [model, res_id],
                    )
                    cr.execute(
                        "DELETE FROM mail_followers WHERE res_model = %s "
                        "AND res_id = %s",
                        [model, res_id],
                    )
                cr.execute("DELETE FROM emowaten_request WHERE id = %s", [ids[1]])
                cr.execute("DELETE FROM res_partner WHERE id = %s", [ids[0]])

        self.addCleanup(cleanup)
        return ids

    def test_store_step_waits_and_runs_again(self):
        _partner, request_id, answer_id = self._committed_answer()
        agent = self.registry.cursor()
        signing = self.registry.cursor()
        attempts, errors = [], []
        try:
            # an agent changes the request and has not committed yet
            agent.execute(
                "UPDATE emowaten_request SET subject = 'changed by an agent' "
                "WHERE id = %s",
                [request_id],
            )
            env = api.Environment(signing, SUPERUSER_ID, {})
            service = env["emowaten.signature.service"]
            answer = env["emowaten.answer"].browse(answer_id)

            def store():
                attempts.append(time.monotonic())
                service._emowaten_lock_for_signing(answer)
                signing.execute(
                    "UPDATE emowaten_request SET subject = 'answered' WHERE id = %s",
                    [request_id],
                )
                return "stored"

            def run():
                try:
                    results.append(service._emowaten_step_retried(True, store, "test"))
                except Exception as exc:  # noqa: BLE001 - asserted below
                    errors.append(exc)

            results = []
            with (
                self.assertNoLogs("odoo.sql_db", "ERROR"),
                self.assertLogs(
                    "odoo.addons.emowaten_signature.models.emowaten_signature_service",
                    # the int: Odoo names its level 25 "INFO" too
                    logging.INFO,
                ) as logs,
            ):
                thread = threading.Thread(target=run)
                thread.start()
                thread.join(0.5)
                self.assertTrue(thread.is_alive(), "the step waits for the agent")
                agent.commit()
                thread.join(60)
                self.assertFalse(thread.is_alive())
            self.assertFalse(errors, errors)
            self.assertEqual(results, ["stored"])
            self.assertEqual(len(attempts), 2, "met the change once, then ran again")
            self.assertIn("tries left, try again", logs.output[0])
        finally:
            agent.close()
            signing.close()
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT subject FROM emowaten_request WHERE id = %s", [request_id]
            )
            self.assertEqual(cr.fetchone()[0], "answered", "stored after the agent")
