#!/usr/bin/env bash
# The real node for the cluster suite, built and started when needed: its parts (scripts/node/build.sh), the images
# (scripts/images/build.sh), then scripts/node/up.sh. Each step reuses what is cached for its version, so a warm run
# only starts processes. Writes how long each cold step took to $NODE_CACHE/timings.txt (`name seconds`).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/node/versions.sh
source "$HERE/versions.sh"
mkdir -p "$NODE_CACHE"
bash "$HERE/build.sh" --timings >>"$NODE_CACHE/timings.txt"
bash "$HERE/../images/build.sh" --timings >>"$NODE_CACHE/timings.txt"
bash "$HERE/up.sh"
