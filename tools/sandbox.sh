#!/usr/bin/env bash
# `make sandbox`: the jesignexpert.com sandbox alone, in the foreground.
# SANDBOX_PORT (default 8079) and SANDBOX_DATA (default .var/sandbox.sqlite3).
set -euo pipefail
# shellcheck source=tools/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
ensure_tools_venv
mkdir -p "$VAR_DIR"
exec "$TOOLS_VENV/bin/python" -m jse_sandbox \
    --port "${SANDBOX_PORT:-8079}" --data "${SANDBOX_DATA:-$VAR_DIR/sandbox.sqlite3}" "$@"
