#!/bin/sh
# Restores /data/*.archive(.gz) into MongoDB once; the marker document is written after a successful restore.
set -eu
TARGET_PASSWORD=$(cat "$TARGET_PASSWORD_FILE")
uri="mongodb://$TARGET_USER:$TARGET_PASSWORD@$TARGET_HOST:$TARGET_PORT/?authSource=admin"
deadline=$(( $(date +%s) + WAIT_SECONDS ))
until mongosh --quiet "$uri" --eval 'db.runCommand({ ping: 1 }).ok' >/dev/null 2>/tmp/wait.err; do
  [ "$(date +%s)" -lt "$deadline" ] || { echo "seed: $TARGET_HOST:$TARGET_PORT not ready after $WAIT_SECONDS s: $(cat /tmp/wait.err)" >&2; exit 1; }
  sleep 5
done
loaded=$(mongosh --quiet "$uri" --eval "db.getSiblingDB('$TARGET_DATABASE').sandbox_seed_marker.countDocuments({ _id: '$DATASET' })")
if [ "$loaded" = "1" ]; then echo "seed: dataset $DATASET already loaded"; exit 0; fi
for f in $(ls /data | sort); do
  case "$f" in
    *.gz) mongorestore --uri="$uri" --gzip --archive="/data/$f" --drop ;;
    *) mongorestore --uri="$uri" --archive="/data/$f" --drop ;;
  esac
done
mongosh --quiet "$uri" --eval "db.getSiblingDB('$TARGET_DATABASE').sandbox_seed_marker.insertOne({ _id: '$DATASET', loadedAt: new Date() })"
echo "seed: dataset $DATASET loaded"
