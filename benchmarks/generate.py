"""Fill a throw-away e-Mowaten database with national-volume data.

Default scale (issue 9): 1,000,000 requests over ten years, the 24 governorates, about
300 public bodies each with its Citizen Relations Office, 400,000 citizens, 3,000,000
attachment rows and one chatter message per request. ``--quick`` is 20,000 requests;
``--scale 0.1`` is a tenth of the national volume.

How it loads:

* reference data (bodies, offices with their gapless reference sequences and e-mail
  aliases, one manager per office) through the ORM, batched, since there are a few
  hundred of them and their side effects (sequences, aliases, members) must be real;
* everything counted in hundreds of thousands by set-based SQL (``INSERT ... SELECT
  generate_series``), into the tables and columns the ORM created — the columns are read
  from the database, and a required column the generator does not know stops it with its
  name rather than loading something the ORM could not read back;
* references follow the real format, ``<office prefix>-<year>-<6 digits>``, gapless per
  office and year; the office's sequence of the current year is moved past the last
  generated number, so ORM registrations continue the series;
* attachments: ``ir_attachment`` rows with realistic names, mimetypes and ``file_size``
  (scanned letters 150 KB-2 MB, identity-card photos, supporting PDFs, answer letters),
  all pointing (``store_fname``) to four small shared files written in the database's
  filestore; ``db_datas`` is NULL. Sizes are therefore realistic for every SQL sum
  (hosting usage) while the disk holds a few kilobytes.

Usage::

    python benchmarks/generate.py --db h_bench [--quick | --scale 0.1 | --requests N]
"""

import argparse
import contextlib
import hashlib
import random
import re
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402

FULL_REQUESTS = 1_000_000
QUICK_REQUESTS = 20_000
YEARS = 10
TARGET_BODIES = 300
CITIZENS_PER_REQUEST = 0.4
ATTACHMENTS_PER_REQUEST = 3

SUBJECTS_AR = [
    "طلب الحصول على مضمون ولادة",
    "تشكي من انقطاع الماء الصالح للشرب",
    "تأخر في صرف منحة العائلات المعوزة",
    "طلب ترسيم في الوظيفة العمومية",
    "تشكي من الإنارة العمومية بالحي",
    "طلب إرشاد حول إجراءات رخصة البناء",
    "تظلم من قرار إداري يتعلق بالضريبة",
    "طلب ربط بشبكة التطهير",
    "تشكي من حالة الطريق المؤدية إلى المدرسة",
    "طلب تسوية وضعية عقارية",
    "استفسار حول بطاقة العلاج المجاني",
    "تشكي من تأخر الرد على مطلب سابق",
    "مقترح لتحسين خدمات البلدية",
    "تبليغ عن بناء فوضوي على الملك العمومي",
]
SUBJECTS_FR = [
    "Demande d'extrait de naissance",
    "Réclamation : coupure d'eau potable",
    "Retard de versement de l'aide aux familles nécessiteuses",
    "Demande de titularisation",
    "Éclairage public en panne dans le quartier",
    "Renseignement sur le permis de bâtir",
    "Recours contre une décision fiscale",
    "Raccordement au réseau d'assainissement",
    "État de la route menant à l'école",
    "Régularisation d'une situation foncière",
    "Question sur la carte de soins gratuits",
    "Absence de réponse à une demande antérieure",
]
TEXT_AR = [
    "أتقدم إلى سيادتكم بهذا المطلب راجيا التدخل العاجل لحل هذا الإشكال.",
    "وقد سبق لي أن تقدمت بمطلب في الغرض دون أن أتلقى أي رد.",
    "مع العلم أن الوضعية تتكرر منذ عدة أشهر وتضر بمصالح المتساكنين.",
    "وتجدون صحبة هذا نسخة من بطاقة التعريف الوطنية والوثائق المؤيدة.",
    "وفي انتظار ردكم تقبلوا فائق عبارات الاحترام والتقدير.",
]
TEXT_FR = [
    "J'ai l'honneur de solliciter votre intervention pour régler ce problème.",
    "Une demande a déjà été déposée à ce sujet, restée sans réponse.",
    "La situation dure depuis plusieurs mois et pénalise les habitants.",
    "Vous trouverez ci-joint la copie de ma CIN et les pièces justificatives.",
    "Veuillez agréer l'expression de mes salutations distinguées.",
]
FIRST_AR = [
    "محمد",
    "أحمد",
    "فاطمة",
    "سنية",
    "علي",
    "مريم",
    "يوسف",
    "هدى",
    "سامي",
    "نادية",
]
LAST_AR = ["بن علي", "الطرابلسي", "الجبالي", "الغنوشي", "الماجري", "العياري", "الزواري"]
FIRST_FR = [
    "Mohamed",
    "Ahmed",
    "Fatma",
    "Sonia",
    "Ali",
    "Meriem",
    "Youssef",
    "Houda",
    "Sami",
]
LAST_FR = ["Ben Ali", "Trabelsi", "Jebali", "Ghannouchi", "Mejri", "Ayari", "Zouari"]

