#!/bin/sh
# Builds the DocC documentation of every library module that has a
# catalogue (Sources/MODULE/MODULE.docc) with warnings as errors: a broken
# symbol link, a parameter list that misses a parameter or an article that
# does not resolve fails `make test`. The archives are left in
# .build/plugins/Swift-DocC/outputs/MODULE.doccarchive.
# Usage: scripts/docs_check.sh [MODULE ...]
set -eu
cd "$(dirname "$0")/.."
modules=${*:-$(for d in Sources/*/*.docc; do basename "$(dirname "$d")"; done)}
failed=""
for module in $modules; do
  log=$(mktemp)
  # One module at a time: the plugin shares its intermediate directory between runs.
  if swift package --disable-sandbox generate-documentation --target "$module" --warnings-as-errors >"$log" 2>&1; then
    echo "docs_check: $module: no warnings"
  else
    grep -A4 -E "^(error|warning):" "$log" >&2 || cat "$log" >&2
    failed="$failed $module"
  fi
  rm -f "$log"
done
[ -z "$failed" ] || { echo "docs_check: DocC warnings in:$failed" >&2; exit 1; }
