#!/usr/bin/env bash
# How long a first `npm test` takes: clones this repository into a temporary folder and times `npm ci` and
# `npm test` there, as a newcomer runs them (`npm run bench:first-run`).
#   --fresh-machine as on a machine that never ran them: every cache starts empty (sandboxkit's and the tools'
#                   under ~/.cache, Go's build and module caches, pip's and npm's), so npm ci downloads every
#                   package and the tests build helm and install checkov from scratch
#   --ci            times `bash .ci/run` instead (npm ci, npm test, then the real-cluster suite with the real node
#                   and the controllers, built first when their caches are empty); stop a real node that runs
#                   (scripts/node/down.sh) before a --fresh-machine --ci run, since the machine has room for one
# Prints one line per step with its seconds and the load average when it ended; the clone is removed.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
cleanup() {
  # A real node started from this run's caches outlives the run (as it does for every cluster run): stop it first.
  if [[ -n ${XDG_CACHE_HOME:-} && -d $XDG_CACHE_HOME/sandboxkit/node/run ]]; then
    bash "$work/sandboxkit/scripts/node/down.sh" >/dev/null 2>&1 || true
  fi
  # Go's module cache is read-only; make it writable before removing it.
  chmod -R u+w "$work" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
ci=false
for arg in "$@"; do
  case $arg in
    --fresh-machine) export XDG_CACHE_HOME=$work/cache GOMODCACHE=$work/gomod npm_config_cache=$work/npm ;;
    --ci) ci=true ;;
    *) echo "first-run: unknown option $arg (--fresh-machine, --ci)" >&2; exit 2 ;;
  esac
done

git clone --quiet "$src" "$work/sandboxkit"
# The tests read the chart mirror and control plane from ../shared, as beside any clone.
ln -s "$(cd "$src/../shared" && pwd)" "$work/shared"
cd "$work/sandboxkit"
step() {
  local name=$1
  shift
  local start end
  start=$(date +%s.%N)
  local log=$work/${name//\//_}.log
  "$@" >"$log" 2>&1 || { tail -n 40 "$log" >&2; echo "first-run: $name failed" >&2; exit 1; }
  end=$(date +%s.%N)
  printf '%-12s %7.1f s   load %s\n' "$name" "$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')" "$(cut -d' ' -f1-3 /proc/loadavg)"
}
if $ci; then
  step ".ci/run" bash .ci/run
  grep -E '^(Tests|Time):' "$work/.ci_run.log" | sed 's/^/  jest: /'
  # What the real node's and the controllers' builds took, when they were built in this run.
  grep -E '^(\[(node-build|images)|controllers: built|ci: )' "$work/.ci_run.log" | grep -E '[0-9]+ s' | sed 's/^/  /' || true
  exit 0
fi
step "npm ci" npm ci --no-audit --no-fund
step "npm test" npm test
grep -E '^(Tests|Time):' "$work/npm test.log" | sed 's/^/  jest: /'
