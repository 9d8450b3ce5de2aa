# The images scripts/images/build.sh makes: one function each, `image_<name> ref` prints the image's name as the
# charts use it, `image_<name> build ROOTFS ARCHIVE` builds it. Versions are the charts' pins; where a part cannot
# be built here at that version, the comment says which one is used instead (docs/testing/real-node.md lists them).
# shellcheck shell=bash

# Every image, in build order (Debian-only images first, then those that compile).
IMAGES=(curl kubectl seed-postgresql mysql wiremock moto keycloak pause coredns mailpit)

K8S_MODULE_VERSION=v1.34.4 # the node's Kubernetes build: kubectl and pause come from it

# A Go command from its module at a version, statically linked, into DIR.
go_binary() { # dir module@version [ldflags]
  GOBIN=$1 CGO_ENABLED=0 GOFLAGS=-mod=mod nice -n 10 go install -trimpath -ldflags "-s -w ${3:-}" "$2"
}

# Runs a package client inside a root filesystem while it is built, with a clean environment and the machine's CA
# bundle in place of the image's (a package registry may be reached through a proxy the machine trusts); the image's
# own bundle is put back afterwards.
with_host_ca() { # rootfs command...
  local rootfs=$1 bundle=$1/etc/ssl/certs/ca-certificates.crt; shift
  cp "$bundle" "$bundle.image"
  cp /etc/ssl/certs/ca-certificates.crt "$bundle"
  chroot "$rootfs" env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=/root "$@"
  mv "$bundle.image" "$bundle"
}

# curlimages/curl 8.12.1: curl is Debian bookworm's 7.88.1 (curl's own release is not in any reachable registry).
# Same user (curl_user, 100:101) and entrypoint behaviour: arguments that start with `-` go to curl.
image_curl() {
  [[ $1 == ref ]] && { echo docker.io/curlimages/curl:8.12.1; return; }
  debian_rootfs "$2" curl,ca-certificates
  add_user "$2" curl_user 100 101 /home/curl_user
  cat >"$2/entrypoint.sh" <<'SH'
#!/bin/sh
set -e
case "${1:-}" in -*) set -- curl "$@" ;; esac
exec "$@"
SH
  chmod 755 "$2/entrypoint.sh"
  oci_pack "$(image_curl ref)" "$2" "$3" --config.user=100:101 --config.entrypoint=/entrypoint.sh \
    --config.cmd=curl --config.workingdir=/home/curl_user
}

# alpine/kubectl 1.34.2: kubectl built from k8s.io/kubernetes at the node's version (v1.34.4, same minor) on a
# Debian base with a shell and the time zone database (the reaper's script converts local working hours).
image_kubectl() {
  [[ $1 == ref ]] && { echo docker.io/alpine/kubectl:1.34.2; return; }
  # shellcheck source=scripts/node/versions.sh
  source "$HERE/../node/versions.sh"
  [[ -x $KUBE_BIN/kubectl ]] || { log "kubectl: run scripts/node/build.sh first"; return 1; }
  debian_rootfs "$2" tzdata
  install -m 755 "$KUBE_BIN/kubectl" "$2/usr/local/bin/kubectl"
  oci_pack "$(image_kubectl ref)" "$2" "$3" --config.entrypoint=kubectl --config.cmd=--help
}

# library/postgres 18.3-alpine, as the seed Job uses it (psql, pg_isready) and as a server for tests: PostgreSQL 15
# from Debian bookworm (PostgreSQL 18 is not packaged there). User postgres as in the Alpine image (70:70).
image_seed_postgresql() {
  [[ $1 == ref ]] && { echo docker.io/library/postgres:18.3-alpine; return; }
  debian_rootfs "$2" postgresql-15,postgresql-client-15 \
    'chroot "$1" sh -c "groupmod -g 70 postgres && usermod -u 70 -g 70 postgres && chown -R 70:70 /var/lib/postgresql /var/run/postgresql"'
  oci_pack "$(image_seed_postgresql ref)" "$2" "$3" --config.user=70:70 \
    --config.env=PATH=/usr/lib/postgresql/15/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    --config.env=PGDATA=/var/lib/postgresql/data --config.cmd=postgres
}

