#!/usr/bin/env bash
# Installs what this repository needs beyond Rust, Node.js and npm. Idempotent: it only installs
# what is missing, so it is cheap on a machine that already has everything.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

need_apt=()
# RocksDB's bindings are generated with bindgen (libclang).
if ! ls /usr/lib/llvm-*/lib/libclang.so* /usr/lib/*/libclang-[0-9]*.so* >/dev/null 2>&1; then
  need_apt+=(libclang-dev)
fi
command -v g++ >/dev/null 2>&1 || need_apt+=(g++)
# RocksDB itself is linked from the system (.cargo/config.toml), not compiled.
if [ ! -e /usr/include/rocksdb/c.h ] || [ -z "$(ls /usr/lib/librocksdb.so /usr/lib/*/librocksdb.so 2>/dev/null)" ]; then
  need_apt+=(librocksdb-dev)
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "installing: ${need_apt[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${need_apt[@]}"
fi

# `--system-only`: the local network needs no Node.js tools.
[ "${1:-}" = "--system-only" ] && exit 0

if ! command -v npm >/dev/null 2>&1; then
  echo "error: npm is required for the Move format check; install Node.js and npm first" >&2
  exit 1
fi
# Pinned Node.js tools, exactly as in scripts/package-lock.json.
if [ ! -d "$root/scripts/node_modules/@mysten/prettier-plugin-move" ] || [ ! -d "$root/scripts/node_modules/@mysten/sui" ]; then
  (cd "$root/scripts" && npm ci --no-audit --no-fund --loglevel=error)
fi
