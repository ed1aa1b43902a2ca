# shellcheck shell=bash
# Shared set-up steps of the run and test commands. Sourced, never executed.
#
# Everything here is idempotent: a second call finds what the first one made and returns
# in well under a second per step.

set -o pipefail

EMW_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Machine-wide state that outlives a clone: the virtual environment and the Odoo location.
EMW_HOME="${EMOWATEN_HOME:-/var/lib/emowaten}"
EMW_ETC="${EMOWATEN_ETC:-/etc/emowaten}"
EMW_VENV="${EMOWATEN_VENV:-$EMW_HOME/venv}"
EMW_LINT_VENV="${EMOWATEN_LINT_VENV:-$EMW_HOME/venv-lint}"
EMW_PY="$EMW_VENV/bin/python"
EMW_PG_VERSION="${EMOWATEN_PG_VERSION:-15}"

emw_say() { printf '\033[1m[e-mowaten]\033[0m %s\n' "$*" >&2; }
emw_die() { printf '\033[1;31m[e-mowaten] %s\033[0m\n' "$*" >&2; exit 2; }

# --- system packages -------------------------------------------------------------------
# Debian 12 package names. Checked with dpkg first, so a set-up machine pays nothing.
EMW_APT_PACKAGES=(
    postgresql postgresql-client
    python3 python3-venv python3-dev build-essential
    libpq-dev libldap2-dev libsasl2-dev libxml2-dev libxslt1-dev libjpeg-dev zlib1g-dev libffi-dev
    tesseract-ocr tesseract-ocr-ara tesseract-ocr-fra
    poppler-utils wkhtmltopdf
    fonts-hosny-amiri fonts-noto-core fonts-dejavu-core
    softhsm2 opensc
    chromium chromium-driver
    libmagic1 git make curl
)
# Odoo builds its right-to-left (Arabic) stylesheets with rtlcss, which Debian does not
# package: it comes from the npm registry, pinned.
EMW_RTLCSS_VERSION=4.3.0
# The accessibility audit of the public pages (emowaten_portal's TestAccessibility) runs
# axe-core in the test browser: from the npm registry, pinned, into a folder of the
# machine (never into the checkout). The test reads EMOWATEN_AXE_JS and fails without it.
EMW_AXE_VERSION=4.10.3
EMW_NODE_DIR="$EMW_HOME/node"
export EMOWATEN_AXE_JS="${EMOWATEN_AXE_JS:-$EMW_NODE_DIR/node_modules/axe-core/axe.min.js}"

emw_apt() {
    local missing=()
    local p
    for p in "${EMW_APT_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" != 0 ]; then
        emw_die "missing Debian packages: ${missing[*]}. Run as root, or: sudo apt-get install ${missing[*]}"
    fi
    emw_say "installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2 || emw_die "apt-get update failed"
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 \
        || emw_die "apt-get install failed for: ${missing[*]}"
}

# Debian's node and npm, unless the machine already has a Node.js with its npm.
emw_npm() {
    command -v npm >/dev/null && return 0
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >&2 \
        || emw_die "apt-get install nodejs npm failed (needed for rtlcss and axe-core)"
}

emw_rtlcss() {
    command -v rtlcss >/dev/null && return 0
    emw_npm
    emw_say "installing rtlcss $EMW_RTLCSS_VERSION (npm) for Odoo's right-to-left stylesheets"
    npm install -g --no-fund --no-audit "rtlcss@$EMW_RTLCSS_VERSION" >&2 \
        || emw_die "npm install -g rtlcss@$EMW_RTLCSS_VERSION failed"
}

emw_axe_core() {
    local pkg="$EMW_NODE_DIR/node_modules/axe-core/package.json"
    if [ -f "$pkg" ] && grep -q "\"version\": \"$EMW_AXE_VERSION\"" "$pkg"; then
        return 0
    fi
    emw_npm
    emw_say "installing axe-core $EMW_AXE_VERSION (npm) into $EMW_NODE_DIR for the accessibility tests"
    mkdir -p "$EMW_NODE_DIR" || emw_die "could not create $EMW_NODE_DIR"
    npm install --prefix "$EMW_NODE_DIR" --no-save --no-package-lock --no-fund --no-audit \
        "axe-core@$EMW_AXE_VERSION" >&2 \
        || emw_die "npm install axe-core@$EMW_AXE_VERSION failed"
}

