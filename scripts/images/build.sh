#!/usr/bin/env bash
# Builds, without a registry or Docker, the OCI images the real node runs, under the names the charts use, each from
# the upstream release the chart pins (or the nearest one that can be built here; docs/testing/real-node.md lists
# them): root filesystems made with Debian's tools (mmdebstrap) or from Go modules, packed with umoci into an OCI
# archive in $IMAGE_CACHE (~/.cache/sandboxkit/images) with the image's name beside it in <archive>.ref;
# scripts/node/up.sh imports them into containerd. An archive is rebuilt only when its recipe (the function below
# and its version, or a file of this folder it installs) changed. `build.sh NAME...` builds some; `--timings` prints
# `name seconds` for each built one.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=scripts/images/recipes.sh
source "$HERE/recipes.sh"
IMAGE_CACHE=${SANDBOXKIT_IMAGE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/sandboxkit/images}
log() { echo "[images $(date +%T)] $*" >&2; }
TIMINGS=false
if [[ ${1:-} == --timings ]]; then TIMINGS=true; shift; fi
command -v go >/dev/null || { log "go is missing: the images' Go programs are built from their modules"; exit 1; }
# mmdebstrap makes the root filesystems, umoci packs them, gcc builds pause.
bash "$HERE/../debian-packages.sh" images mmdebstrap umoci gcc libc6-dev tar
mkdir -p "$IMAGE_CACHE"
DEBIAN_SOURCES=(
  "deb http://deb.debian.org/debian bookworm main"
  "deb http://deb.debian.org/debian bookworm-updates main"
  "deb http://deb.debian.org/debian-security bookworm-security main"
)

# A Debian bookworm root filesystem with `packages` (comma-separated, may be empty), without docs and manuals
# (man1 stays as a folder: the JRE's postinst links a manual page into it).
debian_rootfs() { # dir packages [customize-hook...]
  local dir=$1 packages=$2; shift 2
  local hooks=() h
  for h in "$@"; do hooks+=(--customize-hook="$h"); done
  mmdebstrap --quiet --variant=minbase ${packages:+--include="$packages"} \
    --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-exclude=/usr/share/man/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
    --essential-hook='mkdir -p "$1/usr/share/man/man1"' \
    --customize-hook='rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*' "${hooks[@]}" \
    bookworm "$dir" "${DEBIAN_SOURCES[@]}"
}

# A user and group in a root filesystem's /etc/passwd and /etc/group (created when missing).
add_user() { # rootfs name uid gid home
  mkdir -p "$1/etc" "$1$5"
  grep -q "^$2:" "$1/etc/group" 2>/dev/null || echo "$2:x:$4:" >>"$1/etc/group"
  grep -q "^$2:" "$1/etc/passwd" 2>/dev/null || echo "$2:x:$3:$4::$5:/usr/sbin/nologin" >>"$1/etc/passwd"
  chown "$3:$4" "$1$5"
}

# Packs a root filesystem as one layer into an OCI archive named after `ref`; `config` are umoci config flags.
oci_pack() { # ref rootfs archive config...
  local ref=$1 rootfs=$2 archive=$3; shift 3
  local work tag=${ref##*:}
  work=$(mktemp -d "$IMAGE_CACHE/.pack-XXXXXX")
  umoci init --layout "$work/layout"
  umoci new --image "$work/layout:$tag"
  umoci unpack --image "$work/layout:$tag" "$work/bundle" >/dev/null
  cp -a "$rootfs/." "$work/bundle/rootfs/"
  umoci repack --image "$work/layout:$tag" "$work/bundle"
  umoci config --image "$work/layout:$tag" --config.env=PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    --author=sandboxkit --history.comment="built by scripts/images/build.sh" "$@"
  umoci gc --layout "$work/layout"
  tar -C "$work/layout" -cf "$archive.tmp" .
  mv "$archive.tmp" "$archive" && echo "$ref" >"$archive.ref"
  rm -rf "$work"
}

build_one() { # name
  local name=$1 recipe ref key archive work start=$SECONDS
  recipe=image_${name//-/_}
  declare -F "$recipe" >/dev/null || { log "no image named $name (see scripts/images/recipes.sh)"; exit 1; }
  ref=$("$recipe" ref)
  # The key covers the recipe, the helpers it calls and the files of this folder it installs.
  key=$({
    declare -f "$recipe" oci_pack debian_rootfs add_user
    { declare -f "$recipe" | grep -o '\$HERE/[A-Za-z][A-Za-z0-9._-]*' || true; } | sort -u | sed "s|^\$HERE|$HERE|" | xargs -r cat
  } | sha256sum | cut -c1-12)
  archive=$IMAGE_CACHE/$name.tar
  if [[ -f $archive && -f $archive.key && $(cat "$archive.key") == "$key" ]]; then return; fi
  work=$(mktemp -d "$IMAGE_CACHE/.build-XXXXXX")
  log "building $ref"
  "$recipe" build "$work/rootfs" "$archive" >&2
  echo "$key" >"$archive.key"
  rm -rf "$work"
  log "$ref: $((SECONDS - start)) s, $(du -m "$archive" | cut -f1) MiB"
  if $TIMINGS; then echo "$name $((SECONDS - start))"; fi
}

names=("$@")
((${#names[@]})) || names=("${IMAGES[@]}")
for n in "${names[@]}"; do build_one "$n"; done
