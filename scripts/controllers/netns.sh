#!/usr/bin/env bash
# Runs one controller as its pod would see the world, inside the network and mount namespaces that
# `unshare --net --mount` gave it (scripts/controllers/supervise.ts starts it):
# - its own loopback, so the ports its Deployment listens on clash with nothing on this machine;
# - the API server as in a pod: kubernetes.default and KUBERNETES_SERVICE_HOST on port 443 of that
#   loopback, forwarded through a socket file to the host's API server (its certificate names both);
# - its volumes at the Deployment's mount paths, and its service account's token where in-cluster
#   clients read it, bind-mounted in this namespace only (the mount points are empty directories);
# - each port listed in $run/exposed reachable from the host through $run/port-<port>.sock.
# Usage: netns.sh <run dir> <program> [args...]
set -euo pipefail
run=$1
shift
ip link set lo up
socat TCP-LISTEN:443,bind=127.0.0.1,fork,reuseaddr UNIX-CONNECT:"$run/api.sock" &
while read -r port; do
  [[ -n $port ]] && socat UNIX-LISTEN:"$run/port-$port.sock",fork,mode=600,unlink-early TCP:127.0.0.1:"$port" &
done <"$run/exposed"
# /run (and /var/run, its link) of this namespace only, for the service account's files.
mount -t tmpfs -o mode=0755 tmpfs /run
while IFS=$'\t' read -r source target; do
  [[ -z $source ]] && continue
  mkdir -p "$target"
  mount --bind "$source" "$target"
done <"$run/mounts"
mount --bind "$run/hosts" /etc/hosts
exec "$@"
