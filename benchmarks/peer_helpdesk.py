"""The peer side: OCA ``helpdesk_mgmt`` 19.0 (+ ``helpdesk_mgmt_sla``) in the same
benchmark database as e-Mowaten, filled at the same volume, and the measurements that
run.py compares with e-Mowaten's.

Filling (``fill``): one helpdesk team per Citizen Relations Office (same members, SLA
on), one SLA "answer within the legal deadline" whose expected stage is *Done*, and
one ticket per generated request — same citizen, subject, text, channel, dates,
assignee and a stage mapped from the request's state — with the same number of
attachment rows and one chatter message each, and an SLA line per ticket
(accomplished, expired, or in progress for the deadlines of the last days, like
e-Mowaten's escalation backlog). All by ``INSERT ... SELECT`` from
``emowaten_request``, so both sides hold the same data.

The peer has no SLA cron in 19.0: SLA lines are computed at creation and recomputed on
stage changes (``helpdesk.ticket.sla._stage_recompute``). Its closest equivalent of our
escalation cron is therefore: find the tickets whose SLA is expired (the ``sla_expired``
filter) and recompute their SLA lines — which is what :func:`sla_run` measures.

Usage (normally called by run.py)::

    python benchmarks/peer_helpdesk.py --db h_bench fill
"""

import argparse
import contextlib
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
import generate  # noqa: E402

# request state → helpdesk_mgmt stage (xml id suffix)
STAGE_OF_STATE = {
    "draft": "new",
    "registered": "new",
    "screening": "new",
    "routed": "in_progress",
    "study": "in_progress",
    "answer_drafted": "in_progress",
    "to_sign": "awaiting",
    "answered": "done",
    "closed": "done",
    "withdrawn": "cancelled",
    "inadmissible": "rejected",
}
CHANNEL_OF = {"portal": "web", "mobile": "web", "email": "email", "phone": "phone"}
WORK_HOURS_PER_DAY = 8


def setup(env):
    """Teams (one per office, SLA on), the SLA, and a creation team without SLA.
    Returns ({office_id: team_id}, sla_id, creation_team_id)."""
    Team = env["helpdesk.ticket.team"].with_context(tracking_disable=True)
    offices = env["emowaten.office"].search([])
    existing = {t.name: t for t in Team.search([])}
    vals = []
    for office in offices:
        name = f"Team {office.code}"
        if name not in existing:
            vals.append(
                {
                    "name": name,
                    "use_sla": True,
                    "user_ids": [(6, 0, office.user_ids.ids)],
                }
            )
    if "Bench creation (no SLA)" not in existing:
        vals.append({"name": "Bench creation (no SLA)", "use_sla": False})
    if vals:
        Team.create(vals)
    teams = {t.name: t for t in Team.search([])}
    done = env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
    Sla = env["helpdesk.sla"].with_context(tracking_disable=True)
    sla = Sla.search([("name", "=", "Legal deadline")], limit=1) or Sla.create(
        {"name": "Legal deadline", "days": 60, "hours": 0, "stage_id": done.id}
    )
    env.flush_all()
    return (
        {o.id: teams[f"Team {o.code}"].id for o in offices},
        sla.id,
        teams["Bench creation (no SLA)"].id,
    )


def stage_ids(env):
    return {
        key: env.ref(f"helpdesk_mgmt.helpdesk_ticket_stage_{key}").id
        for key in set(STAGE_OF_STATE.values())
    }


def channel_ids(env):
    return {
        key: env.ref(f"helpdesk_mgmt.helpdesk_ticket_channel_{key}").id
        for key in ("web", "email", "phone", "other")
    }


