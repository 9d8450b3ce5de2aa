#!/bin/sh
# Uploads the dump the first container wrote, named after the time it was taken, then deletes dumps past retention.
set -eu
name=$(cat /dump/name)
rclone copyto "/dump/$name" "store:$BACKUP_PATH/$name"
rclone delete --min-age "${RETENTION_DAYS}d" "store:$BACKUP_PATH"
echo "backup: $BACKUP_PATH/$name uploaded"
