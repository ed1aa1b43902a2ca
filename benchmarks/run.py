"""e-Mowaten's benchmark suite, one command (issue 9).

    python benchmarks/run.py --quick   # 20,000 requests, 1,000 ORM creations: minutes
    python benchmarks/run.py           # 1,000,000 requests, 10,000 creations: an hour+

It creates a throw-away database with every e-Mowaten addon and the peer, OCA
``helpdesk_mgmt`` + ``helpdesk_mgmt_sla`` (``scripts/odoo -d <db> -i ...
--stop-after-init``),
fills it with national-volume data (generate.py) and as many peer tickets
(peer_helpdesk.py), then measures, in this process through an Odoo registry, e-Mowaten
against the peer and against the floor (PostgreSQL COPY, plain SQL), runs the floors of
the tools (floor_*.py: tesseract, bare pyhanko, bare xlsxwriter) and the per-addon
benchmark scripts (bench_*.py, with ``--quick`` in quick mode), and prints one table:
operation, e-Mowaten, peer or floor, ratio, peak memory. The table also goes, as
Markdown with the machine description, to benchmarks/out/latest.md.

Ratios are ``e-Mowaten / other`` of the printed values; each row says whether higher or
lower is better. Nothing here asserts a timing.
"""

import argparse
import random
import re
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
import floor_postgres  # noqa: E402
from common import Row  # noqa: E402

QUICK = {"requests": 20_000, "creates": 1_000, "searches": 30}
FULL = {"requests": 1_000_000, "creates": 10_000, "searches": 20}
OPEN_STATES = (
    "registered",
    "screening",
    "routed",
    "study",
    "answer_drafted",
    "to_sign",
)

# per-addon scripts written with the addons: run.py runs them and reads their output
ADDON_SCRIPTS = [
    "bench_petitions.py",
    "bench_scan.py",
    "bench_signature.py",
    "bench_reporting.py",
    "bench_hosting.py",
    "bench_portal.py",
]


# ------------------------------------------------------------ e-Mowaten vs the peer
def citizens(env, limit=5000):
    env.cr.execute(
        "SELECT id FROM res_partner WHERE emowaten_is_citizen "
        "ORDER BY id DESC LIMIT %s",
        [limit],
    )
    return [r[0] for r in env.cr.fetchall()]


def biggest_office(env):
    env.cr.execute(
        "SELECT office_id FROM emowaten_request "
        "GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"
    )
    return env.cr.fetchone()[0]


def create_requests(env, n, partner_ids, office_id, batch=1, seed=7):
    """Register ``n`` requests through the ORM, ``batch`` per ``create`` call."""
    import generate

    rng = random.Random(seed)
    Request = env["emowaten.request"]
    type_id = (
        env["emowaten.request.type"].search([("code", "=", "petition")], limit=1).id
    )
    channels = ["portal", "counter", "post", "email", "phone", "mobile"]
    subjects = generate.SUBJECTS_AR + generate.SUBJECTS_FR
    vals_list = []
    for i in range(n):
        vals_list.append(
            {
                "office_id": office_id,
                "type_id": type_id,
                "channel": channels[i % len(channels)],
                "subject": subjects[i % len(subjects)],
                "description": generate.TEXT_AR[i % len(generate.TEXT_AR)],
                "partner_id": rng.choice(partner_ids),
                "state": "registered",
            }
        )
        if len(vals_list) >= batch:
            Request.create(vals_list)
            vals_list = []
    if vals_list:
        Request.create(vals_list)
    env.flush_all()


