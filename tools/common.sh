# shellcheck shell=bash
# Shared helpers of `make test` and `make run`: paths, cached environments,
# Odoo discovery and a private PostgreSQL cluster.  Sourced, never run.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ADDON=jesignexpert_connector
# Everything `make` builds lives out of the work tree, in one cache folder
# that later runs (and CI, which runs with no variable set) find again.
CACHE_DIR=${JSE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/jesignexpert_connector}
ODOO_VENV=$CACHE_DIR/odoo18-venv
TOOLS_VENV=$CACHE_DIR/tools-venv
VAR_DIR=$ROOT/.var
BASE_PYTHON=${PYTHON:-$(command -v python3.11 || command -v python3)}

# Odoo 18.0 Community, fetched once into the cache when no Odoo is at hand: a
# shallow clone of branch 18.0 of Odoo's official repository (ODOO_GIT_URL for a
# mirror), at the commit ODOO_COMMIT, checked once fetched.  The default is the
# odoo/odoo commit of Odoo-Build's revision 18.0.20250115 (Mint System), a
# commit of branch 18.0; ODOO_COMMIT= (empty) takes the branch's tip as it is.
ODOO_GIT_URL=${ODOO_GIT_URL:-https://github.com/odoo/odoo.git}
ODOO_BRANCH=18.0
ODOO_COMMIT=${ODOO_COMMIT-5500e239e4bfb76eca3515dba02d0f1668810b58}
ODOO_FETCHED=$CACHE_DIR/odoo-18.0
# Seconds to learn whether the repository answers at all (machines without
# network go on at once), then for the whole fetch.
ODOO_PROBE_TIMEOUT=${ODOO_PROBE_TIMEOUT:-15}
ODOO_FETCH_TIMEOUT=${ODOO_FETCH_TIMEOUT:-1800}

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

# Prints a sha256 of the given files, to tell when a venv is out of date.
files_hash() { cat "$@" | sha256sum | cut -c1-16; }

# Installs the given Debian packages if any is missing (root only).
ensure_debs() {
    local missing=() pkg
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -ne 0 ]; then
        die "missing Debian packages: ${missing[*]} (install them: sudo apt-get install ${missing[*]})"
    fi
    log "installing Debian packages: ${missing[*]}"
    if [ -z "${_JSE_APT_UPDATED:-}" ]; then
        apt-get update -qq >&2 || die "apt-get update failed"
        _JSE_APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 \
        || die "apt-get install ${missing[*]} failed"
}

# pip_install PYTHON ARGS...: pip install from the repository's root, where
# the requirement files' paths start (./sandbox).
pip_install() {
    local python=$1
    shift
    # pip builds ./sandbox in place, and setuptools would put a module removed
    # since the last build back into the wheel (build/lib keeps it): each
    # build starts clean.
    rm -rf "$ROOT/sandbox/build" "$ROOT/sandbox/jse_sandbox.egg-info"
    (cd "$ROOT" && "$python" -m pip install -q "$@") >&2
}

# --- the sandbox, the jse-sandbox package of ./sandbox --------------------
# The environments have it installed as any package is (the requirement files
# name it), and installed again whenever its files change: each venv keeps a
# stamp of the files it was installed from.  Not an editable install: the venvs
# in the cache are shared by every clone on the machine, and an editable
# install would run the sandbox of whichever clone installed it last, silently;
# with the stamp, a run whose sandbox differs from the installed one installs
# its own.

# A hash of the files the sandbox package is built from (their names too).
sandbox_hash() {
    (cd "$ROOT/sandbox" && find pyproject.toml README.md jse_sandbox -name __pycache__ -prune -o -type f -print \
        | LC_ALL=C sort | xargs sha256sum) | sha256sum | cut -c1-16
}

