#!/usr/bin/env bash
# `make test`: linters, the suites that need no Odoo, then (when Odoo 18.0 is
# available) the addon installed into fresh databases of a private PostgreSQL
# cluster and its tests, through both `odoo-bin --test-enable` and pytest-odoo.
# Ends with one line per suite; exits non-zero if anything failed or skipped.
set -uo pipefail
# shellcheck source=tools/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$ROOT" || exit 1

WORK=$(mktemp -d /tmp/jse-test.XXXXXX)
chmod 755 "$WORK" # the PostgreSQL cluster inside runs as postgres
SUMMARY=()
TIMINGS=()
FAILED=0

now() { date +%s%3N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", (b - a) / 1000 }'; }

PGDATA_DIR='' SOCK=''
cleanup() {
    [ -n "$PGDATA_DIR" ] && pg_stop "$PGDATA_DIR"
    rm -rf "$WORK" ${SOCK:+"$SOCK"}
}
trap cleanup EXIT

# suite_line NAME PASSED FAILED SKIPPED
suite_line() {
    SUMMARY+=("$1: $2 passed, $3 failed, $4 skipped")
    [ "$3" -eq 0 ] || FAILED=1
    if [ "$4" -ne 0 ]; then
        log "$1: $4 test(s) skipped: a skipped test is not a passing test"
        FAILED=1
    fi
}

# Counts of a pytest junit report: "passed failed skipped" (errors count as failed).
junit_counts() {
    "$TOOLS_VENV/bin/python" - "$1" <<'EOF'
import sys, xml.etree.ElementTree as ET
try:
    root = ET.parse(sys.argv[1]).getroot()
except (OSError, ET.ParseError):
    print("0 1 0")
    raise SystemExit
suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
t = sum(int(s.get("tests", 0)) for s in suites)
f = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
k = sum(int(s.get("skipped", 0)) for s in suites)
print(t - f - k, f if t else max(f, 1), k)
EOF
}

# ------------------------------------------------------------------ lint --

ensure_tools_venv
T0=$(now)
lint_ok=0 lint_ko=0
run_check() {
    local name=$1
    shift
    if "$@" >"$WORK/lint.out" 2>&1; then
        lint_ok=$((lint_ok + 1))
    else
        lint_ko=$((lint_ko + 1))
        log "$name found problems:"
        cat "$WORK/lint.out" >&2
    fi
}
log "lint: ruff, pylint-odoo (mandatory checks), addon README"
run_check "ruff check" "$TOOLS_VENV/bin/ruff" check --no-cache .
run_check "ruff format" "$TOOLS_VENV/bin/ruff" format --no-cache --check .
run_check "pylint-odoo" "$TOOLS_VENV/bin/pylint" --rcfile=.pylintrc-mandatory "$ADDON"
run_check "addon README" "$TOOLS_VENV/bin/python" tools/gen_addon_readme.py --check
suite_line lint "$lint_ok" "$lint_ko" 0
TIMINGS+=("lint $(elapsed "$T0") s")

# ------------------------------------------------------------------- lib --

T0=$(now)
log "lib: the API client, the sandbox and the tooling, without Odoo"
"$TOOLS_VENV/bin/python" -m pytest -q tests sandbox/tests --junitxml="$WORK/lib.xml"
read -r p f s < <(junit_counts "$WORK/lib.xml")
suite_line lib "$p" "$f" "$s"
TIMINGS+=("lib $(elapsed "$T0") s")

# ------------------------------------------------------------------ odoo --

# odoo_run LOG ARGS...: runs odoo-bin with the suite's configuration.
odoo_run() {
    local logfile=$1
    shift
    "$ODOO_PYTHON" "$ODOO_BIN" -c "$WORK/odoo.conf" --stop-after-init "$@" >"$logfile" 2>&1
}

# The log of an install or upgrade must hold no warning nor error.  The one
# line Odoo prints about running as root speaks of the machine, not the addon.
clean_log() {
    local bad
    bad=$(grep -E '^[0-9-]+ [0-9:,]+ [0-9]+ (WARNING|ERROR|CRITICAL) ' "$1" | grep -v "Running as user 'root'")
    [ -z "$bad" ] && return 0
    log "$2: warnings or errors in $1:"
    printf '%s\n' "$bad" | head -n 20 >&2
    return 1
}

module_state() {
    "$(pg_bindir)/psql" -h "$SOCK" -U odoo -d "$1" -tAc \
        "SELECT state FROM ir_module_module WHERE name = '$ADDON'" 2>/dev/null
}

odoo_suite() {
    local t ok=1 wheel_ok p f s tests errors skips
    ensure_debs chromium wkhtmltopdf fonts-dejavu-core
    SOCK=$(mktemp -d /tmp/jsepg.XXXXXX)
    PGDATA_DIR=$WORK/pgdata
    pg_start "$PGDATA_DIR" "$SOCK" -c fsync=off -c synchronous_commit=off -c full_page_writes=off
    write_odoo_conf "$WORK/odoo.conf" "$SOCK" "$WORK/odoo-data" "$(free_port)" "list_db = False"

    log "odoo: installing $ADDON into two fresh databases (with and without demo data), side by side"
    t=$(now)
    timed_install() { # DB LOG ARGS...: writes the seconds it took to LOG.time
        local t0 rc db=$1 logfile=$2
        shift 2
        t0=$(now)
        odoo_run "$logfile" -d "$db" -i "$ADDON" "$@"
        rc=$?
        elapsed "$t0" >"$logfile.time"
        return $rc
    }
    timed_install jse_test "$WORK/install-demo.log" &
    local pid_demo=$!
    timed_install jse_test_nodemo "$WORK/install-nodemo.log" --without-demo=all
    local rc_nodemo=$?
    wait "$pid_demo"
    local rc_demo=$?
    TIMINGS+=("odoo install with demo $(cat "$WORK/install-demo.log.time") s")
    TIMINGS+=("odoo install without demo $(cat "$WORK/install-nodemo.log.time") s")
    TIMINGS+=("both installs (side by side) $(elapsed "$t") s")
    [ $rc_demo -eq 0 ] && clean_log "$WORK/install-demo.log" "install with demo" || ok=0
    [ $rc_nodemo -eq 0 ] && clean_log "$WORK/install-nodemo.log" "install without demo" || ok=0
    [ "$(module_state jse_test)" = installed ] && [ "$(module_state jse_test_nodemo)" = installed ] || {
        log "odoo: $ADDON is not installed"
        ok=0
    }

    log "odoo: upgrading $ADDON (-u)"
    t=$(now)
    odoo_run "$WORK/upgrade.log" -d jse_test -u "$ADDON" && clean_log "$WORK/upgrade.log" "upgrade" || ok=0
    TIMINGS+=("odoo upgrade $(elapsed "$t") s")

    # As a deployment installs OCA's addons: the wheel, laid by pip where Odoo
    # finds addons by itself (odoo/addons on its Python path), and this
    # repository left out of the addons path.
    log "odoo: installing $ADDON from its wheel, with pip, out of this repository"
    t=$(now)
    if "$TOOLS_VENV/bin/python" -m pip wheel -q --no-deps --no-build-isolation -w "$WORK/wheel" "$ROOT/$ADDON" \
        >"$WORK/wheel.log" 2>&1 \
        && "$ODOO_PYTHON" -m pip install -q --no-deps --target "$WORK/wheel-site" "$WORK"/wheel/*.whl \
            >>"$WORK/wheel.log" 2>&1 \
        && PYTHONPATH="$WORK/wheel-site${PYTHONPATH:+:$PYTHONPATH}" odoo_run "$WORK/install-wheel.log" \
            -d jse_test_wheel --addons-path="$ODOO_ADDONS" -i "$ADDON" --without-demo=all \
        && clean_log "$WORK/install-wheel.log" "install from the wheel" \
        && [ "$(module_state jse_test_wheel)" = installed ]; then
        wheel_ok=1
    else
        log "odoo: $ADDON did not install from its wheel (see below)"
        tail -n 20 "$WORK/wheel.log" "$WORK/install-wheel.log" >&2 2>/dev/null
        wheel_ok=0
    fi
    TIMINGS+=("odoo install from the wheel $(elapsed "$t") s")
    local installs=$((ok == 1 ? 3 : 0))
    suite_line odoo-install $((installs + wheel_ok)) $((4 - installs - wheel_ok)) 0
    if [ $ok -ne 1 ]; then
        SUMMARY+=("odoo: not run (the addon did not install cleanly)")
        FAILED=1
        return
    fi

    log "odoo: odoo-bin --test-enable"
    t=$(now)
    odoo_run "$WORK/odoo-bin-tests.log" -d jse_test -u "$ADDON" --test-enable --test-tags "/$ADDON"
    local rc=$?
    local result
    result=$(grep -oE '[0-9]+ failed, [0-9]+ error\(s\) of [0-9]+ tests' "$WORK/odoo-bin-tests.log" | tail -n 1)
    if [ -z "$result" ]; then
        log "odoo-bin ran no test (exit $rc): see below"
        tail -n 40 "$WORK/odoo-bin-tests.log" >&2
        suite_line odoo-bin 0 1 0
    else
        read -r f errors tests <<<"$(echo "$result" | sed -E 's/([0-9]+) failed, ([0-9]+) error\(s\) of ([0-9]+) tests/\1 \2 \3/')"
        skips=$(grep -cE '^[0-9-]+ [0-9:,]+ [0-9]+ INFO \S+ \S+: skipped ' "$WORK/odoo-bin-tests.log")
        [ $((f + errors)) -eq 0 ] || grep -E ' (ERROR|CRITICAL) ' "$WORK/odoo-bin-tests.log" | head -n 40 >&2
        [ "$rc" -eq 0 ] || [ $((f + errors)) -ne 0 ] || errors=1
        suite_line odoo-bin $((tests - f - errors - skips)) $((f + errors)) "$skips"
    fi
    TIMINGS+=("odoo-bin tests $(elapsed "$t") s")

    log "odoo: pytest-odoo (with --odoo-http, so that HttpCase and tours run)"
    t=$(now)
    (cd "$ROOT" && "$ODOO_PYTHON" -m pytest -q -p no:cacheprovider --odoo-config="$WORK/odoo.conf" \
        --odoo-database=jse_test --odoo-http --junitxml="$WORK/odoo.xml" "$ADDON/tests")
    read -r p f s < <(junit_counts "$WORK/odoo.xml")
    suite_line odoo "$p" "$f" "$s"
    TIMINGS+=("odoo (pytest-odoo) $(elapsed "$t") s")
}

if find_odoo; then
    ensure_odoo_sandbox
    odoo_suite
else
    printf '\n!!!!!!!!!! THE ODOO SUITE DID NOT RUN: %s !!!!!!!!!!\n\n' "$ODOO_MISSING"
    SUMMARY+=("odoo: not run ($ODOO_MISSING)")
fi

# --------------------------------------------------------------- summary --

echo
echo "timings: $(IFS=';'; echo "${TIMINGS[*]}" | sed 's/;/; /g')"
for line in "${SUMMARY[@]}"; do echo "$line"; done
exit $FAILED
