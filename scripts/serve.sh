#!/usr/bin/env bash
# Command 1 of the README: builds everything and serves the page with the demo one click away.
#   bash scripts/serve.sh [PORT]     (default 8080) → http://127.0.0.1:PORT/
source "$(dirname "$0")/lib.sh"
PORT="${1:-8080}"
build_page
step "serving $ROOT/dist on http://127.0.0.1:$PORT/ (Ctrl-C to stop)"
exec node "$ROOT/tools/serve.mjs" "$ROOT/dist" "$PORT"