# ensure_sandbox VENV: installs the sandbox into VENV unless its stamp says
# that these very files are installed there.
ensure_sandbox() {
    local want
    want=$(sandbox_hash)
    [ "$(cat "$1/.jse-sandbox-stamp" 2>/dev/null)" = "$want" ] && return 0
    log "installing the sandbox (./sandbox, package jse-sandbox) into $1"
    pip_install "$1/bin/python" ./sandbox || die "pip could not install the sandbox (./sandbox)"
    echo "$want" >"$1/.jse-sandbox-stamp"
}

# The sandbox in the Odoo environment that find_odoo found: its venv's, or the
# Python in use, which find_odoo's pip install gave it already.
ensure_odoo_sandbox() {
    [ "$ODOO_PYTHON" != "$ODOO_VENV/bin/python" ] || ensure_sandbox "$ODOO_VENV"
}

# Odoo 18.0 and the sandbox next to it (for the scripts that run them), or exit.
require_odoo() {
    find_odoo || die "$ODOO_MISSING"
    ensure_odoo_sandbox
}

# A venv for the suites that need no Odoo, and for the linters.
ensure_tools_venv() {
    local stamp want
    want=$(files_hash "$ROOT/requirements.txt" "$ROOT/requirements-test.txt")
    stamp=$TOOLS_VENV/.jse-stamp
    if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
        log "preparing the test tools in $TOOLS_VENV"
        rm -rf "$TOOLS_VENV"
        "$BASE_PYTHON" -m venv "$TOOLS_VENV" || die "cannot create a venv with $BASE_PYTHON"
        "$TOOLS_VENV/bin/pip" install -q -U pip >&2
        pip_install "$TOOLS_VENV/bin/python" -r requirements.txt -r requirements-test.txt \
            || die "pip could not install the test tools"
        sandbox_hash >"$TOOLS_VENV/.jse-sandbox-stamp"
        echo "$want" >"$stamp"
    fi
    ensure_sandbox "$TOOLS_VENV"
}

# Is Odoo 18.0 importable by this Python?  Prints its source folder.
odoo_source_of() {
    "$1" - <<'EOF' 2>/dev/null
import os, odoo.release as r
assert r.version_info[:2] == (18, 0), r.version
print(os.path.dirname(os.path.dirname(os.path.abspath(r.__file__))))
EOF
}

# Installs Odoo 18.0 from the source tree $1 into the cached venv.
provision_odoo_venv() {
    local src=$1 pins want stamp
    [ -f "$src/odoo/release.py" ] && [ -f "$src/requirements.txt" ] \
        || die "ODOO_SRC=$src is not an Odoo source tree (no odoo/release.py)"
    grep -q "^version_info = (18, 0," "$src/odoo/release.py" \
        || die "ODOO_SRC=$src is not Odoo 18.0"
    src=$(cd "$src" && pwd)
    want="$(files_hash "$src/requirements.txt" "$ROOT/requirements.txt" "$ROOT/requirements-odoo-test.txt") $src"
    stamp=$ODOO_VENV/.jse-stamp
    [ "$(cat "$stamp" 2>/dev/null)" = "$want" ] && return 0
    log "installing Odoo 18.0 from $src into $ODOO_VENV (once; takes a few minutes)"
    # Build dependencies of Odoo's pinned requirements (psycopg2, python-ldap).
    ensure_debs libpq-dev libldap2-dev libsasl2-dev
    rm -rf "$ODOO_VENV"
    "$BASE_PYTHON" -m venv "$ODOO_VENV" || die "cannot create a venv with $BASE_PYTHON"
    "$ODOO_VENV/bin/pip" install -q -U 'pip>=25.3' >&2 || die "cannot upgrade pip"
    # Several of Odoo 18.0's pinned packages still import pkg_resources in
    # their build, which setuptools 81 removed.
    pins=$ODOO_VENV/build-constraints.txt
    echo 'setuptools<81' >"$pins"
    "$ODOO_VENV/bin/pip" install -q --build-constraint "$pins" -r "$src/requirements.txt" >&2 \
        || die "pip could not install Odoo's requirements"
    pip_install "$ODOO_VENV/bin/python" -r requirements.txt -r requirements-odoo-test.txt \
        || die "pip could not install the addon's requirements"
    sandbox_hash >"$ODOO_VENV/.jse-sandbox-stamp"
    # Odoo runs from its source tree, untouched: the venv only learns where it is.
    echo "$src" >"$("$ODOO_VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/odoo-src.pth"
    odoo_source_of "$ODOO_VENV/bin/python" >/dev/null || die "Odoo still not importable from $ODOO_VENV"
    echo "$want" >"$stamp"
}

