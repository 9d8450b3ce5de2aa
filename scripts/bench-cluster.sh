#!/usr/bin/env bash
# `npm run bench:cluster`: create→ready and destroy times on a real API server (bench/cluster.ts).
# The cluster, tools and chart mirror: see scripts/cluster-env.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
fail() { echo "bench:cluster: $*" >&2; exit 1; }
# shellcheck source=scripts/cluster-env.sh
source scripts/cluster-env.sh
npx tsc -p tsconfig.build.json
node dist/bench/cluster.js