# library/mysql 8.4.8: MariaDB 10.11 from Debian bookworm (MySQL is not packaged there), with an entrypoint that does
# what the MySQL image's does for the chart: initializes an empty data folder with MYSQL_ROOT_PASSWORD(_FILE) and
# MYSQL_DATABASE, then runs the server. User mysql as in the MySQL image (999:999).
image_mysql() {
  [[ $1 == ref ]] && { echo docker.io/library/mysql:8.4.8; return; }
  debian_rootfs "$2" mariadb-server,mariadb-client \
    'chroot "$1" sh -c "groupmod -g 999 mysql && usermod -u 999 -g 999 mysql && rm -rf /var/lib/mysql/* && mkdir -p /run/mysqld && chown -R 999:999 /var/lib/mysql /run/mysqld"'
  install -m 755 "$HERE/mysql-entrypoint.sh" "$2/usr/local/bin/docker-entrypoint.sh"
  # As the MySQL image's configuration: reachable from other pods, no name lookups of clients.
  printf '[mysqld]\nbind-address = 0.0.0.0\nskip-name-resolve\n' >"$2/etc/mysql/mariadb.conf.d/99-image.cnf"
  oci_pack "$(image_mysql ref)" "$2" "$3" --config.user=999:999 --config.entrypoint=docker-entrypoint.sh \
    --config.cmd=mysqld
}

# wiremock/wiremock 3.13.2-3: WireMock standalone 3.13.2 from Maven Central on Debian's JRE 17, started as the
# image's entrypoint does (java $JAVA_OPTS -cp /var/wiremock/lib/*:/var/wiremock/extensions/* wiremock.Run).
image_wiremock() {
  [[ $1 == ref ]] && { echo docker.io/wiremock/wiremock:3.13.2-3; return; }
  debian_rootfs "$2" openjdk-17-jre-headless
  mkdir -p "$2/var/wiremock/lib" "$2/var/wiremock/extensions"
  mvn -q -B dependency:copy -Dartifact=org.wiremock:wiremock-standalone:3.13.2 \
    -DoutputDirectory="$2/var/wiremock/lib" -Dmdep.stripVersion=true
  add_user "$2" wiremock 1000 1000 /home/wiremock
  cat >"$2/docker-entrypoint.sh" <<'SH'
#!/bin/sh
set -e
case "${1:-}" in -*) set -- java $JAVA_OPTS -cp '/var/wiremock/lib/*:/var/wiremock/extensions/*' wiremock.Run "$@" ;; esac
exec "$@"
SH
  chmod 755 "$2/docker-entrypoint.sh"
  oci_pack "$(image_wiremock ref)" "$2" "$3" --config.entrypoint=/docker-entrypoint.sh \
    --config.workingdir=/home/wiremock --config.exposedports=8080/tcp
}

# motoserver/moto 5.2.3: moto[server] 5.2.3 from PyPI in a virtual environment on Debian's Python 3.11.
image_moto() {
  [[ $1 == ref ]] && { echo docker.io/motoserver/moto:5.2.3; return; }
  debian_rootfs "$2" python3,python3-venv,ca-certificates
  chroot "$2" python3 -m venv /opt/moto
  with_host_ca "$2" /opt/moto/bin/pip install --quiet --no-cache-dir --no-compile 'moto[server]==5.2.3'
  ln -s /opt/moto/bin/moto_server "$2/usr/local/bin/moto_server"
  oci_pack "$(image_moto ref)" "$2" "$3" --config.entrypoint=/usr/local/bin/moto_server --config.cmd=-H \
    --config.cmd=0.0.0.0 --config.exposedports=5000/tcp
}

