"""The e-mail gateway fuzzer, in process: the 10,000-input run.

Over HTTP each message costs a round trip and a commit; here every generated message
goes through ``mail.thread.message_process`` inside a savepoint that is rolled back,
so the database is left as it was. Run it in an Odoo shell:

    EMOWATEN_FUZZ_EXAMPLES=10000 /var/lib/emowaten/venv/bin/python odoo-bin shell \\
        -c config/odoo.conf --addons-path=... -d DB --no-http \\
        < tests/reliability/inprocess_gateway.py

It prints the outcome counts and exits non-zero (via an assertion) on the first message
that makes e-Mowaten code raise anything but a UserError/ValidationError, or that stores
live markup.
"""

import json
import os
import sys
import traceback
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, given, settings

HERE = Path(os.environ.get("EMOWATEN_ROOT", ".")).resolve() / "tests" / "reliability"
sys.path.insert(0, str(HERE))

from common import refused_by_the_parser  # noqa: E402
from files import MINIMAL_PDF  # noqa: E402
from strategies import raw_messages  # noqa: E402

from odoo import SUPERUSER_ID, api  # noqa: E402
from odoo.exceptions import UserError, ValidationError  # noqa: E402

LIVE = __import__("re").compile(
    r"<\s*(script|iframe|object|embed|fz\d)|<[^>]*\son[a-z]+\s*=|"
    r"(href|src)\s*=\s*[\"']?\s*javascript:",
    __import__("re").I,
)
EXAMPLES = int(os.environ.get("EMOWATEN_FUZZ_EXAMPLES", "300"))


def run(registry):
    # Registration queues the receipt (tested here); rendering it is the cron's work.
    # If anything renders a PDF, this process (only) gets a fixed one.
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        type(env["ir.actions.report"])._run_wkhtmltopdf = (
            lambda self, *args, **kwargs: MINIMAL_PDF
        )
        # an office of its own: no contention with other processes for its sequence
        office = env["emowaten.office"].search([("code", "=", "FUZZ-GW")])
        if not office:
            some = env["emowaten.office"].search([], limit=1)
            office = office.create(
                {
                    "name": "Fuzzing office",
                    "code": "FUZZ-GW",
                    "reference_prefix": "FZG",
                    "kind": some.kind,
                    "body_id": some.body_id.id,
                }
            )
        office_id = office.id
    outcomes = Counter()

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(message=raw_messages())
    def check(message):
        # one short transaction per message, always rolled back: nothing is kept and
        # no lock outlives the message
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            try:
                _check_one(env, office_id, message, outcomes)
            finally:
                cr.rollback()
        done = sum(n for key, n in outcomes.items() if not key.startswith("+ "))
        if done % 250 == 0:
            print(f"[fuzz] {done} inputs: {dict(outcomes)}", file=sys.stderr)

    check()
    total = sum(n for key, n in outcomes.items() if not key.startswith("+ "))
    print(f"[fuzz] mail_gateway (in process): {total} inputs: {dict(outcomes)}")
    folder = os.environ.get("EMOWATEN_FUZZ_REPORT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        (Path(folder) / "mail_gateway_inprocess.json").write_text(
            json.dumps({"inputs": total, "outcomes": dict(outcomes)}, indent=1)
        )


def _check_one(env, office_id, message, outcomes):
    try:
        record_id = env["mail.thread"].message_process(
            "emowaten.request", message, custom_values={"office_id": office_id}
        )
    except (UserError, ValidationError):
        outcomes["refused (business error)"] += 1
        return
    except Exception as error:  # noqa: BLE001 - classified below
        where = traceback.format_exc()
        assert refused_by_the_parser(where), where
        outcomes[f"unparsable, bounced ({type(error).__name__})"] += 1
        return
    outcomes["filed" if record_id else "ignored"] += 1
    if record_id:
        env.flush_all()
        request = env["emowaten.request"].browse(record_id)
        assert request.name and request.registration_date, "filed without reference"
        if request.partner_id.email:
            assert request.receipt_pending, "the receipt was not queued"
            outcomes["+ receipt queued"] += 1
        for body in (
            env["mail.message"]
            .search([("model", "=", "emowaten.request"), ("res_id", "=", record_id)])
            .mapped("body")
        ):
            assert not LIVE.search(body or ""), f"live markup stored: {body}"


env.cr.rollback()  # noqa: F821 - ``env`` is given by odoo-bin shell
run(env.registry)  # noqa: F821
