#!/usr/bin/env bash
# The README's run command: installs what a fresh Debian machine with Rust lacks (libclang for
# RocksDB), builds `walrus` optimised, and runs `walrus local` (the chain, 10 storage nodes and a
# publisher/aggregator on 127.0.0.1) with its data in ./walrus-local. Ctrl-C stops it; running
# it again resumes with every blob. Extra arguments go to `walrus local` (see --help).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/install-deps.sh" --system-only
cargo build --release --locked --manifest-path "$root/Cargo.toml" -p walrus
exec "$root/target/release/walrus" local "$@"
