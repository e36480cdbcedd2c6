#!/usr/bin/env bash
# The one test command (README.md "Test"). CI runs exactly this via .ci/run.
# It installs what a fresh Debian machine with Rust, Node.js and npm lacks, then runs every check:
# Rust formatting, clippy, all Rust tests, and the Move syntax/format check.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

step() { printf '\n==> %s\n' "$*"; }

# Incremental compilation only pays off on rebuilds; on a cold CI machine it costs time and disk.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"

step "installing missing system packages"
"$root/scripts/install-deps.sh"

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (all targets, warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "cargo test"
if command -v cargo-nextest >/dev/null 2>&1; then
  cargo nextest run --workspace --locked --no-fail-fast
  # nextest does not run doctests.
  cargo test --workspace --locked --doc
else
  cargo test --workspace --locked --no-fail-fast
fi

step "Move syntax and formatting (@mysten/prettier-plugin-move)"
"$root/scripts/check-move.sh"

step "all checks passed"
