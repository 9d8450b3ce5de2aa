#!/usr/bin/env bash
# The real-cluster suite: applies platform and instance stacks with Terraform and the sandboxkit CLI
# to a real Kubernetes API server, checks what the cluster decided, and destroys everything again.
# The cluster, tools and chart mirror: see scripts/cluster-env.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
fail() { echo "test:cluster: $*" >&2; exit 1; }
# The real node (one per machine) and the browser start or install only when their suite runs: all suites,
# or an argument naming it.
SANDBOXKIT_NEEDS_NODE=0
SANDBOXKIT_NEEDS_BROWSER=0
if [[ $# -eq 0 ]]; then SANDBOXKIT_NEEDS_NODE=1 SANDBOXKIT_NEEDS_BROWSER=1; fi
for arg in "$@"; do
  [[ $arg == *node* ]] && SANDBOXKIT_NEEDS_NODE=1
  [[ $arg == *web* ]] && SANDBOXKIT_NEEDS_BROWSER=1
done
# shellcheck source=scripts/cluster-env.sh
source scripts/cluster-env.sh

npx tsc -p tsconfig.build.json
npx jest -c jest.cluster.config.js --runInBand "$@"
