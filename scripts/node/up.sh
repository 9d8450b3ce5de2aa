#!/usr/bin/env bash
# Starts a real node next to the kwok nodes of the control plane in $KUBECONFIG (../shared/realk8s): containerd and
# runc, CNI (bridge, host-local, loopback, portmap), kubelet and kube-proxy, kube-router's NetworkPolicy controller
# (ingress and egress), CoreDNS, and the images of scripts/images/build.sh imported into containerd.
# Everything runs in the network namespace `sandboxkit-node` (scripts/node/network.sh); the API server, bound to
# 127.0.0.1 on the machine, is reached there through a Unix socket. Idempotent: a running part is left alone.
# Parts come from scripts/node/build.sh; a missing one fails with its name. Stop with scripts/node/down.sh.
# Needs root, the control plane's run folder (its CA signs the node's certificates) and API_PORT of that plane.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/node/versions.sh
source "$HERE/versions.sh"
# shellcheck source=scripts/node/network.sh
source "$HERE/network.sh"
REALK8S_RUN=${REALK8S_RUN:-${REALK8S_CACHE:-$HOME/.cache/realk8s-shared}/run}
API_PORT=${API_PORT:-16443}
RUN=$NODE_CACHE/run
CNI_BIN=/usr/lib/cni
IMAGES=${SANDBOXKIT_IMAGE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sandboxkit/images}
SOCK=$RUN/containerd/containerd.sock
log() { echo "[node $(date +%T)] $*" >&2; }
fail() { echo "node: $*" >&2; exit 1; }

# --- every part present, or a message that names it ---
[[ $(id -u) == 0 ]] || fail "needs root (network namespace, mounts, cgroups)"
for bin in "$KUBE_BIN/kubelet" "$KUBE_BIN/kube-proxy" "$KUBE_ROUTER_BIN/kube-router"; do
  [[ -x $bin ]] || fail "$bin is missing: run scripts/node/build.sh"
done
for cmd in containerd containerd-shim-runc-v2 runc ctr iptables ipset conntrack socat nsenter ip openssl kubectl; do
  command -v "$cmd" >/dev/null || fail "$cmd is not installed: run scripts/node/build.sh"
done
for plugin in bridge host-local loopback portmap; do
  [[ -x $CNI_BIN/$plugin ]] || fail "CNI plugin $CNI_BIN/$plugin is missing: run scripts/node/build.sh"
done
[[ -f $REALK8S_RUN/pki/ca.key ]] || fail "no control plane CA in $REALK8S_RUN/pki: start ../shared/realk8s/up.sh first"
kubectl get --raw /readyz >/dev/null 2>&1 || fail "the API server in \$KUBECONFIG does not answer"
mkdir -p "$RUN"/{pids,logs,pki,cni/net.d,cni/ipam,containerd,kubelet,images}
# A node still running for an earlier control plane (CI=true starts each run on a new one, with a new CA) holds
# credentials this one refuses: it is stopped, and started again below with new ones.
if [[ -f $RUN/pki/kubelet.crt && -f $RUN/pids/kubelet.pid ]] &&
  ! openssl verify -CAfile "$REALK8S_RUN/pki/ca.crt" "$RUN/pki/kubelet.crt" >/dev/null 2>&1; then
  log "the running node was joined to another control plane: restarting it"
  bash "$HERE/down.sh" >/dev/null
fi

in_node() { nsenter --net="/run/netns/$NODE_NETNS" "$@"; }
running() { [[ -f $RUN/pids/$1.pid ]] && kill -0 "$(cat "$RUN/pids/$1.pid")" 2>/dev/null; }
start() { # name where(host|node) command...
  local name=$1 where=$2; shift 2
  if running "$name"; then return; fi
  if [[ $where == node ]]; then set -- nsenter --net="/run/netns/$NODE_NETNS" "$@"; fi
  nohup "$@" >"$RUN/logs/$name.log" 2>&1 &
  echo $! >"$RUN/pids/$name.pid"
  log "started $name (pid $!)"
}
wait_until() { # seconds what command...
  local seconds=$1 what=$2; shift 2
  for _ in $(seq "$seconds"); do "$@" >/dev/null 2>&1 && return; sleep 1; done
  fail "$what did not happen within $seconds s (logs in $RUN/logs)"
}

# --- network: the node's namespace, its link to the machine, routes that stay on this machine ---
# The API server advertises the machine's address in the `kubernetes` Service; inside the node's namespace that
# address is local and served by the forwarder below, so pods reach the API server through the Service.
API_ADDRESS=$(kubectl get endpointslices -n default -l kubernetes.io/service-name=kubernetes \
  -o jsonpath='{.items[0].endpoints[0].addresses[0]}')
[[ -n $API_ADDRESS ]] || fail "the kubernetes Service has no endpoint"
[[ -e /run/netns/$NODE_NETNS ]] || ip netns add "$NODE_NETNS"
ip link show "$NODE_HOST_IF" >/dev/null 2>&1 ||
  ip link add "$NODE_HOST_IF" type veth peer name "$NODE_IF" netns "$NODE_NETNS"
