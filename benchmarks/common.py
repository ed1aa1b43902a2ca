"""Shared helpers of the benchmark suite: where things are, the throw-away database,
an in-process Odoo registry, timing, peak memory, the machine description and the table.

Benchmarks print numbers; they never assert timings.
"""

import contextlib
import os
import platform
import re
import shlex
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "benchmarks"
OUT = BENCH / "out"
VENV_PY = Path(os.environ.get("EMOWATEN_VENV", "/var/lib/emowaten/venv")) / "bin/python"
CONF = ROOT / "config" / "odoo.conf"
PEER_ADDONS = ("helpdesk_mgmt", "helpdesk_mgmt_sla")


def ensure_venv():
    """Re-run the calling script with the project's venv Python (which has Odoo's
    dependencies) when started with another interpreter, e.g. plain ``python``."""
    if VENV_PY.exists() and Path(sys.executable).resolve() != VENV_PY.resolve():
        try:
            import psycopg2  # noqa: F401

            import odoo  # noqa: F401

            return
        except ImportError:
            os.execv(str(VENV_PY), [str(VENV_PY), *sys.argv])


def log(*args):
    print(*args, file=sys.stderr, flush=True)


# --------------------------------------------------------------------- Odoo location
@cache
def _lib(expr):
    out = subprocess.run(
        ["bash", "-c", f"source scripts/lib.sh; emw_find_odoo; {expr}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip()


def addons_path():
    return _lib("emw_addons_path")


def odoo_tree():
    return _lib('echo "$EMW_ODOO_TREE"')


def our_addons():
    """Every folder of addons/ with a manifest."""
    return sorted(p.parent.name for p in (ROOT / "addons").glob("*/__manifest__.py"))


def odoo_cmd(db, *args):
    return [str(ROOT / "scripts" / "odoo"), "-d", db, *args]


def create_db(db, addons, logfile):
    """Drop ``db`` and create it with ``addons`` installed, through scripts/odoo."""
    drop_db(db)
    cmd = odoo_cmd(db, "-i", ",".join(addons), "--stop-after-init")
    env = dict(os.environ, EMOWATEN_SKIP_SETUP="1")
    log("$", shlex.join(cmd), ">", logfile)
    start = time.perf_counter()
    with open(logfile, "w") as fh:
        rc = subprocess.run(
            cmd, cwd=ROOT, env=env, stdout=fh, stderr=subprocess.STDOUT
        ).returncode
    elapsed = time.perf_counter() - start
    if rc:
        raise SystemExit(f"creating {db} failed (exit {rc}); see {logfile}")
    return elapsed


def drop_db(db, attempts=5):
    """Drop a benchmark database. Right after a bulk load an autovacuum worker (a
    process of the PostgreSQL superuser) is often analysing it: ``--force`` may not
    terminate it for an ordinary role, whereas a plain DROP cancels autovacuum by
    itself; so try plain first, then forced, a few times. A database that cannot be
    dropped is reported, never allowed to lose the figures already measured."""
    for attempt in range(attempts):
        for cmd in (
            ["dropdb", "--if-exists", db],
            ["dropdb", "--if-exists", "--force", db],
        ):
            if subprocess.run(cmd, capture_output=True, check=False).returncode == 0:
                return True
        time.sleep(2 * (attempt + 1))
    log(f"could not drop {db}; drop it by hand (dropdb --force {db})")
    return False


# ------------------------------------------------------------------- in-process Odoo
_REGISTRY = {}


def _import_odoo():
    tree = odoo_tree()
    if tree and tree not in sys.path:
        sys.path.insert(0, tree)
    import odoo  # noqa: F401
    import odoo.modules.registry
    import odoo.tools.config

    return odoo


def registry(db):
    """The Odoo registry of ``db``, loaded once per process."""
    odoo = _import_odoo()
    if db not in _REGISTRY:
        odoo.tools.config.parse_config(
            [
                "-c",
                str(CONF),
                f"--addons-path={addons_path()}",
                "-d",
                db,
                "--log-level=warn",
            ]
        )
        _REGISTRY[db] = odoo.modules.registry.Registry(db)
    return _REGISTRY[db]


@contextlib.contextmanager
def odoo_env(db, context=None):
    """``env`` of the superuser on ``db``; the transaction commits on success."""
    odoo = _import_odoo()
    reg = registry(db)
    with reg.cursor() as cr:
        yield odoo.api.Environment(cr, odoo.SUPERUSER_ID, dict(context or {}))


def pg_connect(db):
    import psycopg2

    conn = psycopg2.connect(dbname=db)
    conn.autocommit = False
    return conn


# ------------------------------------------------------------------ time and memory
def _status_kb(key):
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def reset_peak():
    """Reset this process's peak resident size (Linux: write 5 to clear_refs)."""
    with contextlib.suppress(OSError), open("/proc/self/clear_refs", "w") as fh:
        fh.write("5")


def peak_mb():
    return _status_kb("VmHWM") / 1024


class Measure:
    """``with Measure() as m: ...`` → ``m.seconds`` and ``m.peak_mb`` (this process)."""

    def __enter__(self):
        reset_peak()
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.start
        self.peak_mb = peak_mb()
        return False


def repeat(fn, times=5, warmup=1):
    """Median seconds of ``fn()`` over ``times`` runs, after ``warmup`` runs; and the
    peak resident size over the measured runs."""
    for _i in range(warmup):
        fn()
    samples = []
    reset_peak()
    for _i in range(times):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples), peak_mb()


def run_child(cmd, timeout=None, env=None, cwd=ROOT):
    """Run ``cmd``; return (exit code, stdout+stderr text, seconds, peak MB of the
    child). The peak comes from GNU time (``/usr/bin/time -f %M``) when installed:
    ``wait4`` on a child forked from this big process would count the parent's pages
    the child held before its ``exec``."""
    import tempfile

    start = time.perf_counter()
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss:
        wrapped = list(cmd)
        if os.path.exists("/usr/bin/time"):
            wrapped = ["/usr/bin/time", "-f", "%M", "-o", rss.name, *cmd]
        proc = subprocess.Popen(
            wrapped, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        try:
            out, _err = proc.communicate(timeout=timeout)
            suffix = ""
        except subprocess.TimeoutExpired:
            proc.kill()
            out, _err = proc.communicate()
            suffix = f"\n[timeout after {timeout} s]"
        seconds = time.perf_counter() - start
        text = out.decode("utf-8", "replace") + suffix
        peak = None
        with contextlib.suppress(ValueError, IndexError):
            lines = [x for x in rss.read().splitlines() if x.strip()]
            peak = int(lines[-1]) / 1024
    return proc.returncode, text, seconds, peak


# ------------------------------------------------------------------- machine
def machine():
    cpu = platform.processor() or "?"
    with contextlib.suppress(OSError), open("/proc/cpuinfo") as fh:
        for line in fh:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    ram = "?"
    with contextlib.suppress(OSError), open("/proc/meminfo") as fh:
        for line in fh:
            if line.startswith("MemTotal"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    try:
        pg = subprocess.run(
            ["psql", "-d", "postgres", "-tAc", "SHOW server_version"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        pg = "?"
    load = "?"
    with contextlib.suppress(OSError):
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return {
        "CPU": cpu,
        "cores": str(os.cpu_count()),
        "RAM": ram,
        "PostgreSQL": pg,
        "Python": platform.python_version(),
        "OS": platform.platform(),
        "load average at start": load,
    }


# --------------------------------------------------------------------- results
@dataclass
class Row:
    """One line of the table. ``ratio`` is ``ours / other`` of the printed values;
    ``better`` says which direction is good for that unit."""

    operation: str
    ours: float | None = None
    other: float | None = None
    other_name: str = ""
    unit: str = ""
    better: str = "lower"  # or "higher"
    peak_mb: float | None = None
    target: str = ""
    note: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def ratio(self):
        if self.ours is None or self.other in (None, 0):
            return None
        return self.ours / self.other


def fmt_num(value, unit=""):
    if value is None:
        return "not available"
    if abs(value) >= 100:
        text = f"{value:,.0f}"
    elif abs(value) >= 10:
        text = f"{value:.1f}"
    elif abs(value) >= 1:
        text = f"{value:.2f}"
    else:
        text = f"{value:.3g}"
    return f"{text} {unit}".strip()


def table(rows):
    """The rows as a list of string tuples (header first)."""
    lines = [
        (
            "operation",
            "e-Mowaten",
            "peer or floor",
            "ratio",
            "peak memory",
            "target / note",
        )
    ]
    for row in rows:
        ratio = row.ratio
        ratio_txt = "—" if ratio is None else f"{ratio:.2f}× ({row.better} is better)"
        other = (
            fmt_num(row.other, row.unit) if row.other is not None else "not available"
        )
        if row.other_name:
            other = f"{row.other_name}: {other}"
        elif row.other is None:
            other = "—"
        lines.append(
            (
                row.operation,
                fmt_num(row.ours, row.unit),
                other,
                ratio_txt,
                "—" if row.peak_mb is None else f"{row.peak_mb:,.0f} MB",
                "; ".join(x for x in (row.target, row.note) if x),
            )
        )
    return lines


def print_table(rows, out=sys.stdout):
    lines = table(rows)
    widths = [
        min(max(len(line[i]) for line in lines), 48) for i in range(len(lines[0]))
    ]
    for n, line in enumerate(lines):
        out.write(
            "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(line)).rstrip()
        )
        out.write("\n")
        if n == 0:
            out.write("  ".join("-" * w for w in widths) + "\n")
    out.flush()


def markdown(rows, title, meta):
    lines = table(rows)
    md = [f"# {title}", ""]
    md += [f"- **{key}**: {value}" for key, value in meta.items()]
    md += ["", "| " + " | ".join(lines[0]) + " |", "|" + "---|" * len(lines[0])]
    md += [
        "| " + " | ".join(c.replace("|", "\\|") for c in line) + " |"
        for line in lines[1:]
    ]
    return "\n".join(md) + "\n"


NUMBER = r"([0-9][0-9,]*(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?)"


def find_number(text, pattern, flags=re.IGNORECASE):
    """The first number captured by ``pattern`` (a regex with one group) in ``text``."""
    match = re.search(pattern, text, flags)
    if not match:
        return None
    return float(match.group(1).replace(",", ""))
