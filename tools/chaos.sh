#!/usr/bin/env bash
# `make chaos`: the randomized fault campaign of the way back
# (jesignexpert_connector/tests/test_chaos.py), many seeded schedules, in a
# fresh database of a private cluster, against a sandbox on loopback.
#   JSE_CHAOS_SCHEDULES (default 100), JSE_CHAOS_SEED (the first seed, default 1)
# Prints "N schedules, 0 lost, 0 doubled, 0 stuck", or the seeds that fail.
set -uo pipefail
# shellcheck source=tools/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
require_odoo
WORK=$(mktemp -d /tmp/jse-chaos.XXXXXX)
chmod 755 "$WORK"
trap 'pg_stop "$WORK/pgdata"; rm -rf "$WORK"' EXIT
pg_start "$WORK/pgdata" "$WORK/sock" -c fsync=off -c synchronous_commit=off
write_odoo_conf "$WORK/odoo.conf" "$WORK/sock" "$WORK/data" "$(free_port)" "list_db = False"
log "installing $ADDON into a fresh database"
"$ODOO_PYTHON" "$ODOO_BIN" -c "$WORK/odoo.conf" -d jse_chaos -i "$ADDON" --stop-after-init \
    >"$WORK/install.log" 2>&1 || { tail -n 30 "$WORK/install.log"; die "install failed"; }
export JSE_CHAOS_SCHEDULES=${JSE_CHAOS_SCHEDULES:-100}
log "playing $JSE_CHAOS_SCHEDULES schedules from seed ${JSE_CHAOS_SEED:-1} (about 5 s each)"
"$ODOO_PYTHON" "$ODOO_BIN" -c "$WORK/odoo.conf" -d jse_chaos --test-enable --stop-after-init \
    --test-tags "/$ADDON:TestChaosCampaign" >"$WORK/chaos.log" 2>&1
grep -E "chaos seed [0-9]+:" -A1 "$WORK/chaos.log" | sed -E 's/^[0-9-]+ [0-9:,]+ [0-9]+ [A-Z]+ [^ ]+ [^ ]+: //'
line=$(sed -nE 's/.*chaos: ([0-9]+ schedules.*[^ ]) *$/\1/p' "$WORK/chaos.log" | tail -n 1)
result=$(grep -oE '[0-9]+ failed, [0-9]+ error\(s\) of [0-9]+ tests' "$WORK/chaos.log" | tail -n 1)
echo "${line:-no result (see below)}"
if [ -z "$line" ] || [ "$result" != "0 failed, 0 error(s) of 1 tests" ]; then
    grep -E " (ERROR|CRITICAL) " "$WORK/chaos.log" | grep -v "chaos seed" | head -n 20 >&2
    exit 1
fi