def fill(db):
    """One ticket per request of ``emowaten_request``, by SQL. Returns timings."""
    timings = {}
    t0 = time.perf_counter()
    with common.odoo_env(db) as env:
        team_of_office, sla_id, _creation_team = setup(env)
        stages = stage_ids(env)
        channels = channel_ids(env)
        company_id = env.company.id
        files = generate.write_shared_files(db)
    conn = common.pg_connect(db)
    cr = conn.cursor()
    cr.execute("SET synchronous_commit TO off")
    cr.execute("SELECT count(*) FROM helpdesk_ticket")
    if cr.fetchone()[0]:
        raise SystemExit(f"{db} already has tickets: fill a fresh database")
    cr.execute("CREATE TEMP TABLE bench_team (office_id int, team_id int)")
    cr.executemany(
        "INSERT INTO bench_team VALUES (%s, %s)", list(team_of_office.items())
    )
    stage_case = (
        "(CASE "
        + " ".join(
            f"WHEN r.state = '{state}' THEN {stages[key]}"
            for state, key in STAGE_OF_STATE.items()
        )
        + " END)"
    )
    channel_case = (
        "(CASE "
        + " ".join(
            f"WHEN r.channel = '{ch}' THEN {channels[key]}"
            for ch, key in CHANNEL_OF.items()
        )
        + f" ELSE {channels['other']} END)"
    )
    closed = ("answered", "closed", "withdrawn", "inadmissible")
    closed_list = ",".join(generate.quote(s) for s in closed)
    loading = contextlib.ExitStack()
    loading.enter_context(
        generate.bulk_load(
            cr,
            "helpdesk_ticket",
            "helpdesk_ticket_sla",
            "mail_message",
            "ir_attachment",
        )
    )
    common.log("peer tickets ...")
    start = time.perf_counter()
    generate.insert_select(
        cr,
        "helpdesk_ticket",
        {
            "number": "'HT' || lpad((row_number() OVER (ORDER BY r.id))::text, 5, '0')",
            "name": "r.subject",
            "description": "'<p>' || COALESCE(r.description, '') || '</p>'",
            "user_id": "r.user_id",
            "stage_id": stage_case,
            "partner_id": "r.partner_id",
            "commercial_partner_id": "r.partner_id",
            "partner_name": "p.name",
            "partner_email": "p.email",
            "company_id": str(company_id),
            "channel_id": channel_case,
            "team_id": "t.team_id",
            "priority": "CASE WHEN r.priority = '1' THEN '2' ELSE '1' END",
            "color": "0",
            "sequence": "10",
            "active": "true",
            "unattended": "r.state IN ('draft', 'registered', 'screening')",
            "kanban_state": "'normal'",
            "access_token": "md5(r.id::text || 'peer')",
            "last_stage_update": "COALESCE(r.close_date, r.registration_date)",
            "assigned_date": "CASE WHEN r.user_id IS NOT NULL "
            "THEN r.registration_date END",
            "closed_date": f"CASE WHEN r.state IN ({closed_list}) "
            "THEN r.close_date END",
            "create_date": "r.registration_date",
            "write_date": "r.registration_date",
            "create_uid": "1",
            "write_uid": "1",
        },
        "FROM emowaten_request r JOIN res_partner p ON p.id = r.partner_id "
        "JOIN bench_team t ON t.office_id = r.office_id ORDER BY r.id",
    )
    timings["tickets (SQL)"] = time.perf_counter() - start
    cr.execute("SELECT min(id), max(id), count(*) FROM helpdesk_ticket")
    lo, hi, count = cr.fetchone()

    # SLA lines: the request's deadline is the ticket's SLA deadline
    start = time.perf_counter()
    backlog = f"now() - interval '{generate.ESCALATION_BACKLOG_DAYS} days'"
    generate.insert_select(
        cr,
        "helpdesk_ticket_sla",
        {
            "ticket_id": "h.id",
            "sla_id": str(sla_id),
            "expected_stage_id": str(stages["done"]),
            "state": f"CASE WHEN h.closed_date IS NOT NULL THEN 'accomplished' "
            f"WHEN r.date_deadline < {backlog} THEN 'expired' ELSE 'in_progress' END",
            "deadline": "r.date_deadline::timestamp + interval '16 hours'",
            "last_state_date": "h.create_date",
            "hours": str(60 * WORK_HOURS_PER_DAY),
            "consumed_time": "0",
            "create_date": "h.create_date",
            "write_date": "h.create_date",
            "create_uid": "1",
            "write_uid": "1",
        },
        # tickets and requests were inserted in the same order: pair them by rank
        "FROM (SELECT id, create_date, closed_date, "
        "row_number() OVER (ORDER BY id) AS rk FROM helpdesk_ticket) h "
        "JOIN (SELECT date_deadline, row_number() OVER (ORDER BY id) AS rk "
        "FROM emowaten_request) r ON r.rk = h.rk",
    )
    timings["SLA lines (SQL)"] = time.perf_counter() - start

    start = time.perf_counter()
    generate.insert_select(
        cr,
        "mail_message",
        {
            "model": "'helpdesk.ticket'",
            "res_id": "h.id",
            "record_name": "h.number",
            "message_type": "'notification'",
            "body": "'<p>Ticket created</p>'",
            "subtype_id": "(SELECT res_id FROM ir_model_data "
            "WHERE module = 'helpdesk_mgmt' AND name = 'hlp_tck_created')",
            "author_id": "3",
            "date": "h.create_date",
            "create_date": "h.create_date",
            "write_date": "h.create_date",
            "create_uid": "1",
            "write_uid": "1",
            "reply_to_force_new": "false",
            "is_internal": "false",
        },
        "FROM helpdesk_ticket h",
    )
    timings["chatter messages (SQL)"] = time.perf_counter() - start
    start = time.perf_counter()
    generate.insert_attachments(
        cr, "helpdesk.ticket", "r.create_date", files, company_id, lo, hi
    )
    timings["attachments (SQL)"] = time.perf_counter() - start
    start = time.perf_counter()
    loading.close()
    timings["index rebuild"] = time.perf_counter() - start
    conn.commit()
    conn.autocommit = True
    start = time.perf_counter()
    for table in (
        "helpdesk_ticket",
        "helpdesk_ticket_sla",
        "mail_message",
        "ir_attachment",
    ):
        cr.execute(f"VACUUM ANALYZE {table}")
    timings["vacuum analyze"] = time.perf_counter() - start
    conn.close()
    with common.odoo_env(db) as env:
        # the ticket numbers continue after the generated ones
        seq = env.ref("helpdesk_mgmt.helpdesk_ticket_sequence")
        seq.write({"number_next": count + 1})
    timings["total"] = time.perf_counter() - t0
    return timings, count


