#!/bin/sh
# Loads the fetched dump into the server once: a marker table records it, so a rerun of the Job changes nothing.
set -eu
MYSQL_PWD=$(cat /secrets/root-password)
export MYSQL_PWD
client="mysql -h $TARGET_HOST -P $TARGET_PORT -u root"
deadline=$(( $(date +%s) + 600 ))
until $client -e "SELECT 1" >/dev/null 2>&1; do
  [ "$(date +%s)" -lt "$deadline" ] || { echo "restore: $TARGET_HOST:$TARGET_PORT not ready after 600 s" >&2; exit 1; }
  sleep 5
done
name=$(cat /dump/name)
$client -e "CREATE DATABASE IF NOT EXISTS sandbox; CREATE TABLE IF NOT EXISTS sandbox.restore_marker (dump VARCHAR(255) PRIMARY KEY, loaded_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP)"
if [ "$($client -N -e "SELECT COUNT(*) FROM sandbox.restore_marker")" != "0" ]; then
  echo "restore: already restored"; exit 0
fi
$client < "/dump/$name"
$client -e "INSERT INTO sandbox.restore_marker (dump) VALUES ('$name')"
echo "restore: $name loaded"