def measure_core(db, sizes, rows):
    """The in-process measurements, the national-volume-sensitive ones first (so that a
    long run interrupted late still has them); rows come back in table order."""
    import peer_helpdesk as peer

    with common.odoo_env(db) as env:
        teams, _sla, creation_team = peer.setup(env)
        office_id = biggest_office(env)
        ctx = {
            "partner_ids": citizens(env),
            "office_id": office_id,
            "team_id": teams[office_id],
            "creation_team": creation_team,
        }
        env.cr.execute("SELECT count(*) FROM emowaten_request")
        n_req = env.cr.fetchone()[0]
        env.cr.execute("SELECT count(*) FROM helpdesk_ticket")
        n_tk = env.cr.fetchone()[0]
    volume = f"{n_req:,} requests / {n_tk:,} tickets in the database"
    common.log(volume)
    groups = {}
    for order, fn in (
        (2, measure_kanban),
        (3, measure_search),
        (4, measure_escalation),
        (1, measure_registration),
    ):
        got = []
        fn(db, sizes, ctx, got)
        for row in got:
            common.log("  => " + " | ".join(common.table([row])[1]))
        groups[order] = got
    for order in sorted(groups):
        rows.extend(groups[order])
    return volume


def measure_registration(db, sizes, ctx, rows):
    import peer_helpdesk as peer

    n_create = sizes["creates"]
    partner_ids, office_id = ctx["partner_ids"], ctx["office_id"]
    creation_team = ctx["creation_team"]
    # 1. registration through the ORM: one create per record (a citizen at the counter
    # or on the portal), then in batches of 100 (an import, a scanned batch)
    for batch in (1, 100):
        how = "one create each" if batch == 1 else f"batches of {batch}"
        common.log(f"registration: {n_create:,} requests through the ORM, {how} ...")
        with common.odoo_env(db) as env, common.Measure() as ours:
            q0 = env.cr.sql_log_count
            create_requests(env, n_create, partner_ids, office_id, batch=batch)
            q_ours = (env.cr.sql_log_count - q0) / n_create
        common.log(f"  {n_create / ours.seconds:.1f}/s")
        common.log(f"peer: {n_create:,} tickets through the ORM, {how} ...")
        with common.odoo_env(db) as env, common.Measure() as theirs:
            q0 = env.cr.sql_log_count
            peer.create_tickets(env, n_create, partner_ids, creation_team, batch=batch)
            q_peer = (env.cr.sql_log_count - q0) / n_create
        common.log(f"  {n_create / theirs.seconds:.1f}/s")
        rows.append(
            Row(
                f"register {n_create:,} requests via ORM ({how})",
                n_create / ours.seconds,
                n_create / theirs.seconds,
                "helpdesk_mgmt",
                "records/s",
                "higher",
                max(ours.peak_mb, theirs.peak_mb),
                "target ≥ 5×",
                f"SQL queries per record: ours {q_ours:.1f}, peer {q_peer:.1f}",
            )
        )
    with common.odoo_env(db) as env:
        floor = floor_postgres.copy_floor(env, n_create)
    rows.append(
        Row(
            f"insert {n_create:,} requests: ORM (batches of 100) vs PostgreSQL COPY",
            n_create / ours.seconds,
            n_create / floor.seconds,
            "COPY",
            "records/s",
            "higher",
            floor.peak_mb,
            "floor; COPY writes the request rows only (the ORM also writes "
            "followers, chatter, custody)",
        )
    )


