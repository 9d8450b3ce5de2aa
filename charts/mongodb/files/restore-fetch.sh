#!/bin/sh
# Fetches the newest dump of the source (at or before $BEFORE, a YYYYMMDDTHHMMSSZ prefix) for the next container.
set -eu
dump=${DUMP_DIR:-/dump}
# An S3 store's keys come as files, so that no key is an environment entry of the pod spec.
credentials=${CREDENTIALS_DIR:-/credentials}
if [ -f "$credentials/ACCESS_KEY_ID" ]; then
  RCLONE_CONFIG_STORE_ACCESS_KEY_ID=$(cat "$credentials/ACCESS_KEY_ID")
  RCLONE_CONFIG_STORE_SECRET_ACCESS_KEY=$(cat "$credentials/ACCESS_SECRET_KEY")
  export RCLONE_CONFIG_STORE_ACCESS_KEY_ID RCLONE_CONFIG_STORE_SECRET_ACCESS_KEY
fi
files=$(rclone lsf --files-only "store:$RESTORE_PATH" | sort)
if [ -n "$BEFORE" ]; then files=$(printf '%s\n' "$files" | awk -v before="$BEFORE" 'substr($0, 1, 16) <= before'); fi
latest=$(printf '%s\n' "$files" | grep . | tail -n 1 || true)
[ -n "$latest" ] || { echo "restore: no dump under $RESTORE_PATH${BEFORE:+ at or before $BEFORE}" >&2; exit 1; }
rclone copyto "store:$RESTORE_PATH/$latest" "$dump/$latest"
echo "$latest" > "$dump/name"
echo "restore: fetched $RESTORE_PATH/$latest"
