#!/usr/bin/env bash
# `make i18n`: exports the addon's terms the way Odoo does (into the .pot, from
# a fresh database of a private cluster) and merges them into i18n/fr.po.
# Lists the French translations still missing; exits 1 while there are some.
set -uo pipefail
# shellcheck source=tools/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
find_odoo || die "$ODOO_MISSING"
WORK=$(mktemp -d /tmp/jse-i18n.XXXXXX)
chmod 755 "$WORK"
SOCK=$WORK/sock
trap 'pg_stop "$WORK/pgdata"; rm -rf "$WORK"' EXIT
pg_start "$WORK/pgdata" "$SOCK" -c fsync=off
write_odoo_conf "$WORK/odoo.conf" "$SOCK" "$WORK/data" "$(free_port)"
# With its demo data, whose terms (the demo's job positions) are exported too,
# as Odoo's own addons do: a demo run in French shows them in French.
log "installing $ADDON and its demo data into a fresh database"
"$ODOO_PYTHON" "$ODOO_BIN" -c "$WORK/odoo.conf" -d jse_i18n -i "$ADDON" --stop-after-init \
    >"$WORK/install.log" 2>&1 || { tail -n 30 "$WORK/install.log"; die "install failed"; }
log "exporting $ADDON/i18n/$ADDON.pot"
"$ODOO_PYTHON" "$ODOO_BIN" -c "$WORK/odoo.conf" -d jse_i18n --modules="$ADDON" \
    --i18n-export="$ROOT/$ADDON/i18n/$ADDON.pot" --stop-after-init >"$WORK/export.log" 2>&1 \
    || { tail -n 30 "$WORK/export.log"; die "export failed"; }
"$ODOO_PYTHON" "$ROOT/tools/po_merge.py" "$(dirname "$ODOO_BIN")"
