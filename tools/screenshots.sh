#!/usr/bin/env bash
# `make screenshots`: runs `make run`'s demo from scratch (a new database and
# sandbox in a temporary folder, on free ports), drives headless Chromium
# through it (tools/screenshots.py) and saves its main screens, in French, as
# docs/screenshots/*.png.  They are regenerated this way, never edited by hand.
set -uo pipefail
# shellcheck source=tools/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
find_odoo || die "$ODOO_MISSING"
ensure_debs chromium fonts-dejavu-core
OUT=${SCREENSHOTS_DIR:-$ROOT/docs/screenshots}
WORK=$(mktemp -d /tmp/jse-screenshots.XXXXXX)
chmod 755 "$WORK" # PostgreSQL, run as postgres, keeps its data inside
ODOO_PORT=$(free_port)
SANDBOX_PORT=$(free_port)
RUN_PID=''
finish() {
    if [ -n "$RUN_PID" ]; then
        # As docker stop would: SIGTERM to make run's process group.
        kill -TERM -- "-$RUN_PID" 2>/dev/null
        wait "$RUN_PID" 2>/dev/null
    fi
    rm -rf "$WORK"
}
trap finish EXIT
trap 'exit 130' INT TERM

log "make run's demo in $WORK (Odoo on port $ODOO_PORT, sandbox on $SANDBOX_PORT; a minute or two)"
setsid env JSE_VAR_DIR="$WORK/var" ODOO_PORT="$ODOO_PORT" SANDBOX_PORT="$SANDBOX_PORT" JSE_LANG="${JSE_LANG:-fr_FR}" \
    bash "$ROOT/tools/run.sh" >"$WORK/run.log" 2>&1 &
RUN_PID=$!
until grep -q "Ctrl-C stops" "$WORK/run.log"; do
    kill -0 "$RUN_PID" 2>/dev/null || { cat "$WORK/run.log" >&2; die "make run stopped"; }
    sleep 1
done

log "Chromium through the demo: $OUT"
# Old screens go: each run writes the whole set.
rm -f "$OUT"/*.png
"$ODOO_PYTHON" "$ROOT/tools/screenshots.py" --odoo "http://127.0.0.1:$ODOO_PORT" \
    --sandbox "http://127.0.0.1:$SANDBOX_PORT" --out "$OUT" || die "the screenshots could not be taken"
