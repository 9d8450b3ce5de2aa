#!/bin/sh
# Loads /data/* into MySQL or MariaDB once: the data and the marker row commit in one transaction.
set -eu
TARGET_PASSWORD=$(cat "$TARGET_PASSWORD_FILE")
export MYSQL_PWD="$TARGET_PASSWORD"
client="mysql -h $TARGET_HOST -P $TARGET_PORT -u $TARGET_USER $TARGET_DATABASE"
deadline=$(( $(date +%s) + WAIT_SECONDS ))
until $client -e "SELECT 1" >/dev/null 2>/tmp/wait.err; do
  [ "$(date +%s)" -lt "$deadline" ] || { echo "seed: $TARGET_HOST:$TARGET_PORT not ready after $WAIT_SECONDS s: $(cat /tmp/wait.err)" >&2; exit 1; }
  sleep 5
done
$client -e "CREATE TABLE IF NOT EXISTS sandbox_seed_marker (dataset VARCHAR(63) PRIMARY KEY, loaded_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP)"
if [ "$($client -N -e "SELECT COUNT(*) FROM sandbox_seed_marker WHERE dataset = '$DATASET'")" = "1" ]; then
  echo "seed: dataset $DATASET already loaded"; exit 0
fi
{
  echo "START TRANSACTION;"
  for f in $(ls /data | sort); do
    case "$f" in
      *.sql.gz) gunzip -c "/data/$f" ;;
      *.sql) cat "/data/$f" ;;
    esac
  done
  echo "INSERT INTO sandbox_seed_marker (dataset) VALUES ('$DATASET'); COMMIT;"
} | $client
echo "seed: dataset $DATASET loaded"