# quay.io/keycloak/keycloak 26.5.6: the server distribution of the same release from Maven Central
# (org.keycloak:keycloak-quarkus-dist) on Debian's JRE 17, laid out as the upstream image: /opt/keycloak owned by
# user keycloak (1000) and group 0, kc.sh as the entrypoint, no build ahead of the first start.
image_keycloak() {
  [[ $1 == ref ]] && { echo quay.io/keycloak/keycloak:26.5.6; return; }
  debian_rootfs "$2" openjdk-17-jre-headless
  local dist=$2.dist
  mkdir -p "$dist"
  (cd "$dist" && mvn -q -B dependency:copy -DoutputDirectory=. \
    -Dartifact=org.keycloak:keycloak-quarkus-dist:26.5.6:tar.gz)
  mkdir -p "$2/opt/keycloak"
  tar -xzf "$dist/keycloak-quarkus-dist-26.5.6.tar.gz" -C "$2/opt/keycloak" --strip-components=1
  rm -rf "$dist"
  echo 'keycloak:x:1000:0::/opt/keycloak:/usr/sbin/nologin' >>"$2/etc/passwd"
  chown -R 1000:0 "$2/opt/keycloak"
  chmod -R g+rwX "$2/opt/keycloak"
  oci_pack "$(image_keycloak ref)" "$2" "$3" --config.user=1000 --config.entrypoint=/opt/keycloak/bin/kc.sh \
    --config.env=LANG=en_US.UTF-8 --config.workingdir=/opt/keycloak --config.exposedports=8080/tcp \
    --config.exposedports=8443/tcp --config.exposedports=9000/tcp
}

# registry.k8s.io/pause 3.10.1: pause.c of k8s.io/kubernetes (build/pause), compiled as its Makefile does.
image_pause() {
  [[ $1 == ref ]] && { echo registry.k8s.io/pause:3.10.1; return; }
  local src
  src=$(go mod download -json "k8s.io/kubernetes@$K8S_MODULE_VERSION" | sed -n 's/.*"Dir": "\(.*\)",/\1/p')
  mkdir -p "$2"
  gcc -Os -Wall -Werror -static -DVERSION=v3.10.1-0 -o "$2/pause" "$src/build/pause/linux/pause.c"
  strip "$2/pause"
  oci_pack "$(image_pause ref)" "$2" "$3" --config.user=65535:65535 --config.entrypoint=/pause
}

# registry.k8s.io/coredns/coredns v1.12.1 (kubeadm's for Kubernetes 1.34): its Go module, as a static binary run as
# the distroless image's nonroot user (65532).
image_coredns() {
  [[ $1 == ref ]] && { echo registry.k8s.io/coredns/coredns:v1.12.1; return; }
  mkdir -p "$2"
  go_binary "$2" github.com/coredns/coredns@v1.12.1
  add_user "$2" nonroot 65532 65532 /home/nonroot
  oci_pack "$(image_coredns ref)" "$2" "$3" --config.user=65532:65532 --config.entrypoint=/coredns
}

# axllent/mailpit v1.30.5: its Go module on a Debian base with the time zone database, as the upstream image (Alpine
# with tzdata). The web UI's JavaScript bundle is built by npm upstream and not part of the module: SMTP, the API,
# /livez and /readyz are the module's code; the browser UI pages are not served.
image_mailpit() {
  [[ $1 == ref ]] && { echo docker.io/axllent/mailpit:v1.30.5; return; }
  debian_rootfs "$2" tzdata
  go_binary "$2" github.com/axllent/mailpit@v1.30.5 "-X github.com/axllent/mailpit/config.Version=v1.30.5"
  oci_pack "$(image_mailpit ref)" "$2" "$3" --config.entrypoint=/mailpit --config.exposedports=1025/tcp \
    --config.exposedports=8025/tcp
}
