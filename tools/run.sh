#!/usr/bin/env bash
# `make run`: a private PostgreSQL cluster, the jesignexpert.com sandbox and
# Odoo 18.0 with the addon and its demo data on http://127.0.0.1:$ODOO_PORT.
# Everything it keeps lives under .var/ (git-ignored).  Ctrl-C stops it all.
set -uo pipefail
# shellcheck source=tools/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

ODOO_PORT=${ODOO_PORT:-8069}
SANDBOX_PORT=${SANDBOX_PORT:-8079}
DB=${ODOO_DB:-jesignexpert_demo}

if ! find_odoo; then
    echo "make run needs Odoo 18.0, which is not installed: run ODOO_SRC=/path/to/odoo-18.0 make run once (see README)" >&2
    exit 1
fi

mkdir -p "$VAR_DIR"
PGDATA_DIR=$VAR_DIR/pg
SOCK=$VAR_DIR/pgsock
# A Unix socket path is at most 107 bytes long.
[ ${#SOCK} -lt 80 ] || SOCK=/tmp/jsepg-run-$(echo "$ROOT" | sha256sum | cut -c1-8)
PIDS=()
cleanup() {
    trap - EXIT INT TERM
    [ ${#PIDS[@]} -gt 0 ] && kill "${PIDS[@]}" 2>/dev/null && wait "${PIDS[@]}" 2>/dev/null
    pg_stop "$PGDATA_DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_http() { # URL SECONDS
    local i
    for ((i = 0; i < $2 * 4; i++)); do
        "$ODOO_PYTHON" -c "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)" "$1" \
            2>/dev/null && return 0
        sleep 0.25
    done
    return 1
}

log "PostgreSQL (data in $PGDATA_DIR, socket only)"
pg_start "$PGDATA_DIR" "$SOCK"

log "sandbox on http://127.0.0.1:$SANDBOX_PORT (log: $VAR_DIR/sandbox.log)"
"$ODOO_PYTHON" "$ROOT/tools/sandbox.py" --port "$SANDBOX_PORT" --data "$VAR_DIR/sandbox.sqlite3" \
    >"$VAR_DIR/sandbox.log" 2>&1 &
PIDS+=($!)
wait_http "http://127.0.0.1:$SANDBOX_PORT/_sandbox/health" 20 || die "the sandbox did not start (see $VAR_DIR/sandbox.log)"

write_odoo_conf "$VAR_DIR/odoo.conf" "$SOCK" "$VAR_DIR/odoo-data" "$ODOO_PORT" "db_name = $DB" "dbfilter = ^$DB\$"

PSQL=("$(pg_bindir)/psql" -h "$SOCK" -U odoo -v ON_ERROR_STOP=1 -qtA)
if [ "$("${PSQL[@]}" -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$DB'")" = 1 ]; then
    log "upgrading $ADDON in the database $DB"
    action=(-u "$ADDON")
else
    log "creating the database $DB with $ADDON and its demo data (a minute)"
    action=(-i "$ADDON")
fi
"$ODOO_PYTHON" "$ODOO_BIN" -c "$VAR_DIR/odoo.conf" "${action[@]}" --stop-after-init >"$VAR_DIR/odoo-init.log" 2>&1 \
    || die "Odoo could not install $ADDON (see $VAR_DIR/odoo-init.log)"

# Point the addon at this sandbox, whatever port it runs on.
"${PSQL[@]}" -d "$DB" -c "
    INSERT INTO ir_config_parameter (key, value, create_date, write_date)
    VALUES ('jesignexpert_connector.environment', 'sandbox', now(), now()),
           ('jesignexpert_connector.sandbox_url', 'http://127.0.0.1:$SANDBOX_PORT', now(), now())
    ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, write_date = now()" \
    || die "could not point the addon at the sandbox"

# The demo company works with a sandbox cabinet, linked once.
"$ODOO_PYTHON" "$ODOO_BIN" shell -c "$VAR_DIR/odoo.conf" --no-http <"$ROOT/tools/demo_link.py" >"$VAR_DIR/odoo-link.log" 2>&1 \
    || die "could not link the demo company to the sandbox (see $VAR_DIR/odoo-link.log)"

log "Odoo on http://127.0.0.1:$ODOO_PORT (log: $VAR_DIR/odoo.log)"
"$ODOO_PYTHON" "$ODOO_BIN" -c "$VAR_DIR/odoo.conf" --logfile="$VAR_DIR/odoo.log" &
PIDS+=($!)
wait_http "http://127.0.0.1:$ODOO_PORT/web/login" 60 || die "Odoo did not start (see $VAR_DIR/odoo.log)"

cat <<MSG

  Odoo 18.0 with jesignexpert_connector:  http://127.0.0.1:$ODOO_PORT
  Login: admin   Password: admin          (database $DB)
  jesignexpert.com sandbox:               http://127.0.0.1:$SANDBOX_PORT
  (collaborators: jean.doe@cabinet-exemple.fr / demo, ...; YourCompany is linked
   to its "Cabinet Dupont Expertise": Employees > Configuration > jesignexpert.com)

  Ctrl-C stops Odoo, the sandbox and PostgreSQL.

MSG
wait "${PIDS[@]}"