# (code, share) — petitions dominate, then guidance requests
TYPE_MIX = [
    ("petition", 0.55),
    ("guidance", 0.30),
    ("suggestion", 0.07),
    ("notice", 0.06),
    ("corruption", 0.02),
]
CHANNEL_MIX = [
    ("portal", 0.40),
    ("counter", 0.20),
    ("post", 0.15),
    ("email", 0.10),
    ("phone", 0.08),
    ("mobile", 0.07),
]
# closed files (older than their deadline plus a month)
DONE_MIX = [
    ("answered", 0.55),
    ("closed", 0.30),
    ("inadmissible", 0.08),
    ("withdrawn", 0.04),
    ("study", 0.03),  # stale: deadline long passed, implicit refusal recorded
]
# recent files
OPEN_MIX = [
    ("registered", 0.15),
    ("screening", 0.10),
    ("routed", 0.25),
    ("study", 0.30),
    ("answer_drafted", 0.08),
    ("to_sign", 0.05),
    ("answered", 0.07),
]
OPEN_STATES = (
    "registered",
    "screening",
    "routed",
    "study",
    "answer_drafted",
    "to_sign",
)
# (kind, name pattern, mimetype, min bytes, max bytes, share)
ATTACHMENT_KINDS = [
    ("letter", "courrier_scanne_{}.pdf", "application/pdf", 150_000, 2_000_000, 0.35),
    ("cin", "cin_{}.jpg", "image/jpeg", 80_000, 400_000, 0.25),
    ("proof", "piece_justificative_{}.pdf", "application/pdf", 40_000, 900_000, 0.25),
    ("answer", "reponse_{}.pdf", "application/pdf", 30_000, 120_000, 0.15),
]
ESCALATION_BACKLOG_DAYS = 15  # deadlines of the last days not yet seen by the cron


def cumulative_case(expr, mix):
    """SQL CASE picking a value of ``mix`` [(value, share)] from uniform ``expr``."""
    parts, acc = [], 0.0
    for value, share in mix[:-1]:
        acc += share
        parts.append(f"WHEN {expr} < {acc:.4f} THEN '{value}'")
    return f"(CASE {' '.join(parts)} ELSE '{mix[-1][0]}' END)"


def sql_array(values):
    return "ARRAY[" + ",".join(quote(v) for v in values) + "]::text[]"


def quote(value):
    return "'" + str(value).replace("'", "''") + "'"


# ------------------------------------------------------------------ schema helpers
def columns(cr, table):
    cr.execute(
        "SELECT column_name, is_nullable = 'NO', column_default IS NOT NULL "
        "FROM information_schema.columns WHERE table_name = %s",
        [table],
    )
    return {
        name: (notnull, has_default) for name, notnull, has_default in cr.fetchall()
    }


def insert_select(cr, table, exprs, from_sql, params=None):
    """``INSERT INTO table (cols) SELECT exprs FROM ...`` for the known columns that
    exist; refuse when a NOT NULL column without default is not provided."""
    cols = columns(cr, table)
    if not cols:
        raise SystemExit(f"table {table} does not exist: is the addon installed?")
    missing = [
        name
        for name, (notnull, has_default) in cols.items()
        if notnull and not has_default and name not in exprs
    ]
    if missing:
        raise SystemExit(
            f"generate.py does not know the required column(s) {missing} of {table}: "
            "the schema changed, teach the generator"
        )
    used = [name for name in exprs if name in cols]
    sql = (
        f"INSERT INTO {table} ({', '.join(used)}) "
        f"SELECT {', '.join(exprs[name] for name in used)} {from_sql}"
    )
    start = time.perf_counter()
    if params:
        cr.execute(re.sub(r"%(?!\()", "%%", sql), params)
    else:
        cr.execute(sql)
    common.log(
        f"  {table}: {cr.rowcount:,} rows in {time.perf_counter() - start:.1f} s"
    )
    return cr.rowcount


