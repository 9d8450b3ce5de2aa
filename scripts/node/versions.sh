# Versions of the real node's parts, in one place: build.sh builds these, up.sh checks them.
# shellcheck shell=bash
KUBERNETES_VERSION=v1.34.4   # the control plane's version (../shared/realk8s)
KUBE_ROUTER_VERSION=v2.1.0   # the newest release the Go module proxy serves here
# Debian bookworm packages: the container runtime and the CNI plugins.
NODE_PACKAGES=(containerd runc containernetworking-plugins iptables ipset conntrack socat)
NODE_CACHE=${SANDBOXKIT_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sandboxkit/node}
KUBE_BIN=$NODE_CACHE/kubernetes-$KUBERNETES_VERSION
KUBE_ROUTER_BIN=$NODE_CACHE/kube-router-$KUBE_ROUTER_VERSION
# Images the node itself runs (built by scripts/images/build.sh like the charts' images).
PAUSE_IMAGE=registry.k8s.io/pause:3.10.1          # kubeadm's PauseVersion for 1.34
COREDNS_IMAGE=registry.k8s.io/coredns/coredns:v1.12.1 # kubeadm's CoreDNSVersion for 1.34
