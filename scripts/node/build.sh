#!/usr/bin/env bash
# Builds the real node's parts once per version into $NODE_CACHE (~/.cache/sandboxkit/node): kubelet, kube-proxy
# and kubectl from k8s.io/kubernetes (through the module in scripts/node/kube), kube-router from its Go module; and
# installs containerd, runc, the CNI plugins, iptables and ipset from Debian. A part built for its version is reused.
# Prints how long each step took (`build.sh --timings` prints them to stdout as `name seconds`); `--check-versions`
# only checks that the Kubernetes module requires the version of versions.sh.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/node/versions.sh
source "$HERE/versions.sh"
log() { echo "[node-build $(date +%T)] $*" >&2; }
# The Kubernetes build's module (scripts/node/kube/go.mod) must require the version versions.sh names.
check_kube_module() {
  grep -Eq "^[[:space:]]*(require[[:space:]]+)?k8s\.io/kubernetes $KUBERNETES_VERSION([[:space:]]|\$)" "$HERE/kube/go.mod" ||
    { log "scripts/node/kube/go.mod does not require k8s.io/kubernetes $KUBERNETES_VERSION (versions.sh)"; exit 1; }
}
if [[ ${1:-} == --check-versions ]]; then check_kube_module; exit 0; fi
TIMINGS=false; [[ ${1:-} == --timings ]] && TIMINGS=true
timed() { # name command...
  local name=$1 start=$SECONDS; shift
  "$@"
  log "$name ready ($((SECONDS - start)) s)"
  if $TIMINGS; then echo "$name $((SECONDS - start))"; fi
}
command -v go >/dev/null || { log "go is not installed: the node's parts are built from Go modules"; exit 1; }
mkdir -p "$NODE_CACHE"

debian_parts() { bash "$HERE/../debian-packages.sh" node-build "${NODE_PACKAGES[@]}"; }

# Version variables that `kubectl version` and the Node's kubeletVersion report, as Kubernetes' own build sets them.
kube_ldflags() {
  local v=${KUBERNETES_VERSION#v} flags="-s -w" pkg
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    flags+=" -X $pkg.gitVersion=$KUBERNETES_VERSION -X $pkg.gitMajor=${v%%.*} -X $pkg.gitMinor=$(cut -d. -f2 <<<"$v")"
    flags+=" -X $pkg.gitTreeState=clean"
  done
  echo "$flags"
}

kubernetes_parts() {
  [[ -x $KUBE_BIN/kubelet && -x $KUBE_BIN/kube-proxy && -x $KUBE_BIN/kubectl ]] && return
  check_kube_module
  local tmp; tmp=$(mktemp -d "$NODE_CACHE/.build-XXXXXX")
  (cd "$HERE/kube" && nice -n 10 go build -trimpath -ldflags "$(kube_ldflags)" -o "$tmp/" \
    k8s.io/kubernetes/cmd/kubelet k8s.io/kubernetes/cmd/kube-proxy k8s.io/kubernetes/cmd/kubectl)
  rm -rf "$KUBE_BIN" && mv "$tmp" "$KUBE_BIN"
}

kube_router() {
  [[ -x $KUBE_ROUTER_BIN/kube-router ]] && return
  local tmp; tmp=$(mktemp -d "$NODE_CACHE/.build-XXXXXX")
  GOBIN=$tmp GOFLAGS=-mod=mod nice -n 10 go install -trimpath \
    -ldflags "-s -w -X github.com/cloudnativelabs/kube-router/v2/pkg/version.Version=$KUBE_ROUTER_VERSION" \
    "github.com/cloudnativelabs/kube-router/v2/cmd/kube-router@$KUBE_ROUTER_VERSION"
  rm -rf "$KUBE_ROUTER_BIN" && mv "$tmp" "$KUBE_ROUTER_BIN"
}

timed debian-packages debian_parts
timed "kubernetes-$KUBERNETES_VERSION" kubernetes_parts
timed "kube-router-$KUBE_ROUTER_VERSION" kube_router
