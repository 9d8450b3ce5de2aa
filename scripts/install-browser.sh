#!/usr/bin/env bash
# Installs Debian's Chromium, which the browser tests of `sandboxkit serve` drive with Playwright
# (test/cluster/web.cluster.test.ts): browser downloads are not reachable here, the system browser is.
# A browser that cannot be installed fails the run; the tests never skip for want of one.
set -euo pipefail
if command -v chromium >/dev/null; then exit 0; fi
if [[ $(id -u) != 0 ]]; then
  echo "install-browser: chromium is missing; install it as root: apt-get install -y chromium" >&2
  exit 1
fi
echo "install-browser: installing Debian's chromium (one-off)" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends chromium >/dev/null
command -v chromium >/dev/null || { echo "install-browser: chromium did not install" >&2; exit 1; }
