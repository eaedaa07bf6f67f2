#!/usr/bin/env bash
# Command 2 of the README: runs every test, installing what is missing first.
#   bash scripts/test.sh
# Steps: fmt, clippy (host and wasm32), host tests, wasm-bindgen tests in headless Chromium,
# a short fuzz run of every target, the page build, and the Playwright e2e suite against the
# served page. Prints the wasm size and fails past the page's 400 KB gzipped budget. Exits
# non-zero on the first failure.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
ensure_wasm_target
ensure_wasm_bindgen
ensure_npm
ensure_chromium

step "cargo fmt --check"
cargo fmt --all --check

step "clippy (host)"
cargo clippy --all-targets --locked -- -D warnings
step "clippy (wasm32)"
cargo clippy --all-targets --locked --target wasm32-unknown-unknown -- -D warnings

step "host tests"
cargo test --locked

step "wasm-bindgen tests in headless Chromium"
export CHROMEDRIVER=/usr/bin/chromedriver
export WASM_BINDGEN_TEST_TIMEOUT=120
# webdriver.json (in the repo root) passes Chromium's headless/no-sandbox flags.
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  cargo test --locked --target wasm32-unknown-unknown --test web
step "wasm-bindgen tests of the Viewer's share API (Node)"
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  cargo test --locked --target wasm32-unknown-unknown --lib web::

if [ "${LEAKSCOPE_SKIP_FUZZ:-0}" != "1" ]; then
  bash "$ROOT/scripts/fuzz.sh" "${LEAKSCOPE_FUZZ_SECONDS:-10}" --quick
fi

build_page
# The page's budget (issue 6): the module a browser downloads is at most 400 KB gzipped, reading
# KB as 1,000 bytes. It was 377,379 bytes when this check came in.
WASM_BUDGET_BYTES=400000
if [ "$WASM_GZ_BYTES" -gt "$WASM_BUDGET_BYTES" ]; then
  echo "the wasm module is $WASM_GZ_BYTES bytes gzipped, over the page's $WASM_BUDGET_BYTES-byte budget" >&2
  exit 1
fi

step "end-to-end tests (Playwright + Debian Chromium against the served page)"
node --test --test-concurrency=1 tests/e2e/
