#!/bin/sh
# Sends each fixture in /data to the block's API; a 200 from the marker path means it was done before.
set -eu
deadline=$(( $(date +%s) + WAIT_SECONDS ))
until curl -s -o /dev/null "$TARGET_URL"; do
  [ "$(date +%s)" -lt "$deadline" ] || { echo "seed: $TARGET_URL not reachable after $WAIT_SECONDS s" >&2; exit 1; }
  sleep 5
done
if [ -n "$MARKER_PATH" ] && [ "$(curl -s -o /dev/null -w '%{http_code}' "$TARGET_URL$MARKER_PATH")" = "200" ]; then
  echo "seed: dataset $DATASET already loaded"; exit 0
fi
for f in $(ls /data | sort); do
  curl --fail --silent --show-error -X "$TARGET_METHOD" -H 'Content-Type: application/json' \
    --data-binary "@/data/$f" "$TARGET_URL${TARGET_PATH%/}/${f%.json}"
done
echo "seed: dataset $DATASET loaded"