ip addr replace "$NODE_HOST_IP/30" dev "$NODE_HOST_IF" && ip link set "$NODE_HOST_IF" up
ip -n "$NODE_NETNS" link set lo up
ip -n "$NODE_NETNS" addr replace "$NODE_IP/30" dev "$NODE_IF" && ip -n "$NODE_NETNS" link set "$NODE_IF" up
ip -n "$NODE_NETNS" addr replace "$API_ADDRESS/32" dev lo
ip route replace "$NODE_POD_CIDR" via "$NODE_IP" dev "$NODE_HOST_IF"
for net in "$SERVICE_CIDR" "$CLUSTER_POD_CIDR" 10.250.0.0/16; do ip -n "$NODE_NETNS" route replace blackhole "$net"; done
in_node sysctl -qw net.ipv4.ip_forward=1 net.bridge.bridge-nf-call-iptables=1
# The kubelet answers the API server unauthenticated (it presents no client certificate): only from its address.
guard=(PREROUTING -p tcp --dport 10250 ! -s "$NODE_HOST_IP" -j DROP)
in_node iptables -t raw -C "${guard[@]}" 2>/dev/null || in_node iptables -t raw -I "${guard[@]}"
# The API server dials a node by its Hostname address first.
grep -q " $NODE_NAME\$" /etc/hosts || echo "$NODE_IP $NODE_NAME" >>/etc/hosts
start api-socket host socat "UNIX-LISTEN:$RUN/api.sock,fork,mode=600,unlink-early" "TCP:127.0.0.1:$API_PORT"
start api-forward node socat "TCP-LISTEN:$API_PORT,fork,reuseaddr" "UNIX-CONNECT:$RUN/api.sock"

# --- certificates signed by the control plane's CA, and kubeconfigs that reach it through the forwarder ---
cert() { # name subject
  # Reused only while the control plane's CA signed it: another control plane (a new RUN folder) has another CA.
  [[ -f $RUN/pki/$1.crt ]] && openssl verify -CAfile "$REALK8S_RUN/pki/ca.crt" "$RUN/pki/$1.crt" >/dev/null 2>&1 && return
  openssl genrsa -out "$RUN/pki/$1.key" 2048 2>/dev/null
  openssl req -new -key "$RUN/pki/$1.key" -subj "$2" -out "$RUN/pki/$1.csr"
  printf 'extendedKeyUsage=clientAuth\n' >"$RUN/pki/$1.ext"
  openssl x509 -req -in "$RUN/pki/$1.csr" -CA "$REALK8S_RUN/pki/ca.crt" -CAkey "$REALK8S_RUN/pki/ca.key" \
    -CAcreateserial -CAserial "$RUN/pki/ca.srl" -days 365 -extfile "$RUN/pki/$1.ext" -out "$RUN/pki/$1.crt" 2>/dev/null
}
kubeconfig() { # name
  local f=$RUN/$1.kubeconfig
  KUBECONFIG=$f kubectl config set-cluster realk8s --server="https://127.0.0.1:$API_PORT" \
    --certificate-authority="$REALK8S_RUN/pki/ca.crt" --embed-certs >/dev/null
  KUBECONFIG=$f kubectl config set-credentials "$1" --client-certificate="$RUN/pki/$1.crt" \
    --client-key="$RUN/pki/$1.key" --embed-certs >/dev/null
  KUBECONFIG=$f kubectl config set-context realk8s --cluster=realk8s --user="$1" >/dev/null
  KUBECONFIG=$f kubectl config use-context realk8s >/dev/null
}
cert kubelet "/O=system:nodes/CN=system:node:$NODE_NAME"
cert kube-proxy "/CN=system:kube-proxy" # bound to system:node-proxier by the API server's defaults
cert kube-router "/CN=sandboxkit:kube-router"
for c in kubelet kube-proxy kube-router; do kubeconfig "$c"; done
kubectl apply -f "$HERE/kube-router-rbac.yaml" >/dev/null

# --- containerd with runc, and CNI ---
sed -e "s|@RUN@|$RUN|g" -e "s|@CNI_BIN@|$CNI_BIN|g" -e "s|@PAUSE@|$PAUSE_IMAGE|g" \
  "$HERE/containerd.toml" >"$RUN/containerd/config.toml"
sed -e "s|@POD_CIDR@|$NODE_POD_CIDR|g" -e "s|@RUN@|$RUN|g" "$HERE/cni.conflist" >"$RUN/cni/net.d/10-sandboxkit.conflist"
start containerd node containerd --config "$RUN/containerd/config.toml"
wait_until 60 "containerd answering on $SOCK" ctr --address "$SOCK" version

