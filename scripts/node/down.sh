#!/usr/bin/env bash
# Stops the real node that up.sh started, by the PIDs it recorded, and removes what it set up on the machine: the
# pods' containers, the node's network namespace and link, its /etc/hosts line. --wipe also deletes its state
# (containerd's images and the kubelet's folder) and the Node object. Built parts in ~/.cache/sandboxkit stay.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/node/versions.sh
source "$HERE/versions.sh"
# shellcheck source=scripts/node/network.sh
source "$HERE/network.sh"
RUN=$NODE_CACHE/run
stop() { # name
  local f=$RUN/pids/$1.pid pid
  [[ -f $f ]] || return 0
  pid=$(cat "$f")
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid"
    for _ in $(seq 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    echo "stopped $1 ($pid)"
  fi
  rm -f "$f"
}
for name in kube-router kube-proxy kubelet; do stop "$name"; done
# The machine-wide kernel tunables as they were before the kubelet first started (up.sh).
[[ -f $RUN/kernel-tunables.conf ]] && sysctl -q -p "$RUN/kernel-tunables.conf"
# The pods' containers: each shim runs on after containerd, so they go while containerd still answers.
if [[ -S $RUN/containerd/containerd.sock ]]; then
  for task in $(ctr --address "$RUN/containerd/containerd.sock" -n k8s.io tasks ls -q 2>/dev/null); do
    ctr --address "$RUN/containerd/containerd.sock" -n k8s.io tasks kill -s SIGKILL "$task" >/dev/null 2>&1
  done
  sleep 2
  for task in $(ctr --address "$RUN/containerd/containerd.sock" -n k8s.io tasks ls -q 2>/dev/null); do
    ctr --address "$RUN/containerd/containerd.sock" -n k8s.io tasks delete -f "$task" >/dev/null 2>&1
  done
fi
for name in containerd api-forward api-socket; do stop "$name"; done
# Volumes the kubelet mounted, pod network namespaces CNI pinned, and the node's own namespace and link.
grep -o " $RUN/[^ ]*" /proc/mounts | sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done
for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep '^cni-'); do ip netns del "$ns" 2>/dev/null; done
ip route del "$NODE_POD_CIDR" 2>/dev/null
ip link del "$NODE_HOST_IF" 2>/dev/null
[[ -e /run/netns/$NODE_NETNS ]] && ip netns del "$NODE_NETNS"
sed -i "/^$NODE_IP $NODE_NAME\$/d" /etc/hosts
if [[ ${1:-} == --wipe ]]; then
  kubectl delete node "$NODE_NAME" --ignore-not-found >/dev/null 2>&1
  rm -rf "$RUN" && echo "wiped $RUN"
fi
exit 0
