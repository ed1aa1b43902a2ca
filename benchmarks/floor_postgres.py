"""Floors in PostgreSQL itself, measured in-process by run.py: the request rows the
ORM registered, inserted again with ``COPY``; the kanban first page as two plain SQL
queries.
"""

import io

import common


def copy_floor(env, n):
    """The same request rows inserted by PostgreSQL COPY: the rows the ORM just wrote,
    exported, given unique references and loaded again; rolled back afterwards."""
    cr = env.cr
    cr.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_name = 'emowaten_request' AND column_name != 'id' "
        "ORDER BY ordinal_position"
    )
    cols = [r[0] for r in cr.fetchall()]
    # unique columns get other values, so that the copies are valid rows and the
    # unique indexes are maintained as for real registrations
    renamed = {
        "name": "name || '-C'",
        "access_token": "NULL",
        "reference_number": "reference_number + 1000000000",
    }
    select = ", ".join(renamed.get(c, c) for c in cols)
    buf = io.StringIO()
    cr.copy_expert(
        f"COPY (SELECT {select} FROM emowaten_request "
        f"ORDER BY id DESC LIMIT {n}) TO STDOUT",
        buf,
    )
    buf.seek(0)
    cr.execute("SAVEPOINT bench_copy")
    with common.Measure() as m:
        cr.copy_expert(f"COPY emowaten_request ({', '.join(cols)}) FROM STDIN", buf)
    cr.execute("ROLLBACK TO SAVEPOINT bench_copy")
    return m


def kanban_sql_floor(cr, where, params, limit=40):
    """The kanban first page in plain SQL: counts per stage, then the newest records of
    each unfolded stage with the stored columns the kanban shows."""
    cr.execute(
        f"SELECT stage_id, count(*) FROM emowaten_request r WHERE {where} GROUP BY 1",
        params,
    )
    cr.fetchall()
    cr.execute(
        f"""
        SELECT x.* FROM emowaten_request_stage s CROSS JOIN LATERAL (
            SELECT r.id, r.name, r.subject, r.partner_id, p.name AS partner, r.user_id,
                   r.date_deadline, r.priority, r.color, r.channel, r.type_id, r.state,
                   r.implicit_refusal, r.escalation_level
            FROM emowaten_request r LEFT JOIN res_partner p ON p.id = r.partner_id
            WHERE r.stage_id = s.id AND {where}
            ORDER BY r.id DESC LIMIT {limit}
        ) x WHERE NOT COALESCE(s.fold, FALSE) AND s.active
        """,
        params,
    )
    return cr.fetchall()
