import threading
from unittest.mock import patch

import psycopg2.errors

from odoo import SUPERUSER_ID, api, fields
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestReferenceConcurrency(TransactionCase):
    """Two transactions registering at the same time never get the same reference and
    leave no gap. Runs on real, committed cursors (cleaned up afterwards)."""

    def test_concurrent_registration(self):
        office = self.env.ref("emowaten_base.emowaten_office_central")
        rtype = self.env.ref("emowaten_petitions.request_type_guidance")
        year = fields.Date.context_today(office).year
        # the office's sequence of the year exists before anyone registers (the install
        # and a monthly cron prepare them); make sure of it in a committed transaction.
        # Everything below uses fresh cursors: the test cursor's snapshot is older.
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            sequence = (
                env["emowaten.office"]
                .browse(office.id)
                ._emowaten_request_sequence(year)
            )
            # the number the next registration takes (a draw that stores nothing)
            ((_sequence, start, _name),) = (
                env["emowaten.office"]
                .browse(office.id)
                ._emowaten_next_references(year, 1)
            )
            sequence_id, floor = sequence.id, sequence.number_next
        created = []

        def cleanup():
            with self.registry.cursor() as cr:
                if created:
                    cr.execute(
                        "DELETE FROM mail_message WHERE model = 'emowaten.request' "
                        "AND res_id = ANY(%s)",
                        [created],
                    )
                    cr.execute(
                        "DELETE FROM mail_followers WHERE res_model = "
                        "'emowaten.request' AND res_id = ANY(%s)",
                        [created],
                    )
                    cr.execute(
                        "DELETE FROM emowaten_request WHERE id = ANY(%s)", [created]
                    )
                cr.execute(
                    "UPDATE ir_sequence SET number_next = %s WHERE id = %s",
                    [floor, sequence_id],
                )

        self.addCleanup(cleanup)
        vals = {
            "office_id": office.id,
            "type_id": rtype.id,
            "subject": "Concurrent registration",
            "channel": "phone",
            "state": "registered",
        }
        cr1 = self.registry.cursor()
        cr2 = self.registry.cursor()
        cr3 = self.registry.cursor()
        try:
            env1 = api.Environment(cr1, SUPERUSER_ID, {"mail_create_nolog": True})
            env2 = api.Environment(cr2, SUPERUSER_ID, {"mail_create_nolog": True})
            env3 = api.Environment(cr3, SUPERUSER_ID, {"mail_create_nolog": True})
            # the second transaction's snapshot is taken before the first commits
            cr2.execute("SELECT 1")
            first = env1["emowaten.request"].create(dict(vals))
            env1.flush_all()
            created.append(first.id)
            # while the first holds its number, a third registration in the office
            # waits for it: it does not fail, and takes no number yet
            cr3.execute("SET LOCAL lock_timeout = '300ms'")
            with (
                self.assertNoLogs("odoo.sql_db", "ERROR"),
                self.assertRaises(psycopg2.errors.LockNotAvailable),
            ):
                env3["emowaten.request"].create(dict(vals))
            cr3.rollback()
            waiting = threading.Thread(
                target=lambda: results.append(
                    env2["emowaten.request"].create(dict(vals))
                )
            )
            results = []
            waiting.start()
            waiting.join(0.5)
            self.assertTrue(waiting.is_alive(), "the second registration waits")
            cr1.commit()
            waiting.join(30)
            self.assertFalse(waiting.is_alive())
            # it went on in its old snapshot, without a serialization failure
            (second,) = results
            env2.flush_all()
            created.append(second.id)
            cr2.commit()
            names = [first.name, second.name]
        finally:
            cr1.close()
            cr2.close()
            cr3.close()
        numbers = [int(name.rsplit("-", 1)[1]) for name in names]
        self.assertEqual(
            numbers, [start, start + 1], "consecutive, no duplicate, no gap"
        )

    def test_rollback_gives_the_number_back(self):
        body = self.env["emowaten.body"].create(
            {"name": "Rollback body", "code": "T-RB", "body_type": "ministry"}
        )
        office = self.env["emowaten.office"].create(
            {
                "name": "Rollback office",
                "code": "T-RB",
                "reference_prefix": "RBK",
                "body_id": body.id,
            }
        )
        rtype = self.env.ref("emowaten_petitions.request_type_guidance")
        vals = {
            "office_id": office.id,
            "type_id": rtype.id,
            "subject": "x",
            "state": "registered",
        }
        Request = self.env["emowaten.request"]
        with self.assertRaises(ValueError), self.env.cr.savepoint():
            Request.create(vals)
            raise ValueError("registration aborted")
        first = Request.create(vals)
        second = Request.create(vals)
        n1, n2 = (int(r.name.rsplit("-", 1)[1]) for r in (first, second))
        self.assertEqual((n1, n2), (1, 2), "the aborted registration left no gap")
        year = fields.Date.context_today(office).year
        ((_sequence, number, _name),) = office._emowaten_next_references(year, 1)
        self.assertEqual(number, 3)

    def test_cached_sequence_and_stages_follow_changes(self):
        """Registrations cache the office's sequence id and the generic stages; a
        replaced sequence or a new stage is picked up at once."""
        office = self.env.ref("emowaten_base.emowaten_office_central")
        rtype = self.env.ref("emowaten_petitions.request_type_guidance")
        year = fields.Date.context_today(office).year
        vals = {
            "office_id": office.id,
            "type_id": rtype.id,
            "subject": "cache",
            "state": "registered",
        }
        Request = self.env["emowaten.request"]
        Request.create(dict(vals))
        old = office._emowaten_request_sequence(year)
        self.assertEqual(office._emowaten_request_sequence_id(year), old.id)
        # the sequence is replaced (a restore, an administrator's fix): the cached id
        # is stale, the draw notices, looks again and uses the new one
        number_next = old.number_next
        old.unlink()
        new = office._emowaten_request_sequence(year)
        new.number_next = number_next + 100
        request = Request.create(dict(vals))
        self.assertEqual(int(request.name.rsplit("-", 1)[1]), number_next + 100)
        self.assertEqual(office._emowaten_request_sequence_id(year), new.id)
        # a new generic stage ahead of the others receives new registrations
        stage = self.env["emowaten.request.stage"].create(
            {"name": "Front desk", "state": "registered", "sequence": -1}
        )
        self.assertEqual(Request.create(dict(vals)).stage_id, stage)
        stage.active = False
        self.assertNotEqual(Request.create(dict(vals)).stage_id, stage)


