#!/usr/bin/env bash
# `make bench`: the benchmarks of tools/bench.py, in a fresh database of a
# private cluster, against a sandbox on loopback.  Prints figures.
set -uo pipefail
# shellcheck source=tools/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
require_odoo
WORK=$(mktemp -d /tmp/jse-bench.XXXXXX)
chmod 755 "$WORK"
PIDS=()
trap 'kill "${PIDS[@]}" 2>/dev/null; wait 2>/dev/null; pg_stop "$WORK/pgdata"; rm -rf "$WORK"' EXIT
pg_start "$WORK/pgdata" "$WORK/sock" -c fsync=off
write_odoo_conf "$WORK/odoo.conf" "$WORK/sock" "$WORK/data" "$(free_port)" "report.url = http://127.0.0.1:9"
log "installing $ADDON into a fresh database"
"$ODOO_PYTHON" "$ODOO_BIN" -c "$WORK/odoo.conf" -d jse_bench -i "$ADDON" --without-demo=all --stop-after-init \
    >"$WORK/install.log" 2>&1 || { tail -n 30 "$WORK/install.log"; die "install failed"; }
log "running the benchmarks (a few minutes)"
"$ODOO_PYTHON" "$ODOO_BIN" shell -c "$WORK/odoo.conf" -d jse_bench --no-http --log-level=warn <"$ROOT/tools/bench.py" 2>&1 \
    | grep -v "^\(WARNING\|INFO\|Exit with code 1 due to network error\)" | grep -E "^\(|^    |Error|Traceback|File"

# shell STEP: one step of tools/bench_sync.py in `odoo-bin shell`.
shell() {
    JSE_BENCH_STEP=$1 "$ODOO_PYTHON" "$ODOO_BIN" shell -c "$WORK/odoo.conf" -d jse_bench --no-http --log-level=warn \
        <"$ROOT/tools/bench_sync.py" 2>&1 | grep -E "^\(|^    |Error|Traceback|File"
}
shell shared

log "(d) two Odoo servers with a cron worker each, on one database (a minute or two)"
SANDBOX_PORT=$(free_port)
"$ODOO_PYTHON" -m jse_sandbox --port "$SANDBOX_PORT" --data "$WORK/sandbox.sqlite3" >"$WORK/sandbox.log" 2>&1 &
PIDS+=($!)
until "$BASE_PYTHON" -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$SANDBOX_PORT/_sandbox/health', timeout=2)" 2>/dev/null; do
    kill -0 "${PIDS[0]}" 2>/dev/null || die "the sandbox did not start: $(tail -n 3 "$WORK/sandbox.log")"
    sleep 0.2
done
JSE_SANDBOX_URL=http://127.0.0.1:$SANDBOX_PORT shell setup
for n in 1 2; do
    "$ODOO_PYTHON" "$ODOO_BIN" -c "$WORK/odoo.conf" -d jse_bench --workers=2 --max-cron-threads=1 \
        --http-port="$(free_port)" --gevent-port="$(free_port)" --log-level=warn >"$WORK/server$n.log" 2>&1 &
    PIDS+=($!)
done
sleep 8 # both servers' cron workers listen for triggers
shell trigger
psql_bench() { "$(pg_bindir)/psql" -h "$WORK/sock" -U odoo -d jse_bench -tAc "$1"; }
for _second in $(seq 1 300); do
    home=$(psql_bench "SELECT count(*) FROM jesignexpert_collection WHERE signed_attachment_id IS NOT NULL")
    [ "$home" -ge 100 ] && break
    sleep 1
done
kill "${PIDS[@]:1}" 2>/dev/null
wait "${PIDS[@]:1}" 2>/dev/null
shell report
if grep -qh " ERROR \| CRITICAL " "$WORK"/server*.log; then
    grep -h " ERROR \| CRITICAL " "$WORK"/server*.log | head -n 5
else
    echo "    no error in either server's log"
fi

# bulk STEP: one step of tools/bench_bulk.py in `odoo-bin shell`, against the sandbox.
bulk() {
    JSE_BENCH_STEP=$1 JSE_SANDBOX_URL=http://127.0.0.1:$SANDBOX_PORT "$ODOO_PYTHON" "$ODOO_BIN" shell \
        -c "$WORK/odoo.conf" -d jse_bench --no-http --log-level=warn <"$ROOT/tools/bench_bulk.py" 2>&1 \
        | grep -v "^Exit with code 1 due to network error" | grep -E "^\(|^    |Error|Traceback|File"
}
log "(f) a bulk sending of ${JSE_BENCH_CONTRACTS:-200} contracts, prepared by the scheduled action's batches (a few minutes)"
bulk f
log "(g) ${JSE_BENCH_FAIR_CONTRACTS:-1000} contracts in one sending, and 5 sent during it (ten minutes or so)"
bulk g

log "(i) the reconciliation sweep's reads a day, from its schedule (no HTTP call)"
"$BASE_PYTHON" "$ROOT/tools/bench_sweep.py"
