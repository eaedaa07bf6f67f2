#!/usr/bin/env bash
# Builds the deployable static folder dist/ (copy it to any static host) without serving it.
source "$(dirname "$0")/lib.sh"
build_page
step "dist/ is ready: $(cd "$ROOT/dist" && find . -type f | sort | tr '\n' ' ')"
