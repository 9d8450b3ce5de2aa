#!/usr/bin/env bash
# Installs the pinned tools the tests need: helm (built from source with Go) and checkov (in a virtualenv).
# Each is built once per machine into ~/.cache/sandboxkit/tools/<tool>-<version> (SANDBOXKIT_TOOLS_CACHE overrides),
# shared by every clone, and linked into the clone's ignored .tools/bin/helm and .venv.
#
#   install-tools.sh                 both tools, in parallel; returns when both are there
#   install-tools.sh helm|checkov    that tool only
#   install-tools.sh --background    starts what is missing and returns at once (npm test's pretest): the tests that
#                                    need a tool call this script for it, which waits for that install to finish
#
# A lock per tool lets clones and test workers wait for an install in progress instead of starting another.
# A tool that cannot be installed fails the run; nothing is skipped.
set -euo pipefail
cd "$(dirname "$0")/.."

HELM_VERSION=v3.19.5
CHECKOV_VERSION=3.3.30
CACHE=${SANDBOXKIT_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sandboxkit/tools}
HELM_DIR=$CACHE/helm-$HELM_VERSION
CHECKOV_DIR=$CACHE/checkov-$CHECKOV_VERSION
mkdir -p "$CACHE" .tools/bin

fail() { echo "install-tools: $*" >&2; exit 1; }

helm_ready() { [ -x "$HELM_DIR/helm" ] && [ -f "$HELM_DIR/complete" ]; }
checkov_ready() { [ -x "$CHECKOV_DIR/bin/checkov" ] && [ -f "$CHECKOV_DIR/complete" ]; }

# Links a clone's path to the cached tool; a folder or file left there by an older layout is replaced.
link() {
  local target=$1 path=$2
  [ "$(readlink "$path" 2>/dev/null)" = "$target" ] && return
  rm -rf "$path"
  ln -s "$target" "$path"
}

install_helm() {
  exec 8>"$CACHE/helm.lock"
  flock 8
  if ! helm_ready; then
    command -v go >/dev/null || fail "go is needed to build helm $HELM_VERSION"
    echo "install-tools: building helm $HELM_VERSION into $HELM_DIR (once per machine, several minutes)" >&2
    rm -rf "$HELM_DIR"
    mkdir -p "$HELM_DIR"
    GOBIN="$HELM_DIR" GOFLAGS=-mod=mod nice go install -ldflags='-s -w' "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
    touch "$HELM_DIR/complete"
  fi
  link "$HELM_DIR/helm" .tools/bin/helm
}

install_checkov() {
  exec 9>"$CACHE/checkov.lock"
  flock 9
  if ! checkov_ready; then
    command -v python3 >/dev/null || fail "python3 is needed for checkov"
    echo "install-tools: installing checkov $CHECKOV_VERSION into $CHECKOV_DIR (once per machine)" >&2
    rm -rf "$CHECKOV_DIR"
    python3 -m venv "$CHECKOV_DIR"
    "$CHECKOV_DIR/bin/pip" install --quiet --disable-pip-version-check "checkov==$CHECKOV_VERSION"
    touch "$CHECKOV_DIR/complete"
  fi
  link "$CHECKOV_DIR" .venv
}

case "${1:-}" in
  helm) install_helm ;;
  checkov) install_checkov ;;
  --background)
    # Ready tools are linked now; a missing one is installed by a detached process, logged beside the cache.
    if helm_ready; then install_helm; else
      setsid nohup bash "$0" helm >"$CACHE/helm.log" 2>&1 </dev/null &
    fi
    if checkov_ready; then install_checkov; else
      setsid nohup bash "$0" checkov >"$CACHE/checkov.log" 2>&1 </dev/null &
    fi
    # The detached installs take their locks before this returns, so a test that asks for a tool waits for them.
    for _ in $(seq 50); do
      { helm_ready || ! flock -n "$CACHE/helm.lock" true; } && { checkov_ready || ! flock -n "$CACHE/checkov.lock" true; } && break
      sleep 0.1
    done
    ;;
  '')
    install_helm &
    helm=$!
    install_checkov &
    checkov=$!
    wait "$helm" || fail "helm $HELM_VERSION could not be installed"
    wait "$checkov" || fail "checkov $CHECKOV_VERSION could not be installed"
    ;;
  *) fail "unknown argument \"$1\" (expected helm, checkov or --background)" ;;
esac