def measure_kanban(db, sizes, ctx, rows):
    import peer_helpdesk as peer

    office_id, team_id = ctx["office_id"], ctx["team_id"]
    repeat = sizes.get("repeat", 5)
    # 2. kanban first page with grouped counts, whole register and one office
    with common.odoo_env(db) as env:
        ours_spec = peer.kanban_spec(env, "emowaten.request")
        peer_spec = peer.kanban_spec(env, "helpdesk.ticket")
        for label, ours_dom, peer_dom, where, params in (
            ("whole register", [], [], "TRUE", []),
            (
                "one office (the largest)",
                [("office_id", "=", office_id)],
                [("team_id", "=", team_id)],
                "r.office_id = %s",
                [office_id],
            ),
        ):
            t_ours, m_ours = common.repeat(
                lambda d=ours_dom: (
                    env.invalidate_all(),
                    peer.kanban_first_page(env, "emowaten.request", d, ours_spec),
                ),
                times=repeat,
            )
            t_peer, m_peer = common.repeat(
                lambda d=peer_dom: (
                    env.invalidate_all(),
                    peer.kanban_first_page(env, "helpdesk.ticket", d, peer_spec),
                ),
                times=repeat,
            )
            t_sql, m_sql = common.repeat(
                lambda w=where, p=params: floor_postgres.kanban_sql_floor(env.cr, w, p),
                times=repeat,
            )
            rows.append(
                Row(
                    f"kanban first page + grouped counts, {label}",
                    t_ours * 1000,
                    t_peer * 1000,
                    "helpdesk_mgmt",
                    "ms",
                    "lower",
                    max(m_ours, m_peer),
                    "target ≤ 1×",
                )
            )
            rows.append(
                Row(
                    f"kanban first page, {label}: ORM vs plain SQL",
                    t_ours * 1000,
                    t_sql * 1000,
                    "SQL",
                    "ms",
                    "lower",
                    m_sql,
                    "floor",
                )
            )


def measure_search(db, sizes, ctx, rows):
    import peer_helpdesk as peer

    with common.odoo_env(db) as env:
        # 3. search by reference, as each search view does it
        env.cr.execute(
            "SELECT name, access_token FROM emowaten_request "
            "TABLESAMPLE SYSTEM (5) LIMIT %s",
            [sizes["searches"]],
        )
        refs = [r[0] for r in env.cr.fetchall()]
        env.cr.execute(
            "SELECT number FROM helpdesk_ticket TABLESAMPLE SYSTEM (5) LIMIT %s",
            [sizes["searches"]],
        )
        numbers = [r[0] for r in env.cr.fetchall()]
        Request = env["emowaten.request"]

        def search_ours(refs=refs):
            for ref in refs:
                Request.search_fetch(
                    ["|", ("name", "=ilike", ref + "%"), ("access_token", "=", ref)],
                    ["name"],
                    limit=80,
                )

        def search_peer(numbers=numbers):
            for number in numbers:
                peer.search_reference(env, number)

        # one warm-up search, then one pass over the sample: the peer's number search
        # scans the whole ticket table (no index serves ILIKE '%...%' on it)
        search_ours(refs[:1])
        search_peer(numbers[:1])
        t_ours, m_ours = common.repeat(search_ours, times=1, warmup=0)
        t_peer, m_peer = common.repeat(search_peer, times=1, warmup=0)
        rows.append(
            Row(
                "search by reference (search view filter), per search",
                t_ours * 1000 / max(1, len(refs)),
                t_peer * 1000 / max(1, len(numbers)),
                "helpdesk_mgmt",
                "ms",
                "lower",
                max(m_ours, m_peer),
                note=f"{len(refs)} references / {len(numbers)} numbers sampled",
            )
        )


def measure_escalation(db, sizes, ctx, rows):
    import peer_helpdesk as peer

    # 4. escalation cron vs the peer's SLA recomputation
    with common.odoo_env(db) as env:
        env.cr.execute(
            "SELECT count(*) FROM emowaten_request WHERE state IN %s "
            "AND date_deadline <= current_date + 5 AND escalation_level = 0",
            [OPEN_STATES],
        )
        backlog = env.cr.fetchone()[0]
    with common.odoo_env(db) as env, common.Measure() as ours:
        env["emowaten.request"]._cron_escalate()
    with common.odoo_env(db) as env:
        env.cr.execute(
            "SELECT count(*) FROM mail_activity WHERE res_model = 'emowaten.request'"
        )
        activities = env.cr.fetchone()[0]
    with common.odoo_env(db) as env, common.Measure() as theirs:
        n_sla = peer.sla_run(env)
    per_ours = ours.seconds * 1000 / max(1, backlog)
    per_peer = theirs.seconds * 1000 / max(1, n_sla)
    rows.append(
        Row(
            "escalation cron vs peer SLA recomputation, per file",
            per_ours,
            per_peer,
            "helpdesk_mgmt_sla",
            "ms",
            "lower",
            max(ours.peak_mb, theirs.peak_mb),
            note=f"ours {backlog:,} files ({activities:,} activities) in "
            f"{ours.seconds:.2f} s; peer {n_sla:,} SLA lines in {theirs.seconds:.2f} s",
        )
    )