# --- PostgreSQL ------------------------------------------------------------------------
emw_postgres() {
    if ! pg_isready -q 2>/dev/null; then
        emw_say "starting PostgreSQL $EMW_PG_VERSION"
        if command -v pg_ctlcluster >/dev/null; then
            if ! pg_lsclusters -h 2>/dev/null | grep -q "^$EMW_PG_VERSION "; then
                pg_createcluster "$EMW_PG_VERSION" main >&2 || emw_die "could not create the PostgreSQL cluster"
            fi
            pg_ctlcluster "$EMW_PG_VERSION" main start >&2 || emw_die "could not start PostgreSQL"
        else
            service postgresql start >&2 || emw_die "could not start PostgreSQL"
        fi
        local i
        for i in $(seq 1 30); do pg_isready -q && break; sleep 1; done
        pg_isready -q || emw_die "PostgreSQL did not become ready"
    fi
    # Odoo refuses to connect as the `postgres` superuser; it uses a role named after the
    # Unix user (peer authentication on the local socket), allowed to create databases.
    local me
    me="$(id -un)"
    if ! psql -d postgres -tAc "select 1" >/dev/null 2>&1; then
        [ "$(id -u)" = 0 ] || emw_die "no PostgreSQL role '$me': ask an administrator to run: createuser --createdb $me"
        su postgres -c "createuser --createdb '$me'" >&2 || emw_die "could not create the PostgreSQL role $me"
    fi
}

# --- Odoo 19 ---------------------------------------------------------------------------
# Where an Odoo 19.0 source tree (the folder holding odoo-bin, odoo/ and addons/) is looked for:
#   1. the EMOWATEN_ODOO environment variable (saved to $EMW_ETC/odoo-path for next time);
#   2. the file $EMW_ETC/odoo-path (one line: the path), machine-wide, so a fresh clone finds it;
#   3. the file config/odoo-path in this checkout (not tracked by git);
#   4. an `odoo` 19.0 package importable by the virtual environment's Python.
EMW_ODOO_HELP="Odoo 19.0 was not found. e-Mowaten needs an Odoo 19.0 (Community) source tree or installed package;
Odoo is published neither on PyPI nor in Debian, so provide it in one of these ways:
  * point to a source tree (the folder that holds odoo-bin, odoo/ and addons/):
        EMOWATEN_ODOO=/path/to/odoo-19.0 make test      # also remembered in $EMW_ETC/odoo-path
    or  echo /path/to/odoo-19.0 > $EMW_ETC/odoo-path     # machine-wide, found by every clone
    or  echo /path/to/odoo-19.0 > config/odoo-path        # this checkout only
  * or install Odoo 19.0 as the 'odoo' package into $EMW_VENV (pip install /path/to/odoo-19.0).
A source tree is e.g. a checkout of the 19.0 branch of Odoo's repository."

_emw_is_odoo19_tree() {
    [ -f "$1/odoo/release.py" ] && [ -d "$1/addons" ] \
        && grep -qE "^version_info = \(19, 0," "$1/odoo/release.py"
}

emw_find_odoo() {
    EMW_ODOO_TREE=""
    EMW_ODOO_PKG=""
    local cand src
    if [ -n "${EMOWATEN_ODOO:-}" ]; then
        cand="$(cd "$EMOWATEN_ODOO" 2>/dev/null && pwd)" || emw_die "EMOWATEN_ODOO=$EMOWATEN_ODOO does not exist.

$EMW_ODOO_HELP"
        _emw_is_odoo19_tree "$cand" || emw_die "EMOWATEN_ODOO=$cand is not an Odoo 19.0 source tree.

$EMW_ODOO_HELP"
        EMW_ODOO_TREE="$cand"
        if [ -w "$EMW_ETC" ] || { [ ! -e "$EMW_ETC" ] && mkdir -p "$EMW_ETC" 2>/dev/null; }; then
            echo "$cand" > "$EMW_ETC/odoo-path"
        fi
        return 0
    fi
    for src in "$EMW_ETC/odoo-path" "$EMW_ROOT/config/odoo-path"; do
        [ -f "$src" ] || continue
        cand="$(head -n1 "$src" | tr -d '[:space:]')"
        if _emw_is_odoo19_tree "$cand"; then
            EMW_ODOO_TREE="$cand"
            return 0
        fi
        emw_say "ignoring $src: '$cand' is not an Odoo 19.0 source tree"
    done
    local py
    for py in "$EMW_PY" /usr/bin/python3; do
        [ -x "$py" ] || continue
        if "$py" -c "import odoo.release as r, sys; sys.exit(r.version_info[:2] != (19, 0))" 2>/dev/null; then
            EMW_ODOO_PKG="$("$py" -c "import os, odoo; print(os.path.dirname(list(odoo.__path__)[0]))")"
            # Odoo installed for the system Python (e.g. Debian's odoo package): the venv
            # must see it.
            [ "$py" = /usr/bin/python3 ] && EMW_VENV_SYSTEM_SITE=1
            return 0
        fi
    done
    emw_die "$EMW_ODOO_HELP"
}

# The addons path: Odoo's own addons, ours, and the OCA addons pip put in the venv.
emw_addons_path() {
    local site
    site="$("$EMW_PY" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
    local paths=()
    if [ -n "$EMW_ODOO_TREE" ]; then
        paths+=("$EMW_ODOO_TREE/odoo/addons" "$EMW_ODOO_TREE/addons")
    else
        paths+=("$EMW_ODOO_PKG/odoo/addons")
        [ -d "$EMW_ODOO_PKG/odoo/../addons" ] && paths+=("$EMW_ODOO_PKG/addons")
    fi
    paths+=("$EMW_ROOT/addons")
    [ -d "$site/odoo/addons" ] && paths+=("$site/odoo/addons")
    local IFS=,
    echo "${paths[*]}"
}

