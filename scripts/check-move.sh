#!/usr/bin/env bash
# Checks the syntax and formatting of every .move file with Mysten's prettier plugin.
# A file that does not parse or is not formatted fails the check. To fix formatting:
#   scripts/check-move.sh --write
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mode="--check"
[ "${1:-}" = "--write" ] && mode="--write"
mapfile -t files < <(cd "$root" && git ls-files --cached --others --exclude-standard -- '*.move')
if [ ${#files[@]} -eq 0 ]; then
  echo "no .move files found"
  exit 0
fi
cd "$root"
"$root/scripts/node_modules/.bin/prettier" --plugin "$root/scripts/node_modules/@mysten/prettier-plugin-move/out/index.js" \
  "$mode" "${files[@]}"
echo "checked ${#files[@]} Move files"