# --------------------------------------------------------------- child scripts
def run_script(path, args, timeout):
    cmd = [str(common.VENV_PY), str(path), *args]
    common.log("$", " ".join(cmd))
    rc, out, seconds, peak = common.run_child(cmd, timeout=timeout)
    return rc, out, seconds, peak


def floors_and_addons(db, quick, rows, raw):
    """floor_*.py (bare tools) and bench_*.py (e-Mowaten), paired when both ran."""
    timeout = 900 if quick else 3600
    results = {}
    for path in sorted(common.BENCH.glob("floor_*.py")):
        if path.stem == "floor_postgres":  # measured in-process by measure_core
            continue
        args = ["--db", db] + (["--quick"] if quick else [])
        rc, out, seconds, peak = run_script(path, args, timeout)
        raw[path.name] = (rc, out, seconds, peak)
        results[path.stem] = (rc, out, peak)
    for name in ADDON_SCRIPTS:
        path = common.BENCH / name
        if not path.exists():
            raw[name] = None
            continue
        args = ["--quick"] if quick else []
        rc, out, seconds, peak = run_script(path, args, timeout)
        if rc and args and "unrecognized arguments: --quick" in out:
            # a script without a quick mode runs at its own size
            rc, out, seconds, peak = run_script(path, [], timeout)
            out = "(no --quick option: ran at its default size)\n" + out
        raw[name] = (rc, out, seconds, peak)
        results[path.stem] = (rc, out, peak)
    for spec in PAIRS:
        rows.append(pair_row(spec, results))
    paired = {spec[3] for spec in PAIRS}
    for name in ADDON_SCRIPTS:
        stem = name[:-3]
        if stem in paired:
            continue
        item = raw.get(name)
        if item is None:
            rows.append(Row(f"{name} (its own figures)", note="not available"))
            continue
        rc, _out, seconds, peak = item
        rows.append(
            Row(
                f"{name} (its own figures in latest.md)",
                seconds,
                unit="s",
                peak_mb=peak,
                note="ran" if rc == 0 else f"failed (exit {rc})",
            )
        )


# how to read each script's output: (row label, unit, better, e-Mowaten script,
# e-Mowaten regexes, regexes of a floor the script measured itself on its own workload,
# our floor script, its regexes, floor name). A floor printed by the addon's script is
# preferred: it ran on exactly the same workload.
PAIRS = [
    (
        "OCR one page: e-Mowaten scan vs tesseract command",
        "s/page",
        "lower",
        "bench_scan",
        [
            r"pipeline[^\n]*?([0-9.]+)\s*s\s*/\s*page",
            r"e-?mowaten[^\n]*?([0-9.]+)\s*s\s*/\s*page",
            r"e-?mowaten[^\n]*?([0-9.]+)\s*pages?\s*/\s*min",
        ],
        [
            r"tesseract[^\n]*?([0-9.]+)\s*s\s*/\s*page",
            r"tesseract[^\n]*?([0-9.]+)\s*pages?\s*/\s*min",
        ],
        "floor_tesseract",
        [r"tesseract:\s*([0-9.]+)\s*s/page"],
        "tesseract",
    ),
    (
        "sign one answer: e-Mowaten vs bare pyhanko",
        "s/signature",
        "lower",
        "bench_signature",
        [
            r"e-?mowaten\s+([0-9.]+)\s*s\b",
            r"e-?mowaten[^\n]*?([0-9.]+)\s*s\s*/\s*sig",
            r"e-?mowaten[^\n]*?([0-9.]+)\s*ms\s*/\s*sig",
        ],
        [
            r"bare pyhanko\s+([0-9.]+)\s*s\b",
            r"pyhanko[^\n]*?([0-9.]+)\s*s\s*/\s*sig",
            r"pyhanko[^\n]*?([0-9.]+)\s*ms\s*/\s*sig",
        ],
        "floor_pyhanko",
        [r"pyhanko:\s*([0-9.]+)\s*s/signature"],
        "bare pyhanko",
    ),
    (
        "yearly XLSX report: e-Mowaten vs bare xlsxwriter",
        "s",
        "lower",
        "bench_reporting",
        [r"e-?mowaten[^\n]*?:\s*([0-9.]+)\s*s\b"],
        [r"bare xlsxwriter:\s*([0-9.]+)\s*s\b"],
        "floor_xlsxwriter",
        [r"xlsxwriter:\s*([0-9.]+)\s*s\b"],
        "bare xlsxwriter",
    ),
    (
        "monthly hosting measurement: e-Mowaten vs the same SQL via psycopg2",
        "s",
        "lower",
        "bench_hosting",
        [r"measure \(hook SQL[^\n]*?:\s*([0-9.]+)\s*s"],
        [r"floor \(same SQL through psycopg2\):\s*([0-9.]+)\s*s"],
        None,
        [],
        "psycopg2",
    ),
]


