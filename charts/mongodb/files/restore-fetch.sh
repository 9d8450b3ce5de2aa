#!/bin/sh
# Fetches the newest dump of the source (at or before $BEFORE, a YYYYMMDDTHHMMSSZ prefix) for the next container.
set -eu
files=$(rclone lsf --files-only "store:$RESTORE_PATH" | sort)
if [ -n "$BEFORE" ]; then files=$(printf '%s\n' "$files" | awk -v before="$BEFORE" 'substr($0, 1, 16) <= before'); fi
latest=$(printf '%s\n' "$files" | grep . | tail -n 1 || true)
[ -n "$latest" ] || { echo "restore: no dump under $RESTORE_PATH${BEFORE:+ at or before $BEFORE}" >&2; exit 1; }
rclone copyto "store:$RESTORE_PATH/$latest" "/dump/$latest"
echo "$latest" > /dump/name
echo "restore: fetched $RESTORE_PATH/$latest"