@contextlib.contextmanager
def bulk_load(cr, *tables):
    """Drop the secondary (non-unique) indexes and the foreign keys of ``tables`` for
    the load, and create them again afterwards from their own definitions, as
    pg_restore does: one index build or one validating join is far cheaper than a
    million incremental index inserts (above all into GIN trigram indexes) and a
    million foreign-key probes. Unique indexes and primary keys stay."""
    cr.execute(
        "SELECT c.relname, i.relname, pg_get_indexdef(x.indexrelid) "
        "FROM pg_index x JOIN pg_class c ON c.oid = x.indrelid "
        "JOIN pg_class i ON i.oid = x.indexrelid "
        "WHERE c.relname = ANY(%s) AND NOT x.indisunique AND NOT x.indisprimary",
        [list(tables)],
    )
    indexes = cr.fetchall()
    cr.execute(
        "SELECT c.relname, k.conname, pg_get_constraintdef(k.oid) "
        "FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid "
        "WHERE c.relname = ANY(%s) AND k.contype = 'f'",
        [list(tables)],
    )
    foreign_keys = cr.fetchall()
    for table, name, _definition in foreign_keys:
        cr.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
    for _table, name, _definition in indexes:
        cr.execute(f'DROP INDEX "{name}"')
    try:
        yield
    finally:
        start = time.perf_counter()
        cr.execute("SET maintenance_work_mem TO '512MB'")
        for _table, _name, definition in indexes:
            cr.execute(definition)
        for table, name, definition in foreign_keys:
            cr.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
        common.log(
            f"  {len(indexes)} indexes and {len(foreign_keys)} foreign keys of "
            f"{', '.join(tables)} rebuilt in {time.perf_counter() - start:.1f} s"
        )


# ------------------------------------------------------------------ ORM part
def make_reference_data(env, n_bodies):
    """Bodies up to ``n_bodies``, one office per body, one manager per office, and
    the request types and stages if the petitions addon did not ship them."""
    Body = env["emowaten.body"].with_context(
        tracking_disable=True, mail_create_nolog=True
    )
    Office = env["emowaten.office"].with_context(
        tracking_disable=True, mail_create_nolog=True
    )
    tn = env.ref("base.tn")
    states = env["res.country.state"].search([("country_id", "=", tn.id)], order="code")
    bodies = Body.search([])
    governorate_bodies = bodies.filtered(lambda b: b.body_type == "governorate")
    missing = n_bodies - len(bodies)
    if missing > 0:
        vals = []
        parents = governorate_bodies or bodies[:1]
        for i in range(missing):
            parent = parents[i % len(parents)] if parents else Body
            kind = ("municipality", "delegation", "epa", "enterprise")[i % 4]
            label = {
                "municipality": ("Municipalité", "بلدية"),
                "delegation": ("Délégation", "معتمدية"),
                "epa": ("Établissement public", "مؤسسة عمومية"),
                "enterprise": ("Entreprise publique", "منشأة عمومية"),
            }[kind]
            vals.append(
                {
                    "name": f"{label[0]} {i + 1:03d}",
                    "name_fr": f"{label[0]} {i + 1:03d}",
                    "name_ar": f"{label[1]} {i + 1:03d}",
                    "code": f"BENCH-{kind[:3].upper()}-{i + 1:03d}",
                    "body_type": kind,
                    "parent_id": parent.id if parent else False,
                    "state_id": (parent.state_id or states[i % len(states)]).id,
                }
            )
        vals = [{k: v for k, v in row.items() if k in Body._fields} for row in vals]
        bodies |= Body.create(vals)
    have_office = Office.search([]).body_id
    kinds = dict(Office._fields["kind"].selection)
    office_vals = []
    for n, body in enumerate(bodies - have_office):
        kind = {
            "ministry": "ministry",
            "governorate": "governorate",
            "municipality": "municipality",
        }.get(body.body_type, "establishment")
        if kind not in kinds:
            kind = next(iter(kinds))
        office_vals.append(
            {
                "name": f"BRC {body.name}"[:120],
                "code": f"BRC{body.id:04d}",
                "reference_prefix": f"B{n:03d}",
                "kind": kind,
                "body_id": body.id,
                "state_id": body.state_id.id,
            }
        )
    office_vals = [
        {k: v for k, v in row.items() if k in Office._fields} for row in office_vals
    ]
    if office_vals:
        Office.create(office_vals)
    offices = Office.search([])
    # one manager per office (escalation targets, assignees)
    manager_group = env.ref(
        "emowaten_base.group_emowaten_manager", raise_if_not_found=False
    )
    Users = env["res.users"].with_context(no_reset_password=True, tracking_disable=True)
    existing = set(
        Users.search([("login", "=like", "bench.manager.%")]).mapped("login")
    )
    user_vals = [
        {
            "name": f"Manager {office.code}",
            "login": f"bench.manager.{office.id}",
            "group_ids": [(4, manager_group.id)] if manager_group else [],
        }
        for office in offices
        if f"bench.manager.{office.id}" not in existing
    ]
    if user_vals and "group_ids" not in Users._fields:
        for vals in user_vals:
            vals["groups_id"] = vals.pop("group_ids")
    users = Users.create(user_vals) if user_vals else Users
    if users and "emowaten.office.member" in env:
        Member = env["emowaten.office.member"]
        by_login = {u.login: u for u in users}
        member_vals = []
        for office in offices:
            user = by_login.get(f"bench.manager.{office.id}")
            if user:
                member_vals.append(
                    {"office_id": office.id, "user_id": user.id, "role": "manager"}
                )
        Member.create(member_vals)
    env.flush_all()
    return offices


