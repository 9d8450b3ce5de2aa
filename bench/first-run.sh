#!/usr/bin/env bash
# How long a first `npm test` takes: clones this repository into a temporary folder and times `npm ci` and
# `npm test` there, as a newcomer runs them (`npm run bench:first-run`).
#   --fresh-tools   also build helm and install checkov from scratch (a machine that never ran the tests),
#                   instead of linking the ones this machine built before (~/.cache/sandboxkit/tools)
# Prints one line per step with its seconds and the load average when it ended; the clone is removed.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
[[ ${1:-} == --fresh-tools ]] && export SANDBOXKIT_TOOLS_CACHE=$work/tools

git clone --quiet "$src" "$work/sandboxkit"
# The tests read the chart mirror and control plane from ../shared, as beside any clone.
ln -s "$(cd "$src/../shared" && pwd)" "$work/shared"
cd "$work/sandboxkit"
step() {
  local name=$1
  shift
  local start end
  start=$(date +%s.%N)
  "$@" >"$work/$name.log" 2>&1 || { tail -n 40 "$work/$name.log" >&2; echo "first-run: $name failed" >&2; exit 1; }
  end=$(date +%s.%N)
  printf '%-12s %7.1f s   load %s\n' "$name" "$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')" "$(cut -d' ' -f1-3 /proc/loadavg)"
}
step "npm ci" npm ci --no-audit --no-fund
step "npm test" npm test
grep -E '^(Tests|Time):' "$work/npm test.log" | sed 's/^/  jest: /'