# Images built here (scripts/images/build.sh): each archive names its image in <archive>.ref; imported again only
# when the archive changed.
shopt -s nullglob
for archive in "$IMAGES"/*.tar; do
  ref=$(cat "$archive.ref") sum=$(sha256sum "$archive" | cut -d' ' -f1) stamp=$RUN/images/$(basename "$archive").sha256
  [[ -f $stamp && $(cat "$stamp") == "$sum" ]] && continue
  ctr --address "$SOCK" -n k8s.io images import --base-name "${ref%:*}" "$archive" >/dev/null
  echo "$sum" >"$stamp"
  log "imported $ref"
done

# --- kubelet, kube-proxy, kube-router ---
sed -e "s|@RUN@|$RUN|g" -e "s|@NODE_IP@|$NODE_IP|g" -e "s|@DNS@|$CLUSTER_DNS_IP|g" \
  -e "s|@CA@|$REALK8S_RUN/pki/ca.crt|g" -e "s|@TAINT@|$NODE_TAINT|g" "$HERE/kubelet.yaml" >"$RUN/kubelet/config.yaml"
: >"$RUN/resolv.conf" # pods with dnsPolicy Default get no resolver of the machine's
# The kubelet sets machine-wide kernel tunables when it starts (or refuses to start, with protectKernelDefaults);
# this machine is shared, so their values are put back once it has started.
TUNABLES=(vm.overcommit_memory vm.panic_on_oom kernel.panic kernel.panic_on_oops kernel.keys.root_maxkeys kernel.keys.root_maxbytes)
[[ -f $RUN/kernel-tunables.conf ]] || sysctl "${TUNABLES[@]}" | sed 's/ //g' >"$RUN/kernel-tunables.conf"
start kubelet node "$KUBE_BIN/kubelet" --config="$RUN/kubelet/config.yaml" --kubeconfig="$RUN/kubelet.kubeconfig" \
  --root-dir="$RUN/kubelet" --cert-dir="$RUN/kubelet/pki" --hostname-override="$NODE_NAME" --node-ip="$NODE_IP" \
  --node-labels="$NODE_LABEL=real" --v=1
wait_until 120 "node $NODE_NAME registering" kubectl get node "$NODE_NAME"
# No controller allocates node CIDRs here: the node's pod range is the one its CNI config assigns from.
[[ -n $(kubectl get node "$NODE_NAME" -o jsonpath='{.spec.podCIDR}') ]] ||
  kubectl patch node "$NODE_NAME" --type=merge -p "{\"spec\":{\"podCIDR\":\"$NODE_POD_CIDR\",\"podCIDRs\":[\"$NODE_POD_CIDR\"]}}" >/dev/null
start kube-proxy node "$KUBE_BIN/kube-proxy" --kubeconfig="$RUN/kube-proxy.kubeconfig" --hostname-override="$NODE_NAME" \
  --proxy-mode=iptables --cluster-cidr="$CLUSTER_POD_CIDR" --bind-address="$NODE_IP" \
  --metrics-bind-address=127.0.0.1:10249 --healthz-bind-address=127.0.0.1:10256 \
  --conntrack-max-per-core=0 --conntrack-tcp-timeout-established=0 --conntrack-tcp-timeout-close-wait=0 --v=1
start kube-router node "$KUBE_ROUTER_BIN/kube-router" --kubeconfig="$RUN/kube-router.kubeconfig" \
  --hostname-override="$NODE_NAME" --run-firewall=true --run-router=false --run-service-proxy=false \
  --enable-cni=false --enable-ipv4=true --enable-ipv6=false --service-cluster-ip-range="$SERVICE_CIDR" \
  --metrics-port=0 --health-port=20244 --v=1
wait_until 120 "node $NODE_NAME Ready" kubectl wait --for=condition=Ready "node/$NODE_NAME" --timeout=1s
sysctl -q -p "$RUN/kernel-tunables.conf" # the kubelet has set its tunables by the time it reports Ready

# The suite's volume pool (scripts/cluster-env.sh) is hostPath volumes: their folders, writable by the high users the
# charts run as. Each run makes the pool anew, so a volume nothing has claimed yet starts empty, as a provisioner's
# would: a folder left by an earlier run would hand a new claim old data (a database with another password).
kubectl get pv -l sandboxkit.test/volume-pool=true \
  -o jsonpath='{range .items[*]}{.spec.hostPath.path} {.status.phase}{"\n"}{end}' |
  while read -r path phase; do
    [[ $phase == Bound || $phase == Released ]] && continue
    rm -rf "$path" && mkdir -p "$path" && chmod 1777 "$path"
  done

# --- cluster DNS, on this node ---
sed -e "s|@DNS@|$CLUSTER_DNS_IP|g" -e "s|@IMAGE@|$COREDNS_IMAGE|g" -e "s|@LABEL@|$NODE_LABEL|g" \
  -e "s|@TAINT@|$NODE_TAINT|g" "$HERE/coredns.yaml" | kubectl apply -f - >/dev/null
kubectl -n kube-system rollout status deployment/coredns --timeout=180s >/dev/null ||
  fail "CoreDNS did not become ready on $NODE_NAME (kubectl -n kube-system describe pods -l k8s-app=kube-dns)"
log "node $NODE_NAME ready: $(kubectl get node "$NODE_NAME" --no-headers)"