# ------------------------------------------------------------------ SQL part
def write_shared_files(db):
    """Four small files in the filestore of ``db``, shared by every attachment row."""
    import odoo.tools.config

    root = Path(odoo.tools.config.filestore(db)) / "bench"
    root.mkdir(parents=True, exist_ok=True)
    files = {}
    for kind, _pattern, mimetype, *_rest in ATTACHMENT_KINDS:
        content = (
            b"%PDF-1.4\n% e-Mowaten benchmark placeholder\n%%EOF\n"
            if mimetype == "application/pdf"
            else b"\xff\xd8\xff\xe0 e-Mowaten benchmark placeholder \xff\xd9"
        )
        (root / kind).write_bytes(content)
        files[kind] = ("bench/" + kind, hashlib.sha1(content).hexdigest())
    return files


def generate(db, n_requests, years=YEARS, n_bodies=TARGET_BODIES, seed=0.42):
    timings = {}
    t0 = time.perf_counter()
    with common.odoo_env(db) as env:
        common.log("reference data through the ORM ...")
        start = time.perf_counter()
        offices = make_reference_data(env, n_bodies)
        timings["reference data (ORM)"] = time.perf_counter() - start
        from odoo.addons.emowaten_petitions.tools import arabic_normalize

        subjects = [(s, arabic_normalize(s)) for s in SUBJECTS_AR] + [
            (s, arabic_normalize(s)) for s in SUBJECTS_FR
        ]
        types = {
            t.code: (t.id, t.deadline_days, t.deadline_unit, t.confidential)
            for t in env["emowaten.request.type"].search([])
        }
        stages = {}
        for stage in env["emowaten.request.stage"].search([("office_ids", "=", False)]):
            stages.setdefault(stage.state, stage.id)
        levels = [
            (lvl.sequence, lvl.offset_days)
            for lvl in env["emowaten.escalation.level"].search([], order="sequence")
        ]
        langs = env["res.lang"].search([("code", "in", ["ar_001", "fr_FR"])]).mapped(
            "code"
        ) or ["en_US"]
        company_id = env.company.id
        files = write_shared_files(db)
        office_rows = [
            (o.id, o.body_id.id, (o.reference_prefix or o.code or "BRC").upper())
            for o in offices
        ]
        managers = {
            u.login.rsplit(".", 1)[1]: u.id
            for u in env["res.users"].search([("login", "=like", "bench.manager.%")])
        }
        state_ids = (
            env["res.country.state"].search([("country_id.code", "=", "TN")]).ids
        )
    missing_types = [code for code, _share in TYPE_MIX if code not in types]
    if missing_types:
        raise SystemExit(f"request types missing in {db}: {missing_types}")
    missing_stages = [
        s for s in set(OPEN_STATES) | {"answered", "closed"} if s not in stages
    ]
    if missing_stages:
        raise SystemExit(f"request stages missing in {db}: {missing_stages}")

    today = date.today()
    conn = common.pg_connect(db)
    cr = conn.cursor()
    cr.execute("SET synchronous_commit TO off")
    cr.execute("SELECT setseed(%s)", [seed])
    n_citizens = max(100, int(n_requests * CITIZENS_PER_REQUEST))

    # --- helper tables: offices (weighted), citizens' names
    cr.execute(
        "CREATE TEMP TABLE bench_office "
        "(n int, office_id int, body_id int, prefix text, "
        "manager_id int)"
    )
    rng = random.Random(seed)
    rng.shuffle(office_rows)
    cr.executemany(
        "INSERT INTO bench_office VALUES (%s, %s, %s, %s, %s)",
        [
            (n, oid, bid, prefix, managers.get(str(oid)))
            for n, (oid, bid, prefix) in enumerate(office_rows)
        ],
    )
    n_offices = len(office_rows)

    loading = contextlib.ExitStack()
    loading.enter_context(
        bulk_load(
            cr, "res_partner", "emowaten_request", "mail_message", "ir_attachment"
        )
    )
    common.log(f"citizens: {n_citizens:,} ...")
    start = time.perf_counter()
    cr.execute("SELECT COALESCE(max(id), 0) FROM res_partner")
    first_partner = cr.fetchone()[0] + 1
    name_expr = (
        "CASE WHEN i % 3 = 0 "
        f"THEN ({sql_array(FIRST_FR)})[1 + i % {len(FIRST_FR)}] || ' ' || "
        f"({sql_array(LAST_FR)})[1 + (i / 7) % {len(LAST_FR)}] "
        f"ELSE ({sql_array(FIRST_AR)})[1 + i % {len(FIRST_AR)}] || ' ' || "
        f"({sql_array(LAST_AR)})[1 + (i / 7) % {len(LAST_AR)}] END"
    )
    insert_select(
        cr,
        "res_partner",
        {
            "name": name_expr,
            "complete_name": name_expr,
            "type": "'contact'",
            "active": "true",
            "is_company": "false",
            "lang": f"({sql_array(langs)})[1 + i % {len(langs)}]",
            "emowaten_is_citizen": "true",
            # a bijection of i onto 8-digit numbers: unique CINs
            "emowaten_cin": "(10000000 + (i::bigint * 7919) % 90000000)::text",
            "phone": "'+216' || (20000000 + (i::bigint * 104729) % 79999999)::text",
            "email": "CASE WHEN i % 4 = 0 THEN 'citoyen' || i || '@example.tn' END",
            "state_id": f"(ARRAY{state_ids}::int[])[1 + i % {len(state_ids)}]",
            "country_id": "(SELECT id FROM res_country WHERE code = 'TN')",
            "emowaten_consent": "true",
            "create_date": "now() at time zone 'UTC'",
            "write_date": "now() at time zone 'UTC'",
            "create_uid": "1",
            "write_uid": "1",
        },
        f"FROM generate_series(1, {n_citizens}) AS i",
    )
    cr.execute(
        "UPDATE res_partner SET commercial_partner_id = id WHERE id >= %s",
        [first_partner],
    )
    timings["citizens (SQL)"] = time.perf_counter() - start

    # --- requests: a source table with the random draws, then one INSERT ... SELECT
    common.log(f"requests: {n_requests:,} over {years} years ...")
    start = time.perf_counter()
    type_case = cumulative_case("r_type", TYPE_MIX)
    span_days = 365 * years
    cr.execute(
        f"""
        CREATE UNLOGGED TABLE bench_request_src AS
        SELECT i, o.office_id, o.body_id, o.prefix, o.manager_id,
               {first_partner} + (random() * {n_citizens - 1})::int AS partner_id,
               ts, {type_case} AS type_code,
               {cumulative_case("r_channel", CHANNEL_MIX)} AS channel,
               r_state, r_subject, r_misc
        FROM (
            SELECT i,
                   -- offices are unequal: a few governorates and ministries get most
                   floor({n_offices} * power(random(), 2))::int AS office_n,
                   -- more traffic in recent years (growth), office hours of the day
                   (now() at time zone 'UTC')
                     - make_interval(
                         days => floor({span_days} * (1 - sqrt(random())))::int)
                     - make_interval(
                         hours => (random() * 9)::int, mins => (random() * 59)::int)
                     AS ts,
                   random() AS r_type, random() AS r_channel, random() AS r_state,
                   random() AS r_subject, random() AS r_misc
            FROM generate_series(1, {n_requests}) AS i
        ) src
        JOIN bench_office o ON o.n = src.office_n
        """
    )
    type_id_case = (
        "(CASE "
        + " ".join(
            f"WHEN type_code = '{code}' THEN {tid}"
            for code, (tid, *_r) in types.items()
        )
        + " END)"
    )
    days_case = (
        "(CASE "
        + " ".join(
            f"WHEN type_code = '{code}' THEN {d}"
            for code, (_t, d, _u, _c) in types.items()
        )
        + " END)"
    )
    unit_case = (
        "(CASE "
        + " ".join(
            f"WHEN type_code = '{code}' THEN '{u}'"
            for code, (_t, _d, u, _c) in types.items()
        )
        + " END)"
    )
    conf_case = (
        "(CASE "
        + " ".join(
            f"WHEN type_code = '{code}' THEN {str(c).lower()}"
            for code, (_t, _d, _u, c) in types.items()
        )
        + " END)"
    )
    # working days: about 7 calendar days for 5 working days, ignoring holidays
    cr.execute(
        f"""
        ALTER TABLE bench_request_src ADD COLUMN deadline date, ADD COLUMN state text;
        UPDATE bench_request_src SET deadline = ts::date
            + CASE WHEN {unit_case} = 'working'
            THEN ceil({days_case} * 1.4)::int ELSE {days_case} END;
        UPDATE bench_request_src SET state = CASE
            WHEN deadline + 30 < %(today)s THEN {cumulative_case("r_state", DONE_MIX)}
            ELSE {cumulative_case("r_state", OPEN_MIX)} END;
        """,
        {"today": today},
    )
    stage_case = (
        "(CASE "
        + " ".join(
            f"WHEN s.state = '{state}' THEN {sid}" for state, sid in stages.items()
        )
        + " END)"
    )
    # escalation level already applied: the highest level whose day has passed, except
    # for the last days' deadlines, which the next cron run has to process
    level_case = "0"
    if levels:
        level_case = (
            "(CASE WHEN s.deadline >= %(backlog)s THEN 0 "
            + " ".join(
                f"WHEN s.deadline + {offset} <= %(today)s THEN {seq}"
                for seq, offset in sorted(levels, reverse=True)
            )
            + " ELSE 0 END)"
        )
    n_subjects = len(subjects)
    subj_array = sql_array([s for s, _n in subjects])
    norm_array = sql_array([n for _s, n in subjects])
    n_ar = len(SUBJECTS_AR)
    open_list = ",".join(quote(s) for s in OPEN_STATES)
    done_list = "'answered','closed','inadmissible','withdrawn'"
    subj_idx = f"1 + floor(s.r_subject * {n_subjects})::int"
    insert_select(
        cr,
        "emowaten_request",
        {
            "name": "s.prefix || '-' || extract(year FROM s.ts)::int || '-' || "
            "lpad(row_number() OVER (PARTITION BY s.office_id, extract(year FROM s.ts) "
            "ORDER BY s.ts, s.i)::text, 6, '0')",
            "access_token": "upper(substr(md5(s.i::text || 'trk'), 1, 4) || '-' || "
            "substr(md5(s.i::text || 'trk'), 5, 4) || '-' || "
            "substr(md5(s.i::text || 'trk'), 9, 4) || '-' || "
            "substr(md5(s.i::text || 'trk'), 13, 4))",
            "office_id": "s.office_id",
            "body_id": "CASE WHEN s.state NOT IN ('registered','screening') "
            "THEN s.body_id END",
            "partner_id": "s.partner_id",
            "type_id": type_id_case.replace("type_code", "s.type_code"),
            "confidential": conf_case.replace("type_code", "s.type_code"),
            "channel": "s.channel",
            "subject": f"({subj_array})[{subj_idx}]",
            "subject_normalized": f"({norm_array})[{subj_idx}]",
            "description": f"CASE WHEN {subj_idx} <= {n_ar} THEN "
            f"({sql_array(TEXT_AR)})[1 + s.i % {len(TEXT_AR)}] || ' ' || "
            f"({sql_array(TEXT_AR)})[1 + (s.i / 5) % {len(TEXT_AR)}] ELSE "
            f"({sql_array(TEXT_FR)})[1 + s.i % {len(TEXT_FR)}] || ' ' || "
            f"({sql_array(TEXT_FR)})[1 + (s.i / 5) % {len(TEXT_FR)}] END",
            "state_id": "p.state_id",
            "stage_id": stage_case,
            "state": "s.state",
            "priority": "CASE WHEN s.r_misc < 0.05 THEN '1' ELSE '0' END",
            "color": "0",
            "user_id": f"CASE WHEN s.state IN ({open_list}) AND s.r_misc < 0.7 "
            "THEN s.manager_id END",
            "registration_date": "s.ts",
            "deadline_days": days_case.replace("type_code", "s.type_code"),
            "deadline_unit": unit_case.replace("type_code", "s.type_code"),
            "deadline_start_date": "s.ts::date",
            "date_deadline": "s.deadline",
            "deadline_suspended": "false",
            "implicit_refusal": f"s.state IN ({open_list}) AND s.deadline < %(today)s",
            "implicit_refusal_date": f"CASE WHEN s.state IN ({open_list}) "
            "AND s.deadline < %(today)s THEN s.deadline + 1 END",
            "escalation_level": f"CASE WHEN s.state IN ({open_list}) THEN {level_case} "
            "ELSE 0 END",
            "transfer_count": "CASE WHEN s.r_misc > 0.97 THEN 1 ELSE 0 END",
            "rating": "CASE WHEN s.state IN ('answered','closed') AND s.r_misc < 0.2 "
            "THEN 1 + floor(s.r_misc * 25)::int END",
            "close_date": f"CASE WHEN s.state IN ({done_list}) THEN s.ts + "
            "make_interval(days => floor(s.r_misc * 45)::int) END",
            "create_date": "s.ts",
            "write_date": "s.ts",
            "create_uid": "1",
            "write_uid": "1",
        },
        "FROM bench_request_src s JOIN res_partner p ON p.id = s.partner_id "
        "ORDER BY s.ts, s.i",
        {"today": today, "backlog": today - timedelta(days=ESCALATION_BACKLOG_DAYS)},
    )
    timings["requests (SQL)"] = time.perf_counter() - start

    # gapless series continue after the generated numbers
    cr.execute(
        """
        UPDATE ir_sequence seq SET number_next = last.n + 1
        FROM (
            SELECT office_id, extract(year FROM registration_date)::int AS year,
                   count(*) AS n
            FROM emowaten_request WHERE parent_id IS NULL GROUP BY 1, 2
        ) last
        WHERE seq.code = 'emowaten.request.' || last.office_id || '.' || last.year
        """
    )
    common.log(f"  ir_sequence: {cr.rowcount} office sequences moved on")

    common.log("chatter: one creation message per request ...")
    start = time.perf_counter()
    cr.execute("SELECT min(id), max(id) FROM emowaten_request")
    req_min, req_max = cr.fetchone()
    insert_select(
        cr,
        "mail_message",
        {
            "model": "'emowaten.request'",
            "res_id": "r.id",
            "record_name": "r.name",
            "message_type": "'notification'",
            "body": "'<p>Request registered under ' || r.name || '</p>'",
            "subtype_id": "(SELECT res_id FROM ir_model_data "
            "WHERE module = 'mail' AND name = 'mt_note')",
            "author_id": "3",
            "date": "r.registration_date",
            "create_date": "r.registration_date",
            "write_date": "r.registration_date",
            "create_uid": "1",
            "write_uid": "1",
            "reply_to_force_new": "false",
            "is_internal": "false",
        },
        "FROM emowaten_request r WHERE r.id BETWEEN %(lo)s AND %(hi)s",
        {"lo": req_min, "hi": req_max},
    )
    timings["chatter messages (SQL)"] = time.perf_counter() - start

    common.log(f"attachments: {n_requests * ATTACHMENTS_PER_REQUEST:,} ...")
    start = time.perf_counter()
    n_att = insert_attachments(
        cr,
        "emowaten.request",
        "r.registration_date",
        files,
        company_id,
        req_min,
        req_max,
    )
    timings["attachments (SQL)"] = time.perf_counter() - start
    cr.execute("DROP TABLE bench_request_src")
    start = time.perf_counter()
    loading.close()
    timings["index rebuild"] = time.perf_counter() - start
    start = time.perf_counter()
    conn.commit()
    timings["commit"] = time.perf_counter() - start
    start = time.perf_counter()
    conn.autocommit = True
    for table in ("res_partner", "emowaten_request", "mail_message", "ir_attachment"):
        cr.execute(f"VACUUM ANALYZE {table}")
    timings["vacuum analyze"] = time.perf_counter() - start
    conn.close()
    timings["total"] = time.perf_counter() - t0
    counts = {
        "requests": n_requests,
        "citizens": n_citizens,
        "offices": n_offices,
        "attachments": n_att,
    }
    return timings, counts