@tagged("post_install", "-at_install")
class TestReferencesWhileModulesLoad(TransactionCase):
    """Requests registered while modules are being installed or upgraded (demo data,
    data files): the registry is not ready and this transaction holds tables or
    columns nobody else can see yet, or the lock of an ALTER TABLE."""

    def _watchdog(self, stop, cancelled):
        """Cancel any other backend waiting for a lock of the test's transaction: the
        draw must never wait for itself (before the fix it waited forever)."""
        self.env.cr.execute("SELECT pg_backend_pid()")
        (pid,) = self.env.cr.fetchone()
        with self.registry.cursor() as cr:
            while not stop.wait(0.2):
                cr.execute(
                    "SELECT pid, pg_cancel_backend(pid) FROM pg_stat_activity "
                    "WHERE %s = ANY(pg_blocking_pids(pid))",
                    [pid],
                )
                cancelled.extend(row[0] for row in cr.fetchall())
                cr.rollback()

    def test_register_during_upgrade(self):
        office = self.env.ref("emowaten_base.emowaten_office_central")
        rtype = self.env.ref("emowaten_petitions.request_type_guidance")
        vals = {
            "office_id": office.id,
            "type_id": rtype.id,
            "subject": "Registered by a data file during an upgrade",
            "state": "registered",
        }
        Request = self.env["emowaten.request"]
        before = Request.create(dict(vals))
        # what an upgrade does to the table before its data files run
        self.env.cr.execute(
            "ALTER TABLE emowaten_request ADD COLUMN emowaten_upgrade_test integer"
        )
        stop, cancelled = threading.Event(), []
        watchdog = threading.Thread(target=self._watchdog, args=(stop, cancelled))
        watchdog.start()
        try:
            with patch.object(self.registry, "ready", False):
                first, second = Request.create([dict(vals), dict(vals)])
        finally:
            stop.set()
            watchdog.join(10)
        self.assertFalse(cancelled, "the draw waited for its own transaction's lock")
        numbers = [int(r.name.rsplit("-", 1)[1]) for r in (before, first, second)]
        start = numbers[0]
        self.assertEqual(numbers, [start, start + 1, start + 2])