def _first(text, patterns):
    """The first number matched by one of ``patterns``, in seconds when the pattern
    reads pages per minute or milliseconds."""
    for pat in patterns:
        value = common.find_number(text, pat)
        if value is None:
            continue
        if "min" in pat and value:
            return 60.0 / value
        if "ms" in pat:
            return value / 1000.0
        return value
    return None


def pair_row(spec, results):
    label, unit, better, src, ours_pats, own_floor_pats, floor_src, floor_pats, name = (
        spec
    )
    ours = floor = peak = None
    note = []
    if src not in results:
        note.append(f"{src}.py not available")
    elif results[src][0] != 0:
        note.append(f"{src}.py failed (exit {results[src][0]}), see latest.md")
    else:
        out, peak = results[src][1], results[src][2]
        ours = _first(out, ours_pats)
        if ours is None:
            note.append(f"{src}.py ran; its figure was not recognised, see latest.md")
        floor = _first(out, own_floor_pats)
        if floor is not None:
            note.append(f"floor measured by {src}.py on the same workload")
    if floor is None and floor_src in results and results[floor_src][0] == 0:
        floor = _first(results[floor_src][1], floor_pats)
        peak = max(peak or 0, results[floor_src][2] or 0) or None
        note.append(f"floor by {floor_src}.py")
    return Row(label, ours, floor, name, unit, better, peak, "floor", "; ".join(note))


