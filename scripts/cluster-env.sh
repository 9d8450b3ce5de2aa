#!/usr/bin/env bash
# Sourced by test-cluster.sh and bench-cluster.sh: finds or starts the cluster, checks the tools,
# serves the chart mirror on 127.0.0.1 and, on the shared control plane, relaxes webhooks.
# Which cluster: the one in $KUBECONFIG. With CI=true, SANDBOXKIT_REALK8S=1, or no KUBECONFIG at all,
# it starts the control plane of ../shared/realk8s (kube-apiserver, controller-manager, scheduler,
# etcd, kwok nodes) and uses the Terraform providers of its filesystem mirror.
# Charts come from $SANDBOXKIT_CHART_MIRROR (a Helm repository URL or folder); by default the folder
# ../shared/charts-mirror, served on 127.0.0.1.
# Needs terraform, kubectl, python3 and helm (.tools/bin, from scripts/install-tools.sh), and chromium
# (scripts/install-browser.sh) when SANDBOXKIT_NEEDS_BROWSER=1: a missing one fails the run. Expects ROOT (the project) and fail() from the caller.
REALK8S=$ROOT/../shared/realk8s
if [[ ${CI:-} == true || ${SANDBOXKIT_REALK8S:-} == 1 || -z ${KUBECONFIG:-} ]]; then
  [[ -x $REALK8S/up.sh ]] || fail "no KUBECONFIG and no control plane at $REALK8S: point KUBECONFIG at a cluster (kind, minikube, a dev cluster)"
  # up.sh checks its blackhole routes with `ip route ... | grep -q` under pipefail, and ip's SIGPIPE
  # when grep exits early fails that check once the routes exist (scripts/one-write/ip). With ip
  # installed, up.sh sees it through that wrapper; up.sh is idempotent, so other failures are retried.
  # In CI every run starts from an empty etcd: a run killed by a time limit leaves its platform behind, and every suite
  # applies a platform of its own.
  if [[ ${CI:-} == true ]]; then "$REALK8S/down.sh" --wipe >/dev/null 2>&1 || true; fi
  for attempt in 1 2 3 4 5; do
    up_path=$PATH
    command -v ip >/dev/null && up_path=$ROOT/scripts/one-write:$PATH
    if PATH=$up_path "$REALK8S/up.sh" >/dev/null 2>"$ROOT/.realk8s-up.log"; then break; fi
    [[ $attempt == 5 ]] && { cat "$ROOT/.realk8s-up.log" >&2; fail "../shared/realk8s/up.sh failed 5 times"; }
    sleep 2
  done
  # shellcheck disable=SC1091
  source "${REALK8S_CACHE:-$HOME/.cache/realk8s-shared}/run/env"
  export SANDBOXKIT_TEST_CLUSTER=realk8s
  RUN_DIR=${REALK8S_CACHE:-$HOME/.cache/realk8s-shared}/run
else
  export SANDBOXKIT_TEST_CLUSTER=kubeconfig
  RUN_DIR=$(mktemp -d)
fi

bash scripts/install-tools.sh
if [[ ${SANDBOXKIT_NEEDS_BROWSER:-0} == 1 ]]; then bash scripts/install-browser.sh; fi
export PATH=$ROOT/.tools/bin:$PATH
for tool in terraform kubectl helm python3; do
  command -v "$tool" >/dev/null || fail "$tool is not installed (see README: Test against a real cluster)"
done
kubectl get --raw /readyz >/dev/null 2>&1 || fail "the cluster in $KUBECONFIG does not answer (kubectl get --raw /readyz)"

PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -f "$RUN_DIR/pids/helm-repo.pid"
  if [[ $SANDBOXKIT_TEST_CLUSTER == realk8s ]]; then
    kubectl delete pv -l sandboxkit.test/volume-pool=true --wait=false >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT

MIRROR=${SANDBOXKIT_CHART_MIRROR:-$ROOT/../shared/charts-mirror}
if [[ -d $MIRROR ]]; then
  [[ -f $MIRROR/index.yaml ]] || fail "chart mirror $MIRROR has no index.yaml"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  python3 -m http.server "$port" --bind 127.0.0.1 --directory "$MIRROR" >"$RUN_DIR/helm-repo.log" 2>&1 &
  PIDS+=($!); mkdir -p "$RUN_DIR/pids"; echo $! >"$RUN_DIR/pids/helm-repo.pid"
  for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/index.yaml" >/dev/null && break; sleep 0.1; done
  curl -sf "http://127.0.0.1:$port/index.yaml" >/dev/null || fail "the chart mirror server on 127.0.0.1:$port did not start"
  export SANDBOXKIT_CHART_MIRROR_URL=http://127.0.0.1:$port
  echo "cluster-env: charts from $MIRROR, served on $SANDBOXKIT_CHART_MIRROR_URL"
else
  export SANDBOXKIT_CHART_MIRROR_URL=$MIRROR
fi

if [[ $SANDBOXKIT_TEST_CLUSTER == realk8s ]]; then
  # The control plane's StorageClass `standard` has no provisioner: pre-made volumes that the
  # scheduler binds claims to, as a provisioner would (kind, minikube and clouds need none).
  for i in $(seq 0 "${SANDBOXKIT_VOLUME_POOL:-60}"); do
    printf 'apiVersion: v1\nkind: PersistentVolume\nmetadata: {name: sandboxkit-test-pv-%d, labels: {sandboxkit.test/volume-pool: "true"}}\nspec: {storageClassName: standard, capacity: {storage: 100Gi}, accessModes: [ReadWriteOnce, ReadWriteMany], persistentVolumeReclaimPolicy: Retain, hostPath: {path: /var/lib/sandboxkit-test/pv-%d}}\n---\n' "$i" "$i"
  done | kubectl apply -f - >/dev/null
  # No webhook server runs there: see test/cluster/relax-webhooks.sh.
  bash test/cluster/relax-webhooks.sh &
  PIDS+=($!)
fi
# A real node beside the kwok ones, for the suite that needs running pods (docs/testing/real-node.md), when the caller
# sets SANDBOXKIT_NEEDS_NODE=1. It is one per machine (its containerd, network namespace and routes): a run holds it
# until it exits, another run waits.
if [[ $SANDBOXKIT_TEST_CLUSTER == realk8s && ${SANDBOXKIT_NEEDS_NODE:-0} == 1 ]]; then
  node_lock=${SANDBOXKIT_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sandboxkit/node}/run.lock
  mkdir -p "$(dirname "$node_lock")"
  exec {node_lock_fd}>"$node_lock"
  if ! flock -n "$node_lock_fd"; then
    echo "cluster-env: waiting for the real node, which another cluster run on this machine uses" >&2
    flock "$node_lock_fd"
  fi
  # The node's daemons outlive the run, so they must not inherit the lock.
  bash scripts/node/ensure.sh {node_lock_fd}>&- || fail "the real node did not start: see scripts/node/ensure.sh"
fi
# The platform's controllers, run as processes where no pod runs: scripts/controllers/start.sh.
if [[ $SANDBOXKIT_TEST_CLUSTER == realk8s ]]; then
  if [[ -n ${node_lock_fd:-} ]]; then source scripts/controllers/start.sh {node_lock_fd}>&-; else source scripts/controllers/start.sh; fi
fi