# Fetches Odoo 18.0 into $ODOO_FETCHED (see ODOO_GIT_URL above).  Returns 1
# with the reason in ODOO_FETCH_ERROR when it cannot.
fetch_odoo() {
    local tmp=$ODOO_FETCHED.partial head where tip
    ODOO_FETCH_ERROR=''
    command -v git >/dev/null || { ODOO_FETCH_ERROR="git is not installed"; return 1; }
    mkdir -p "$CACHE_DIR" && rm -rf "$tmp" || { ODOO_FETCH_ERROR="cannot write in $CACHE_DIR"; return 1; }
    export GIT_TERMINAL_PROMPT=0 # never wait for a password
    if ! where=$(timeout "$ODOO_PROBE_TIMEOUT" git ls-remote --heads "$ODOO_GIT_URL" "$ODOO_BRANCH" 2>&1); then
        ODOO_FETCH_ERROR="$ODOO_GIT_URL cannot be reached ($(printf '%s' "${where:-no answer in $ODOO_PROBE_TIMEOUT s}" | tail -n 1))"
        return 1
    fi
    [ -n "$where" ] || { ODOO_FETCH_ERROR="$ODOO_GIT_URL has no branch $ODOO_BRANCH"; return 1; }
    log "fetching Odoo $ODOO_BRANCH Community from $ODOO_GIT_URL${ODOO_COMMIT:+ at $ODOO_COMMIT} into $ODOO_FETCHED (once)"
    git init -q "$tmp" && git -C "$tmp" remote add origin "$ODOO_GIT_URL" || { ODOO_FETCH_ERROR="git init failed in $tmp"; return 1; }
    # The pinned commit itself (GitHub serves any commit of the repository);
    # else the branch's tip, when it is that commit.
    tip=${where%%[[:space:]]*}
    if [ -n "$ODOO_COMMIT" ] && [ "$tip" != "$ODOO_COMMIT" ] \
        && ! timeout "$ODOO_FETCH_TIMEOUT" git -C "$tmp" fetch -q --depth 1 origin "$ODOO_COMMIT" 2>/dev/null; then
        rm -rf "$tmp"
        ODOO_FETCH_ERROR="$ODOO_GIT_URL does not serve commit $ODOO_COMMIT, and its $ODOO_BRANCH is at $tip (ODOO_COMMIT=$tip, or ODOO_COMMIT= for the tip of $ODOO_BRANCH, accepts it)"
        return 1
    fi
    if ! git -C "$tmp" rev-parse -q --verify FETCH_HEAD >/dev/null \
        && ! timeout "$ODOO_FETCH_TIMEOUT" git -C "$tmp" fetch -q --depth 1 origin "refs/heads/$ODOO_BRANCH"; then
        rm -rf "$tmp"
        ODOO_FETCH_ERROR="the fetch from $ODOO_GIT_URL failed"
        return 1
    fi
    git -C "$tmp" -c advice.detachedHead=false checkout -q FETCH_HEAD || { ODOO_FETCH_ERROR="checkout failed in $tmp"; return 1; }
    head=$(git -C "$tmp" rev-parse HEAD)
    if [ -n "$ODOO_COMMIT" ] && [ "$head" != "$ODOO_COMMIT" ]; then
        rm -rf "$tmp"
        ODOO_FETCH_ERROR="$ODOO_GIT_URL gave commit $head, not $ODOO_COMMIT (ODOO_COMMIT=$head, or ODOO_COMMIT= for the tip of $ODOO_BRANCH, accepts it)"
        return 1
    fi
    if ! grep -q "^version_info = (18, 0," "$tmp/odoo/release.py" 2>/dev/null; then
        rm -rf "$tmp"
        ODOO_FETCH_ERROR="commit $head of $ODOO_GIT_URL is not Odoo 18.0 (odoo/release.py)"
        return 1
    fi
    rm -rf "$ODOO_FETCHED" && mv "$tmp" "$ODOO_FETCHED" || { ODOO_FETCH_ERROR="cannot move $tmp"; return 1; }
    log "Odoo 18.0 commit $head is in $ODOO_FETCHED"
}

