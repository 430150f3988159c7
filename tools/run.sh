#!/usr/bin/env bash
# `make run`: a private PostgreSQL cluster, the jesignexpert.com sandbox and
# Odoo 18.0 with the addon and its demo data on http://127.0.0.1:$ODOO_PORT,
# in French unless JSE_LANG says otherwise.  Everything it keeps lives under
# .var/ (git-ignored; JSE_VAR_DIR moves it), but for PostgreSQL's data when
# PostgreSQL cannot use that folder (see pg_home below).
# Ctrl-C, or SIGTERM to the process group (docker stop, systemd), stops it all;
# a new run copes with what a killed one left behind.
set -uo pipefail
# shellcheck source=tools/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

ODOO_PORT=${ODOO_PORT:-8069}
SANDBOX_PORT=${SANDBOX_PORT:-8079}
DB=${ODOO_DB:-jesignexpert_demo}
# The demo speaks French (the seed's world); JSE_LANG=en_US make run for English.
LANG_CODE=${JSE_LANG:-fr_FR}
VAR_DIR=${JSE_VAR_DIR:-$VAR_DIR}

if ! find_odoo; then
    echo "make run needs Odoo 18.0: $ODOO_MISSING" | sed 's/make test/make run/' >&2
    exit 1
fi
ensure_odoo_sandbox
mkdir -p "$VAR_DIR" || die "cannot create $VAR_DIR"
VAR_DIR=$(cd "$VAR_DIR" && pwd)

# One run at a time per folder.  The lock dies with this script, even killed:
# the programs it starts do not inherit it (9>&-).
exec 9>"$VAR_DIR/run.lock"
flock -n 9 || die "another make run is using $VAR_DIR: stop it first"

