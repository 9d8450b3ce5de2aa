#!/bin/sh
# Loads /data/* into PostgreSQL once: the data and the marker row commit in one transaction.
set -eu
TARGET_PASSWORD=$(cat "$TARGET_PASSWORD_FILE")
export PGPASSWORD="$TARGET_PASSWORD" PGHOST="$TARGET_HOST" PGPORT="$TARGET_PORT" PGUSER="$TARGET_USER" PGDATABASE="$TARGET_DATABASE"
deadline=$(( $(date +%s) + WAIT_SECONDS ))
until pg_isready -q; do
  [ "$(date +%s)" -lt "$deadline" ] || { echo "seed: $PGHOST:$PGPORT not ready after $WAIT_SECONDS s" >&2; exit 1; }
  sleep 5
done
psql -v ON_ERROR_STOP=1 -qc "CREATE TABLE IF NOT EXISTS sandbox_seed_marker (dataset text PRIMARY KEY, loaded_at timestamptz NOT NULL DEFAULT now())"
if [ "$(psql -tAc "SELECT count(*) FROM sandbox_seed_marker WHERE dataset = '$DATASET'")" = "1" ]; then
  echo "seed: dataset $DATASET already loaded"; exit 0
fi
{
  for f in $(ls /data | sort); do
    case "$f" in
      *.sql.gz) gunzip -c "/data/$f" ;;
      *.sql) cat "/data/$f" ;;
      *) echo "seed: skipping $f (not .sql or .sql.gz)" >&2 ;;
    esac
  done
  echo "INSERT INTO sandbox_seed_marker (dataset) VALUES ('$DATASET');"
} | psql -v ON_ERROR_STOP=1 --single-transaction -q
echo "seed: dataset $DATASET loaded"
