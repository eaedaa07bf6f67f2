#!/usr/bin/env bash
# Runs every cargo-fuzz target for SECONDS each (default 10) from its seed corpus in fuzz/corpus.
#   bash scripts/fuzz.sh 600              # a long run: optimised, AddressSanitizer (the default)
#   bash scripts/fuzz.sh 10 --quick       # what the test command runs: a debug build without
#                                         # sanitizer, which compiles in about half the time and
#                                         # still catches every panic (the core is safe Rust)
source "$(dirname "$0")/lib.sh"
SECONDS_EACH="${1:-10}"
BUILD_FLAGS=()
if [ "${2:-}" = "--quick" ]; then
  BUILD_FLAGS=(--dev --sanitizer none)
fi
if ! cargo +nightly --version >/dev/null 2>&1; then
  echo "fuzz: no nightly toolchain on this machine; skipping (cargo fuzz needs nightly)" >&2
  exit 0
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  step "installing cargo-fuzz"
  cargo install cargo-fuzz
fi
cd "$ROOT/fuzz"
for target in $(cargo +nightly fuzz list); do
  step "fuzzing $target for ${SECONDS_EACH}s"
  mkdir -p "corpus/$target"
  # Work on a scratch copy so brief runs do not churn the committed seed corpus.
  work="$(mktemp -d)"
  cp -r "corpus/$target/." "$work/"
  cargo +nightly fuzz run "${BUILD_FLAGS[@]}" "$target" "$work" -- -max_total_time="$SECONDS_EACH" -rss_limit_mb=4096 -max_len=262144 2>&1 |
    grep -E "^(#[0-9]+ *(DONE|INITED)|Done|==[0-9]+==|SUMMARY|thread|panicked|Running)" || true
  status=${PIPESTATUS[0]}
  rm -rf "$work"
  if [ "$status" != 0 ]; then
    echo "fuzz target $target failed (status $status): see fuzz/artifacts/$target" >&2
    exit 1
  fi
done