# Where PostgreSQL keeps its data and socket.  As root, PostgreSQL runs as the
# user postgres, which cannot enter a private folder (a clone in /root, mode
# 700): its cluster then lives in /var/tmp, one per work folder.
pg_home() {
    local home
    if [ "$(id -u)" -ne 0 ] || runuser -u postgres -- test -x "$VAR_DIR" 2>/dev/null; then
        echo "$VAR_DIR"
        return
    fi
    home=/var/tmp/jesignexpert_connector-$(echo "$VAR_DIR" | sha256sum | cut -c1-12)
    mkdir -p -m 755 "$home" || die "cannot create $home"
    # /var/tmp is shared: only a folder of ours will do.
    [ ! -L "$home" ] && [ "$(stat -c %u "$home")" = 0 ] || die "$home is not root's own folder"
    chmod 755 "$home"
    echo "$home"
}
ensure_debs postgresql
PG_HOME=$(pg_home) || exit 1
PGDATA_DIR=$PG_HOME/pg
SOCK=$PG_HOME/pgsock
# A Unix socket path is at most 107 bytes long.
[ ${#SOCK} -lt 80 ] || SOCK=/tmp/jsepg-run-$(echo "$VAR_DIR" | sha256sum | cut -c1-8)

# ------------------------------------------------------------ stopping --

ODOO_PID='' SANDBOX_PID='' STEP_PID='' SIGNALLED=''
cleanup() {
    local i
    # make passes SIGTERM on to this script after the process group got it:
    # the second one must not cut the cleanup short.
    trap - EXIT
    trap '' INT TERM HUP
    log "stopping Odoo, the sandbox and PostgreSQL"
    if [ -n "$SIGNALLED" ]; then
        # A signal to the process group (Ctrl-C, docker stop) reached them too:
        # a few seconds to stop on their own, before they are told again.
        for ((i = 0; i < 50; i++)); do
            kill -0 ${ODOO_PID:-} ${SANDBOX_PID:-} ${STEP_PID:-} 2>/dev/null || break
            sleep 0.1
        done
    fi
    stop_pid "$STEP_PID"
    stop_pid "$ODOO_PID" 20
    stop_pid "$SANDBOX_PID"
    wait 2>/dev/null
    rm -f "$VAR_DIR/odoo.pid" "$VAR_DIR/sandbox.pid"
    pg_stop "$PGDATA_DIR"
}
trap cleanup EXIT
trap 'SIGNALLED=1; exit 130' INT
trap 'SIGNALLED=1; exit 143' TERM HUP

# step LOG INPUT COMMAND...: runs a step (its output appended to LOG, its
# input from INPUT) in the background and waits for it, so that a signal stops
# this script, and the step, at once rather than after the step.
step() {
    local logfile=$1 input=$2
    shift 2
    "$@" <"$input" >>"$logfile" 2>&1 9>&- &
    STEP_PID=$!
    wait "$STEP_PID"
    local rc=$?
    STEP_PID=''
    return $rc
}

wait_http() { # URL SECONDS
    local i
    for ((i = 0; i < $2 * 4; i++)); do
        "$ODOO_PYTHON" -c "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)" "$1" \
            2>/dev/null && return 0
        sleep 0.25
    done
    return 1
}

stop_leftover sandbox "$VAR_DIR/sandbox.pid" "$VAR_DIR/sandbox.sqlite3"
stop_leftover Odoo "$VAR_DIR/odoo.pid" "$VAR_DIR/odoo.conf"
for port in "$SANDBOX_PORT" "$ODOO_PORT"; do
    port_free "$port" || die "port $port is in use by another program: choose other ports, as in ODOO_PORT=8169 SANDBOX_PORT=8179 make run"
done

# ------------------------------------------------------------ starting --

log "PostgreSQL (data in $PGDATA_DIR, socket only)"
pg_start "$PGDATA_DIR" "$SOCK" 9>&-

log "sandbox on http://127.0.0.1:$SANDBOX_PORT (log: $VAR_DIR/sandbox.log)"
"$ODOO_PYTHON" -m jse_sandbox --port "$SANDBOX_PORT" --data "$VAR_DIR/sandbox.sqlite3" \
    >"$VAR_DIR/sandbox.log" 2>&1 9>&- &
SANDBOX_PID=$!
echo "$SANDBOX_PID" >"$VAR_DIR/sandbox.pid"
wait_http "http://127.0.0.1:$SANDBOX_PORT/_sandbox/health" 20 || die "the sandbox did not start (see $VAR_DIR/sandbox.log)"

write_odoo_conf "$VAR_DIR/odoo.conf" "$SOCK" "$VAR_DIR/odoo-data" "$ODOO_PORT" "db_name = $DB" "dbfilter = ^$DB\$"
INIT_LOG=$VAR_DIR/odoo-init.log
odoo_init=("$ODOO_PYTHON" "$ODOO_BIN" -c "$VAR_DIR/odoo.conf" --stop-after-init)
: >"$INIT_LOG"

PSQL=("$(pg_bindir)/psql" -h "$SOCK" -U odoo -v ON_ERROR_STOP=1 -qtA)
# set_langs WHOSE: the language of the demo users (admin and demo), and of the
# company too when WHOSE is "company" (its documents, its signature clause).
set_langs() {
    local company=''
    [ "$1" = company ] && company="OR id = (SELECT res_id FROM ir_model_data WHERE module = 'base' AND name = 'main_partner')"
    "${PSQL[@]}" -d "$DB" -c "
        UPDATE res_partner SET lang = '$LANG_CODE' WHERE id IN (
            SELECT u.partner_id FROM res_users u
            JOIN ir_model_data d ON d.model = 'res.users' AND d.res_id = u.id
            WHERE d.module = 'base' AND d.name IN ('user_admin', 'user_demo')) $company" \
        || die "could not set the users' language"
}
lang_args=(--load-language="$LANG_CODE")
if [ "$("${PSQL[@]}" -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$DB'")" = 1 ]; then
    log "upgrading $ADDON in the database $DB"
    # A language asked for now and not loaded yet is loaded with the upgrade.
    [ "$("${PSQL[@]}" -d "$DB" -c "SELECT active FROM res_lang WHERE code = '$LANG_CODE'")" = t ] && lang_args=()
    step "$INIT_LOG" /dev/null "${odoo_init[@]}" -u "$ADDON" "${lang_args[@]}" || die "Odoo could not upgrade $ADDON (see $INIT_LOG)"
    [ -n "${JSE_LANG:-}" ] && set_langs users
else
    log "creating the database $DB with $ADDON and its demo data, in $LANG_CODE (a minute or two)"
    [ "$LANG_CODE" = en_US ] && lang_args=()
    # Odoo's base first, in the demo's language, so that the addon's demo data
    # is created by a French company for French users.
    step "$INIT_LOG" /dev/null "${odoo_init[@]}" -i base "${lang_args[@]}" || die "Odoo could not create $DB (see $INIT_LOG)"
    set_langs company
    step "$INIT_LOG" /dev/null "${odoo_init[@]}" -i "$ADDON" || die "Odoo could not install $ADDON (see $INIT_LOG)"
fi

ADMIN_LANG=$("${PSQL[@]}" -d "$DB" -c "SELECT p.lang FROM res_users u JOIN res_partner p ON p.id = u.partner_id WHERE u.login = 'admin'")

# Point the addon at this sandbox, whatever port it runs on.
"${PSQL[@]}" -d "$DB" -c "
    INSERT INTO ir_config_parameter (key, value, create_date, write_date)
    VALUES ('jesignexpert_connector.environment', 'sandbox', now(), now()),
           ('jesignexpert_connector.sandbox_url', 'http://127.0.0.1:$SANDBOX_PORT', now(), now())
    ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, write_date = now()" \
    || die "could not point the addon at the sandbox"

# The demo company works with a sandbox cabinet, linked once.
: >"$VAR_DIR/odoo-link.log"
step "$VAR_DIR/odoo-link.log" "$ROOT/tools/demo_link.py" "$ODOO_PYTHON" "$ODOO_BIN" shell -c "$VAR_DIR/odoo.conf" --no-http \
    || die "could not link the demo company to the sandbox (see $VAR_DIR/odoo-link.log)"
COMPANY_LINE=$(grep " works with " "$VAR_DIR/odoo-link.log" | tail -n 1)

log "Odoo on http://127.0.0.1:$ODOO_PORT (log: $VAR_DIR/odoo.log)"
"$ODOO_PYTHON" "$ODOO_BIN" -c "$VAR_DIR/odoo.conf" --logfile="$VAR_DIR/odoo.log" 9>&- &
ODOO_PID=$!
echo "$ODOO_PID" >"$VAR_DIR/odoo.pid"
wait_http "http://127.0.0.1:$ODOO_PORT/web/login" 60 || die "Odoo did not start (see $VAR_DIR/odoo.log)"

cat <<MSG

  Odoo 18.0 with jesignexpert_connector:  http://127.0.0.1:$ODOO_PORT
  Login: admin   Password: admin          (database $DB, in ${ADMIN_LANG:-$LANG_CODE}; JSE_LANG=... changes it)
  jesignexpert.com sandbox:               http://127.0.0.1:$SANDBOX_PORT
  (collaborators: jean.doe@cabinet-exemple.fr / demo, ...; ${COMPANY_LINE:-the demo company is linked}:
   Employees > Configuration > jesignexpert.com)
  Start with Employees > Contracts > CDD MARC LANGLOIS > "Signature électronique".

  Ctrl-C stops Odoo, the sandbox and PostgreSQL.

MSG
# Until Odoo or the sandbox stops, or a signal comes.
wait -n "$ODOO_PID" "$SANDBOX_PID"
log "Odoo or the sandbox stopped (see $VAR_DIR/odoo.log and $VAR_DIR/sandbox.log)"
exit 1