# The command that starts Odoo (odoo-bin of the tree, or the installed package's module).
emw_odoo_cmd() {
    if [ -n "$EMW_ODOO_TREE" ]; then
        echo "$EMW_PY $EMW_ODOO_TREE/odoo-bin"
    else
        echo "$EMW_PY -m odoo"
    fi
}

# --- Python ----------------------------------------------------------------------------
_emw_req_hash() {
    cat "$EMW_ROOT/requirements.txt" "$EMW_ROOT/requirements-odoo-addons.txt" | sha256sum | cut -c1-16
}

emw_venv() {
    local want
    want="$(_emw_req_hash)"
    if [ -x "$EMW_PY" ] && [ "$(cat "$EMW_VENV/.emowaten-requirements" 2>/dev/null)" = "$want" ]; then
        return 0
    fi
    mkdir -p "$(dirname "$EMW_VENV")"
    if [ ! -x "$EMW_PY" ]; then
        emw_say "creating the virtual environment $EMW_VENV"
        /usr/bin/python3 -m venv ${EMW_VENV_SYSTEM_SITE:+--system-site-packages} "$EMW_VENV" || emw_die "could not create $EMW_VENV (is python3-venv installed?)"
        "$EMW_PY" -m pip install -q pip==24.2 2>&1 | { grep -v "^WARNING: Location" >&2 || true; }
    fi
    emw_say "installing the pinned Python requirements (requirements.txt)"
    "$EMW_PY" -m pip install -q -r "$EMW_ROOT/requirements.txt" 2>&1 | { grep -v "^WARNING: Location" >&2 || true; }
    [ "${PIPESTATUS[0]}" = 0 ] || emw_die "pip install -r requirements.txt failed"
    # OCA addons declare a dependency on the `odoo` distribution, which no index has.
    "$EMW_PY" -m pip install -q --no-deps -r "$EMW_ROOT/requirements-odoo-addons.txt" 2>&1 | { grep -v "^WARNING: Location" >&2 || true; }
    [ "${PIPESTATUS[0]}" = 0 ] || emw_die "pip install -r requirements-odoo-addons.txt failed"
    echo "$want" > "$EMW_VENV/.emowaten-requirements"
}

emw_lint_venv() {
    local want
    want="$(sha256sum "$EMW_ROOT/requirements-lint.txt" | cut -c1-16)"
    if [ -x "$EMW_LINT_VENV/bin/python" ] && [ "$(cat "$EMW_LINT_VENV/.emowaten-requirements" 2>/dev/null)" = "$want" ]; then
        return 0
    fi
    [ -x "$EMW_LINT_VENV/bin/python" ] || /usr/bin/python3 -m venv "$EMW_LINT_VENV" || emw_die "could not create $EMW_LINT_VENV"
    emw_say "installing the linters (requirements-lint.txt)"
    "$EMW_LINT_VENV/bin/python" -m pip install -q -r "$EMW_ROOT/requirements-lint.txt" 2>&1 | { grep -v "^WARNING: Location" >&2 || true; }
    [ "${PIPESTATUS[0]}" = 0 ] || emw_die "pip install -r requirements-lint.txt failed"
    echo "$want" > "$EMW_LINT_VENV/.emowaten-requirements"
}

# Our addons: every folder of addons/ with a manifest, in dependency-friendly order.
emw_our_addons() {
    local d names=()
    for d in "$EMW_ROOT"/addons/*/__manifest__.py; do
        names+=("$(basename "$(dirname "$d")")")
    done
    local IFS=,
    echo "${names[*]}"
}

# The demo database — part of the product: every addon of ours with its demo data, in
# Arabic and French too. The ONE definition of how it is built, used by `make run`
# (scripts/run.sh) and by the test command's demo phase (scripts/build-demo-db, called by
# scripts/run_tests.py), so the tests check exactly what `make run` serves.
# Usage: emw_build_demo_db DB   (after emw_setup; DB must not exist yet)
EMW_DEMO_LANGUAGES=ar_001,fr_FR
emw_build_demo_db() {
    local db="$1"
    # shellcheck disable=SC2086
    $EMW_ODOO -c "$EMW_ROOT/config/odoo.conf" --addons-path="$EMW_ADDONS_PATH" \
        -d "$db" --db-filter="^$db\$" \
        -i "$(emw_our_addons)" --with-demo --stop-after-init \
        --load-language="$EMW_DEMO_LANGUAGES"
}

emw_setup() {
    # Odoo first: without it nothing else is worth installing, and the user hears so at once.
    emw_find_odoo
    emw_apt
    emw_rtlcss
    emw_axe_core
    emw_postgres
    emw_venv
    EMW_ADDONS_PATH="$(emw_addons_path)"
    EMW_ODOO="$(emw_odoo_cmd)"
    export EMW_ADDONS_PATH EMW_ODOO EMW_ODOO_TREE EMW_ODOO_PKG
}
