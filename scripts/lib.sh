# Shared set-up steps for scripts/serve.sh and scripts/test.sh (sourced, not run).
# Each step installs what is missing and does nothing when it is already there, so the same
# scripts work on a fresh machine (as root) and on a developer's.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$HOME/.cargo/bin:$PATH"

step() { printf '\n==> [%ss] %s\n' "$SECONDS" "$*"; }

# The one place the wasm-bindgen version is pinned is Cargo.toml; the CLI must match it.
wasm_bindgen_version() {
  sed -n 's/^wasm-bindgen = "=\([0-9.]*\)".*/\1/p' "$ROOT/Cargo.toml" | head -n 1
}

ensure_wasm_target() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    step "installing the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
}

ensure_wasm_bindgen() {
  local want have
  want="$(wasm_bindgen_version)"
  have="$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)"
  if [ "$have" != "$want" ]; then
    step "installing wasm-bindgen-cli $want (found: ${have:-none})"
    cargo install wasm-bindgen-cli --version "$want" --force
  fi
}

ensure_npm() {
  if [ ! -x "$ROOT/node_modules/.bin/wasm-opt" ] || [ ! -d "$ROOT/node_modules/playwright-core" ]; then
    step "installing npm packages (pinned in package-lock.json)"
    (cd "$ROOT" && npm ci --no-audit --no-fund)
  fi
}

ensure_chromium() {
  if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
    step "installing Debian's chromium and chromium-driver"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q chromium chromium-driver
  fi
}

# Builds the page into www/pkg and the deployable static folder dist/.
build_page() {
  ensure_wasm_target
  ensure_wasm_bindgen
  ensure_npm
  step "building the wasm module (profile wasm: release, optimised for size)"
  (cd "$ROOT" && cargo build --profile wasm --lib --target wasm32-unknown-unknown)
  rm -rf "$ROOT/www/pkg"
  wasm-bindgen --target web --no-typescript --out-dir "$ROOT/www/pkg" \
    "$ROOT/target/wasm32-unknown-unknown/wasm/leakscope.wasm"
  # -Os, not -Oz: for this module its output is ~4 KB larger raw but ~500 B smaller gzipped,
  # which is what the page downloads. --converge repeats the passes while they still shrink the
  # module (~900 B gzipped, ~15 s); the producers and target-features sections are notes for
  # tools, which no browser reads.
  step "optimising with wasm-opt -Os --converge (npm binaryen)"
  "$ROOT/node_modules/.bin/wasm-opt" -Os --converge --strip-producers --strip-target-features \
    --enable-bulk-memory --enable-nontrapping-float-to-int \
    --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue \
    "$ROOT/www/pkg/leakscope_bg.wasm" -o "$ROOT/www/pkg/leakscope_bg.wasm"
  rm -rf "$ROOT/dist"
  mkdir -p "$ROOT/dist"
  cp -r "$ROOT/www/." "$ROOT/dist/"
  local raw
  raw=$(stat -c %s "$ROOT/dist/pkg/leakscope_bg.wasm")
  # Global: the test command holds it to the page's budget.
  WASM_GZ_BYTES=$(gzip -9 -c "$ROOT/dist/pkg/leakscope_bg.wasm" | wc -c)
  step "wasm size: $raw bytes raw, $WASM_GZ_BYTES bytes gzipped ($((WASM_GZ_BYTES / 1024)) KiB)"
}