# ------------------------------------------------------------------ measurements
def create_tickets(env, n, partner_ids, team_id, batch=1, seed=7):
    """Create ``n`` tickets through the ORM, ``batch`` per ``create`` call, in a team
    without SLA — the peer at its fastest."""
    rng = random.Random(seed)
    Ticket = env["helpdesk.ticket"]
    channels = list(channel_ids(env).values())
    subjects = generate.SUBJECTS_AR + generate.SUBJECTS_FR
    vals_list = []
    for i in range(n):
        vals_list.append(
            {
                "name": subjects[i % len(subjects)],
                "description": f"<p>{generate.TEXT_AR[i % len(generate.TEXT_AR)]}</p>",
                "partner_id": rng.choice(partner_ids),
                "team_id": team_id,
                "channel_id": channels[i % len(channels)],
            }
        )
        if len(vals_list) >= batch:
            Ticket.create(vals_list)
            vals_list = []
    if vals_list:
        Ticket.create(vals_list)
    env.flush_all()


def kanban_spec(env, model):
    """The web_read specification of the model's default kanban view (its fields)."""
    views = env[model].get_views([(False, "kanban")])
    fields = views["models"][model]["fields"]
    spec = {}
    for name, desc in fields.items():
        if desc.get("type") in ("many2one",):
            spec[name] = {"fields": {"display_name": {}}}
        elif desc.get("type") in ("one2many", "many2many"):
            spec[name] = {}
        else:
            spec[name] = {}
    return spec


def kanban_first_page(env, model, domain, spec, limit=40):
    """What the web client asks for the first page of a kanban grouped by stage: the
    groups with their counts, and the first records of each unfolded group."""
    return env[model].web_read_group(
        domain,
        ["stage_id"],
        aggregates=["__count"],
        auto_unfold=True,
        unfold_read_specification=spec,
        unfold_read_default_limit=limit,
    )


def search_reference(env, number):
    """The ticket search view's filter on the number."""
    return env["helpdesk.ticket"].search_fetch(
        ["|", ("number", "ilike", number), ("name", "ilike", number)],
        ["number"],
        limit=80,
    )


def sla_run(env):
    """The peer's closest equivalent of an escalation run: find the tickets whose SLA
    is expired and recompute their SLA lines. Returns the number of SLA lines."""
    Ticket = env["helpdesk.ticket"]
    tickets = Ticket.search(
        [("sla_expired", "=", True), ("stage_id.closed", "=", False)]
    )
    now = env.cr.now()
    lines = tickets.ticket_sla_ids.filtered(
        lambda s: s.state == "in_progress" and s.deadline and s.deadline < now
    )
    for line in lines:
        line._stage_recompute()
    env.flush_all()
    return len(lines)


def main(argv=None):
    common.ensure_venv()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("command", choices=["fill"])
    args = parser.parse_args(argv)
    timings, count = fill(args.db)
    for key, seconds in timings.items():
        print(f"  {key:<28} {seconds:8.1f} s")
    print(f"peer fill: {count:,} tickets in {timings['total']:.1f} s")


if __name__ == "__main__":
    main()
