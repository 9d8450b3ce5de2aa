#!/usr/bin/env bash
# Installs the Debian packages a build or test needs and this machine lacks (`debian-packages.sh WHO PACKAGE...`),
# as a clean machine's CI needs them; WHO names the caller in messages. Without root it names the missing packages
# and fails: a step that needs a tool never skips.
set -euo pipefail
who=$1
shift
missing=()
for package in "$@"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'ok installed' || missing+=("$package")
done
((${#missing[@]} == 0)) && exit 0
if [[ $(id -u) != 0 ]]; then
  echo "$who: ${missing[*]} missing; install as root: apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "$who: installing ${missing[*]} from Debian (once per machine)" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
