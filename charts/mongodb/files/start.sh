#!/bin/bash
# Runs mongod as a one-member replica set with access control, then makes sure that the replica
# set, the root user and the configured users exist (files/setup.js). Safe on every start.
set -euo pipefail
# mongod refuses a key file that its group can read, which a Secret volume with fsGroup is.
install -m 0400 /secrets/replica-set-key /tmp/replica-set-key
mongod --bind_ip_all --port 27017 --dbpath /data/db --replSet "$REPLICA_SET" --keyFile /tmp/replica-set-key &
pid=$!
trap 'kill -TERM "$pid"; wait "$pid"' TERM INT
until mongosh --quiet --norc --eval 'db.adminCommand({ ping: 1 })' >/dev/null 2>&1; do
  kill -0 "$pid" 2>/dev/null || { wait "$pid"; exit 1; }
  sleep 1
done
mongosh --quiet --norc --file /scripts/setup.js
wait "$pid"
