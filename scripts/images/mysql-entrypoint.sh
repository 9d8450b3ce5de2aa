#!/bin/sh
# Entrypoint of the MySQL stand-in image (MariaDB from Debian): what the MySQL image's docker-entrypoint.sh does for
# `mysqld ...` — on an empty data folder, initialize it, set the root password (MYSQL_ROOT_PASSWORD or
# MYSQL_ROOT_PASSWORD_FILE) for root@localhost and root@'%', create MYSQL_DATABASE — then run the server. Runs as any
# user (the charts choose a high one). The folder counts as initialized only once all of that is done: a container
# killed half-way (a slow start on a loaded machine) starts over on its restart instead of serving a server without
# the root password, which every client would then be refused by.
set -eu
case "${1:-}" in -*) set -- mysqld "$@" ;; esac
DONE=/var/lib/mysql/.sandbox-initialized
if [ "${1:-}" = mysqld ] && [ ! -f "$DONE" ]; then
  find /var/lib/mysql -mindepth 1 -maxdepth 1 ! -name lost+found -exec rm -rf {} +
  if [ -n "${MYSQL_ROOT_PASSWORD_FILE:-}" ]; then MYSQL_ROOT_PASSWORD=$(cat "$MYSQL_ROOT_PASSWORD_FILE"); fi
  [ -n "${MYSQL_ROOT_PASSWORD:-}" ] || { echo "entrypoint: MYSQL_ROOT_PASSWORD or MYSQL_ROOT_PASSWORD_FILE is required" >&2; exit 1; }
  mariadb-install-db --datadir=/var/lib/mysql --auth-root-authentication-method=normal --skip-test-db >/dev/null
  mysqld --skip-networking --socket=/var/run/mysqld/init.sock --datadir=/var/lib/mysql &
  pid=$!
  i=0
  until mysqladmin --socket=/var/run/mysqld/init.sock ping --silent 2>/dev/null; do
    i=$((i + 1)); [ "$i" -lt 240 ] || { echo "entrypoint: the server did not start in 240 s" >&2; exit 1; }; sleep 1
  done
  password=$(printf '%s' "$MYSQL_ROOT_PASSWORD" | sed "s/'/''/g")
  {
    echo "ALTER USER 'root'@'localhost' IDENTIFIED BY '$password';"
    echo "CREATE USER IF NOT EXISTS 'root'@'%' IDENTIFIED BY '$password';"
    echo "GRANT ALL PRIVILEGES ON *.* TO 'root'@'%' WITH GRANT OPTION;"
    if [ -n "${MYSQL_DATABASE:-}" ]; then echo "CREATE DATABASE IF NOT EXISTS \`$MYSQL_DATABASE\`;"; fi
    echo "FLUSH PRIVILEGES;"
  } | mysql --socket=/var/run/mysqld/init.sock -uroot
  kill "$pid" && wait "$pid" || true
  touch "$DONE"
  echo "entrypoint: data folder initialized"
fi
exec "$@"
