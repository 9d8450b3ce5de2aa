#!/usr/bin/env bash
# Builds each controller of controllers.json from its Go module into
# ~/.cache/sandboxkit/controllers/<name>-<version>/<name>, reusing a binary that is there.
# The module's source comes from the Go module proxy (`go mod download`) and is built in a copy
# with its own go.mod and go.sum, so replace directives hold. Fails, naming the controller and
# showing the end of its build log, when one cannot be built.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${SANDBOXKIT_CONTROLLERS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sandboxkit/controllers}
command -v go >/dev/null || { echo "controllers: go is not installed; the cluster suite builds its controllers with it" >&2; exit 1; }
mkdir -p "$cache"
while IFS=$'\t' read -r name module version package; do
  dir=$cache/$name-$version
  [[ -x $dir/$name ]] && continue
  mkdir -p "$dir"
  log=$dir/build.log
  echo "controllers: building $name $version from $module (log: $log)"
  start=$(date +%s)
  if ! (
    set -euo pipefail
    src=$(go mod download -json "$module@$version" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')
    work=$(mktemp -d)
    trap 'chmod -R u+w "$work"; rm -rf "$work"' EXIT
    cp -r "$src/." "$work/"
    chmod -R u+w "$work"
    cd "$work"
    nice -n 10 go build -trimpath -ldflags='-s -w' -o "$dir/$name.partial" "$package"
    mv "$dir/$name.partial" "$dir/$name"
  ) >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    echo "controllers: $name $version could not be built from $module (see $log)" >&2
    exit 1
  fi
  echo "controllers: built $name $version in $(($(date +%s) - start)) s"
  echo "built in $(($(date +%s) - start)) s" >>"$log"
done < <(python3 -c '
import json, sys
for c in json.load(open(sys.argv[1]))["controllers"]:
    print("\t".join([c["name"], c["module"], c["version"], c["package"]]))
' "$here/controllers.json")