# ------------------------------------------------------------------------ main
def main(argv=None):
    common.ensure_venv()
    parser = argparse.ArgumentParser(
        description="e-Mowaten benchmark suite",
        formatter_class=argparse.RawTextHelpFormatter,
    )
    parser.add_argument("--quick", action="store_true", help="20,000 requests, minutes")
    parser.add_argument(
        "--db", default=None, help="database name (default h_bench[_quick])"
    )
    parser.add_argument("--requests", type=int, help="override the number of requests")
    parser.add_argument("--creates", type=int, help="override the ORM creations")
    parser.add_argument("--searches", type=int, help="references searched per side")
    parser.add_argument("--repeat", type=int, help="runs per kanban figure (median)")
    parser.add_argument(
        "--installed",
        action="store_true",
        help="the database exists with the addons installed and no data: fill it",
    )
    parser.add_argument(
        "--reuse", action="store_true", help="measure an already generated database"
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the database afterwards"
    )
    parser.add_argument(
        "--no-scripts", action="store_true", help="skip floor_/bench_ scripts"
    )
    args = parser.parse_args(argv)
    sizes = dict(QUICK if args.quick else FULL)
    if args.requests:
        sizes["requests"] = args.requests
    if args.creates:
        sizes["creates"] = args.creates
    if args.searches:
        sizes["searches"] = args.searches
    if args.repeat:
        sizes["repeat"] = args.repeat
    db = args.db or ("h_bench_quick" if args.quick else "h_bench")
    common.OUT.mkdir(exist_ok=True)
    started = datetime.now(UTC)
    meta = common.machine()
    rows, raw = [], {}
    t_all = time.perf_counter()

    if not args.reuse:
        if not args.installed:
            addons = common.our_addons() + list(common.PEER_ADDONS)
            seconds = common.create_db(db, addons, common.OUT / f"{db}-install.log")
            rows.append(
                Row("create the database (all addons + peer)", seconds, unit="s")
            )
        rc, out, seconds, peak = run_script(
            common.BENCH / "generate.py",
            ["--db", db, "--requests", str(sizes["requests"])],
            None,
        )
        raw["generate.py"] = (rc, out, seconds, peak)
        if rc:
            print(out)
            raise SystemExit("generate.py failed")
        rows.append(
            Row(
                f"generate {sizes['requests']:,} requests, 3 attachments each (SQL)",
                common.find_number(out, r"requests in ([0-9.]+) s") or seconds,
                unit="s",
                peak_mb=peak,
                note=gen_note(out),
            )
        )
        rc, out, seconds, peak = run_script(
            common.BENCH / "peer_helpdesk.py", ["--db", db, "fill"], None
        )
        raw["peer_helpdesk.py fill"] = (rc, out, seconds, peak)
        if rc:
            print(out)
            raise SystemExit("peer_helpdesk.py fill failed")
        rows.append(
            Row(
                "fill the peer with as many tickets (SQL)",
                common.find_number(out, r"tickets in ([0-9.]+) s") or seconds,
                unit="s",
                peak_mb=peak,
            )
        )

    volume = measure_core(db, sizes, rows)
    # the in-process rows survive a run stopped later, in the scripts
    partial = common.markdown(rows, "e-Mowaten benchmark — in-process rows", meta)
    (common.OUT / "latest-partial.md").write_text(partial)
    common.print_table(rows)
    if not args.no_scripts:
        floors_and_addons(db, args.quick, rows, raw)

    meta = {
        "run": f"{started:%Y-%m-%d %H:%M} UTC, "
        + ("--quick" if args.quick else "default sizes")
        + (f", reusing {db}" if args.reuse else "")
        + f", {time.perf_counter() - t_all:,.0f} s in all",
        "data": volume,
        **meta,
    }
    print()
    for key, value in meta.items():
        print(f"{key}: {value}")
    print()
    common.print_table(rows)
    md = common.markdown(rows, "e-Mowaten benchmark — latest run", meta)
    md += raw_section(raw)
    name = "latest.md"
    (common.OUT / name).write_text(md)
    if not args.reuse:
        kept = "latest-quick.md" if args.quick else "latest-full.md"
        (common.OUT / kept).write_text(md)
    print(f"\nwritten to {common.OUT / name}")
    if not args.keep and not args.reuse:
        common.drop_db(db)


def gen_note(out):
    parts = re.findall(r"^\s+(\w[\w ()]+?)\s+([0-9.]+) s$", out, re.MULTILINE)
    return ", ".join(f"{k.strip()} {float(v):.0f} s" for k, v in parts if k != "total")


def raw_section(raw):
    md = ["", "## Output of the scripts", ""]
    for name, item in raw.items():
        if item is None:
            md.append(f"- `{name}`: not available (not in benchmarks/ yet)")
            continue
        rc, out, seconds, peak = item
        tail = "\n".join(out.strip().splitlines()[-25:])
        md += [
            f"### `{name}` — exit {rc}, {seconds:.1f} s, peak "
            + ("?" if peak is None else f"{peak:,.0f} MB"),
            "",
            "```",
            tail,
            "```",
            "",
        ]
    return "\n".join(md) + "\n"


if __name__ == "__main__":
    main()
