#!/bin/sh
# Writes the SQL that mysqld runs at every start (--init-file): each user of USERS ("<name> <database>"
# per line) with its password from /users/<name>/password and all privileges on its own database.
set -eu
out=/init/users.sql
: > "$out"
printf '%s\n' "$USERS" | while read -r name database; do
  [ -n "$name" ] || continue
  password=$(cat "/users/$name/password")
  case "$password$name$database" in
    *[!A-Za-z0-9_-]*) echo "users: $name: only letters, digits, _ and - can be quoted safely" >&2; exit 1 ;;
  esac
  cat >> "$out" <<SQL
CREATE DATABASE IF NOT EXISTS \`$database\`;
CREATE USER IF NOT EXISTS '$name'@'%' IDENTIFIED BY '$password';
ALTER USER '$name'@'%' IDENTIFIED BY '$password';
GRANT ALL PRIVILEGES ON \`$database\`.* TO '$name'@'%';
SQL
done
echo "users: $(grep -c '^CREATE USER' "$out" || true) users prepared"