# Finds Odoo 18.0: sets ODOO_PYTHON and ODOO_BIN, or ODOO_MISSING (why not).
# In order: ODOO_SRC; an Odoo the Python in use imports; the cached venv; the
# tree fetched into the cache earlier; a fetch now (JSE_FETCH_ODOO=0: never).
find_odoo() {
    local src
    ODOO_PYTHON='' ODOO_BIN='' ODOO_MISSING='' ODOO_FETCH_ERROR=''
    if [ -n "${ODOO_SRC:-}" ]; then
        provision_odoo_venv "$ODOO_SRC"
        ODOO_PYTHON=$ODOO_VENV/bin/python
    elif [ -n "$(odoo_source_of "$BASE_PYTHON")" ]; then
        ODOO_PYTHON=$BASE_PYTHON
        pip_install "$ODOO_PYTHON" -r requirements.txt -r requirements-odoo-test.txt \
            || die "pip could not install the addon's test requirements next to Odoo"
    elif [ -f "$ODOO_VENV/.jse-stamp" ] && [ -n "$(odoo_source_of "$ODOO_VENV/bin/python")" ]; then
        ODOO_PYTHON=$ODOO_VENV/bin/python
    elif [ -f "$ODOO_FETCHED/odoo/release.py" ]; then
        provision_odoo_venv "$ODOO_FETCHED"
        ODOO_PYTHON=$ODOO_VENV/bin/python
    elif [ "${JSE_FETCH_ODOO:-1}" != 0 ] && fetch_odoo; then
        provision_odoo_venv "$ODOO_FETCHED"
        ODOO_PYTHON=$ODOO_VENV/bin/python
    else
        ODOO_MISSING="Odoo 18.0 not found${ODOO_FETCH_ERROR:+ and $ODOO_FETCH_ERROR}: name an Odoo 18.0 source tree once, as in ODOO_SRC=/path/to/odoo-18.0 make test (see README)"
        return 1
    fi
    src=$(odoo_source_of "$ODOO_PYTHON")
    ODOO_BIN=$src/odoo-bin
    [ -f "$ODOO_BIN" ] || ODOO_BIN=$(dirname "$ODOO_PYTHON")/odoo
    [ -e "$ODOO_BIN" ] || { ODOO_MISSING="no odoo-bin next to $src"; return 1; }
    ODOO_ADDONS=$src/odoo/addons,$src/addons
    return 0
}

# write_odoo_conf FILE SOCKET_DIR DATA_DIR HTTP_PORT [EXTRA LINES...]: an
# Odoo configuration for this addon and a private cluster, on loopback only.
write_odoo_conf() {
    local file=$1 sock=$2 data=$3 port=$4
    shift 4
    {
        echo "[options]"
        echo "addons_path = $ODOO_ADDONS,$ROOT"
        echo "db_host = $sock"
        echo "db_user = odoo"
        echo "data_dir = $data"
        echo "http_interface = 127.0.0.1"
        echo "http_port = $port"
        echo "gevent_port = $(free_port)"
        printf '%s\n' "$@"
    } >"$file"
}

# --- a private PostgreSQL cluster, reachable only through a Unix socket ----

