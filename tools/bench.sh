#!/usr/bin/env bash
# `make bench`: the benchmarks of tools/bench.py, in a fresh database of a
# private cluster, against a sandbox on loopback.  Prints figures.
set -uo pipefail
# shellcheck source=tools/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
find_odoo || die "$ODOO_MISSING"
WORK=$(mktemp -d /tmp/jse-bench.XXXXXX)
chmod 755 "$WORK"
trap 'pg_stop "$WORK/pgdata"; rm -rf "$WORK"' EXIT
pg_start "$WORK/pgdata" "$WORK/sock" -c fsync=off
write_odoo_conf "$WORK/odoo.conf" "$WORK/sock" "$WORK/data" "$(free_port)" "report.url = http://127.0.0.1:9"
log "installing $ADDON into a fresh database"
"$ODOO_PYTHON" "$ODOO_BIN" -c "$WORK/odoo.conf" -d jse_bench -i "$ADDON" --without-demo=all --stop-after-init \
    >"$WORK/install.log" 2>&1 || { tail -n 30 "$WORK/install.log"; die "install failed"; }
log "running the benchmarks (a few minutes)"
"$ODOO_PYTHON" "$ODOO_BIN" shell -c "$WORK/odoo.conf" -d jse_bench --no-http --log-level=warn <"$ROOT/tools/bench.py" 2>&1 \
    | grep -v "^\(WARNING\|INFO\|Exit with code 1 due to network error\)" | grep -E "^\(|^    |Error|Traceback|File"
