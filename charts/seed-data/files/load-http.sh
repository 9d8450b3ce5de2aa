#!/bin/sh
# Sends each fixture in /data to the block's API; a 200 from the marker path means it was done before.
# With TOKEN_PATH, every request carries an access token from an OAuth2 password grant at that path.
set -eu
deadline=$(( $(date +%s) + WAIT_SECONDS ))
until curl -s -o /dev/null "$TARGET_URL"; do
  [ "$(date +%s)" -lt "$deadline" ] || { echo "seed: $TARGET_URL not reachable after $WAIT_SECONDS s" >&2; exit 1; }
  sleep 5
done
auth=/tmp/auth-header
: >"$auth"
if [ -n "${TOKEN_PATH:-}" ]; then
  response=$(curl --fail --silent --show-error "$TARGET_URL$TOKEN_PATH" \
    --data-urlencode grant_type=password --data-urlencode "client_id=$TOKEN_CLIENT_ID" \
    --data-urlencode "username=$TOKEN_USERNAME" --data-urlencode "password@$TOKEN_PASSWORD_FILE")
  token=$(printf '%s' "$response" | sed -n 's/.*"access_token" *: *"\([^"]*\)".*/\1/p')
  [ -n "$token" ] || { echo "seed: no access_token from $TOKEN_PATH" >&2; exit 1; }
  # In a file, so the token never shows in the process list.
  printf 'Authorization: Bearer %s\n' "$token" >"$auth"
fi
if [ -n "$MARKER_PATH" ] && [ "$(curl -s -o /dev/null -w '%{http_code}' -H "@$auth" "$TARGET_URL$MARKER_PATH")" = "200" ]; then
  echo "seed: dataset $DATASET already loaded"; exit 0
fi
data=${DATA_DIR:-/data}
for f in $(ls "$data" | sort); do
  curl --fail --silent --show-error -X "$TARGET_METHOD" -H 'Content-Type: application/json' -H "@$auth" \
    --data-binary "@$data/$f" "$TARGET_URL${TARGET_PATH%/}/${f%.json}"
done
echo "seed: dataset $DATASET loaded"
