#!/bin/sh
# Uploads the dump the first container wrote, named after the time it was taken, then deletes dumps past retention.
set -eu
dump=${DUMP_DIR:-/dump}
# An S3 store's keys come as files, so that no key is an environment entry of the pod spec.
credentials=${CREDENTIALS_DIR:-/credentials}
if [ -f "$credentials/ACCESS_KEY_ID" ]; then
  RCLONE_CONFIG_STORE_ACCESS_KEY_ID=$(cat "$credentials/ACCESS_KEY_ID")
  RCLONE_CONFIG_STORE_SECRET_ACCESS_KEY=$(cat "$credentials/ACCESS_SECRET_KEY")
  export RCLONE_CONFIG_STORE_ACCESS_KEY_ID RCLONE_CONFIG_STORE_SECRET_ACCESS_KEY
fi
name=$(cat "$dump/name")
rclone copyto "$dump/$name" "store:$BACKUP_PATH/$name"
rclone delete --min-age "${RETENTION_DAYS}d" "store:$BACKUP_PATH"
echo "backup: $BACKUP_PATH/$name uploaded"
