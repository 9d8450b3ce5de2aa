#!/usr/bin/env bash
# Installs Debian's Chromium, which the browser tests of `sandboxkit serve` drive with Playwright
# (test/cluster/web.cluster.test.ts): browser downloads are not reachable here, the system browser is.
# A browser that cannot be installed fails the run; the tests never skip for want of one.
set -euo pipefail
if command -v chromium >/dev/null; then exit 0; fi
bash "$(dirname "$0")/debian-packages.sh" install-browser chromium
command -v chromium >/dev/null || { echo "install-browser: chromium did not install" >&2; exit 1; }