pg_bindir() {
    local d
    for d in /usr/lib/postgresql/*/bin; do [ -x "$d/initdb" ] && echo "$d"; done | sort -V | tail -n 1
}

# Runs a PostgreSQL program as the cluster's owner (postgres refuses root).
_pg_as_owner() {
    # From /: postgres may not enter the current folder (a private clone).
    if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

# Is PID the postmaster of the cluster in DATA_DIR?
_is_postmaster_of() {
    tr '\0' ' ' 2>/dev/null <"/proc/$1/cmdline" | grep -qF -- "-D $2"
}

# pg_start DATA_DIR SOCKET_DIR [SERVER OPTIONS...]: creates the cluster if
# needed and starts it, listening on the Unix socket only (no TCP at all).
# Copes with what a killed run left: its server still running (kept when it
# answers on SOCKET_DIR, else restarted), or a postmaster.pid whose PID now
# belongs to another process (after a reboot or a container restart).
pg_start() {
    local data=$1 sock=$2 bin pid
    shift 2
    ensure_debs postgresql
    bin=$(pg_bindir)
    [ -n "$bin" ] || die "PostgreSQL's server programs not found under /usr/lib/postgresql"
    mkdir -p "$data" "$sock"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$data" "$sock" && chmod 700 "$data"
    if [ ! -f "$data/PG_VERSION" ]; then
        _pg_as_owner "$bin/initdb" -D "$data" -U odoo --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null \
            || die "initdb failed in $data"
    fi
    pid=$(head -n 1 "$data/postmaster.pid" 2>/dev/null)
    if [ -n "$pid" ] && _is_postmaster_of "$pid" "$data"; then
        # Running (a previous run left it, or another command uses it).
        "$bin/pg_isready" -q -h "$sock" -t 10 && return 0
        log "PostgreSQL (PID $pid) runs on $data but not on $sock: restarting it"
        _pg_as_owner "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1
    elif [ -n "$pid" ]; then
        log "removing the stale lock of a PostgreSQL that is gone (PID $pid)"
        rm -f "$data/postmaster.pid" "$sock"/.s.PGSQL.*
    fi
    _pg_as_owner "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 \
        -o "-c listen_addresses='' -c unix_socket_directories='$sock' $*" \
        start >/dev/null || die "PostgreSQL did not start (see $data/server.log)"
}

pg_stop() {
    local data=$1 bin
    bin=$(pg_bindir)
    [ -f "$data/postmaster.pid" ] || return 0
    _pg_as_owner "$bin/pg_ctl" -D "$data" -m fast -w -t 30 stop >/dev/null 2>&1 \
        || _pg_as_owner "$bin/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1
    return 0
}

# --- processes a run leaves behind -------------------------------------

# stop_pid PID [SECONDS]: TERM, then KILL if it is still there after SECONDS.
stop_pid() {
    local i
    [ -n "$1" ] && kill -TERM "$1" 2>/dev/null || return 0
    for ((i = 0; i < ${2:-10} * 10; i++)); do
        kill -0 "$1" 2>/dev/null || return 0
        sleep 0.1
    done
    log "PID $1 ignored SIGTERM for ${2:-10} s: killing it"
    kill -KILL "$1" 2>/dev/null
}

# stop_leftover NAME PIDFILE MARK: stops what a killed run left running (its
# PID in PIDFILE, MARK in its command line).
stop_leftover() {
    local pid
    pid=$(cat "$2" 2>/dev/null)
    if [ -n "$pid" ] && tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -qF -- "$3"; then
        log "stopping the $1 a previous make run left running (PID $pid)"
        stop_pid "$pid"
    fi
    rm -f "$2"
}

port_free() { # as the servers bind it: closed connections waiting (TIME_WAIT) do not count
    "$BASE_PYTHON" -c '
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))' "$1" 2>/dev/null
}

# A free TCP port on 127.0.0.1.
free_port() {
    "$BASE_PYTHON" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
