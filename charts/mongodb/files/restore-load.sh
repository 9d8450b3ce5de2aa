#!/bin/sh
# Restores the fetched archive into the server once: a marker document records it, so a rerun changes nothing.
set -eu
uri="mongodb://root:$(cat /secrets/root-password)@$TARGET_HOST:$TARGET_PORT/?authSource=admin"
deadline=$(( $(date +%s) + 600 ))
until mongosh --quiet --norc "$uri" --eval 'db.runCommand({ ping: 1 }).ok' >/dev/null 2>&1; do
  [ "$(date +%s)" -lt "$deadline" ] || { echo "restore: $TARGET_HOST:$TARGET_PORT not ready after 600 s" >&2; exit 1; }
  sleep 5
done
name=$(cat /dump/name)
if [ "$(mongosh --quiet --norc "$uri" --eval "db.getSiblingDB('sandbox').restore_marker.countDocuments({})")" != "0" ]; then
  echo "restore: already restored"; exit 0
fi
mongorestore --uri="$uri" --gzip --archive="/dump/$name" --drop --oplogReplay
mongosh --quiet --norc "$uri" --eval "db.getSiblingDB('sandbox').restore_marker.insertOne({ _id: '$name', loadedAt: new Date() })"
echo "restore: $name loaded"