def insert_attachments(cr, model, date_expr, files, company_id, lo, hi, table=None):
    """``ATTACHMENTS_PER_REQUEST`` attachment rows on average per record of ``model``
    (0 to 6, by a deterministic draw), realistic names and sizes, shared files."""
    table = table or model.replace(".", "_")
    kinds = ATTACHMENT_KINDS
    kind_case = cumulative_case("k.r", [(k[0], k[5]) for k in kinds])
    parts = []
    for kind, pattern, mimetype, lo_size, hi_size, _share in kinds:
        fname, checksum = files[kind]
        parts.append(
            (
                kind,
                pattern.replace("{}", "' || r.id || '"),
                mimetype,
                lo_size,
                hi_size,
                fname,
                checksum,
            )
        )

    def case(idx):
        return (
            "(CASE "
            + " ".join(f"WHEN k.kind = '{p[0]}' THEN {p[idx]}" for p in parts)
            + " END)"
        )

    return insert_select(
        cr,
        "ir_attachment",
        {
            "name": "(CASE "
            + " ".join(f"WHEN k.kind = '{p[0]}' THEN '{p[1]}'" for p in parts)
            + " END)",
            "res_model": quote(model),
            "res_id": "r.id",
            "res_field": "NULL",
            "type": "'binary'",
            "store_fname": "(CASE "
            + " ".join(f"WHEN k.kind = '{p[0]}' THEN '{p[5]}'" for p in parts)
            + " END)",
            "checksum": "(CASE "
            + " ".join(f"WHEN k.kind = '{p[0]}' THEN '{p[6]}'" for p in parts)
            + " END)",
            "mimetype": "(CASE "
            + " ".join(f"WHEN k.kind = '{p[0]}' THEN '{p[2]}'" for p in parts)
            + " END)",
            "file_size": f"({case(3)} + floor(k.r2 * ({case(4)} - {case(3)})))::int",
            "db_datas": "NULL",
            "public": "false",
            "company_id": str(company_id),
            "create_date": date_expr,
            "write_date": date_expr,
            "create_uid": "1",
            "write_uid": "1",
        },
        # 1 to 5 attachments per record, 3 on average; kind drawn per attachment
        f"FROM {table} r "
        "CROSS JOIN LATERAL generate_series(1, 1 + abs(hashtext(r.id::text)) % 5) AS j "
        "CROSS JOIN LATERAL (SELECT x.r, x.r2, "
        f"{kind_case.replace('k.r', 'x.r')} AS kind "
        "FROM (SELECT random() + j * 0 AS r, random() + j * 0 AS r2) x) k "
        "WHERE r.id BETWEEN %(lo)s AND %(hi)s",
        {"lo": lo, "hi": hi},
    )


def main(argv=None):
    common.ensure_venv()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--db", required=True, help="a throw-away database (h_bench...)"
    )
    size = parser.add_mutually_exclusive_group()
    size.add_argument(
        "--quick", action="store_true", help=f"{QUICK_REQUESTS:,} requests"
    )
    size.add_argument("--scale", type=float, help="fraction of 1,000,000 requests")
    size.add_argument("--requests", type=int, help="exact number of requests")
    parser.add_argument("--years", type=int, default=YEARS)
    args = parser.parse_args(argv)
    n = FULL_REQUESTS
    if args.quick:
        n = QUICK_REQUESTS
    elif args.scale:
        n = int(FULL_REQUESTS * args.scale)
    elif args.requests:
        n = args.requests
    timings, counts = generate(args.db, n, years=args.years)
    print(
        f"generated in {args.db}: " + ", ".join(f"{v:,} {k}" for k, v in counts.items())
    )
    for key, seconds in timings.items():
        print(f"  {key:<28} {seconds:8.1f} s")
    print(f"generate: {counts['requests']:,} requests in {timings['total']:.1f} s")


if __name__ == "__main__":
    main()
