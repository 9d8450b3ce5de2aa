#!/bin/sh
# Deletes expired instance namespaces and scales instances to zero outside their working hours.
# Annotations read: sandbox.dev/expires-at (RFC 3339), sandbox.dev/working-hours ("Mon-Fri 07:00-19:00 Europe/Berlin"),
# sandbox.dev/stopped (set by `sandboxkit instance stop`: working hours do not wake the namespace until `instance start`);
# a namespace labelled sandbox.dev/protected=true is never deleted (only Terraform sets that label).
# Idle reaping (IDLE_HOURS > 0, or the namespace's sandbox.dev/idle-hours): an instance whose last apply
# (sandbox.dev/last-applied-at, set by the CLI after every apply; else the namespace's creation) and whose last request
# through the gateway (Envoy's upstream request counters of the namespace's routes, from PROMETHEUS_URL) are both older
# than its idle hours is deleted. Missing or unreadable metrics never delete: the instance is kept and the run fails.
# Stopped instances are not idle-reaped: stopping is how an owner keeps one; expiry still applies.
# Every namespace is handled on its own: a failure is reported, the run goes on, and it ends non-zero.
# Replicas of sleeping workloads are kept in a ConfigMap of the reaper, since it may scale workloads but not edit them;
# CloudNativePG clusters sleep by the operator's hibernation annotation (the only change its admission policy lets the
# reaper make to them), remembered in the same ConfigMap as "<namespace>.cluster.<name>=hibernated".
# An owner decides how many workloads their namespace holds and how large they are, so the reaper never reads them
# whole: expiry and idleness of every namespace are settled first, from the namespace list alone; then working hours
# visit one workload at a time (a one-item list page, of which only the head is read, and the small scale
# subresource), every API call ends after REQUEST_TIMEOUT, and a namespace gets at most NAMESPACE_SECONDS.
set -u
# kubectl output is captured before it is read, so a failed call is seen without pipefail; set it where the shell has it.
if (set -o pipefail) 2>/dev/null; then set -o pipefail; fi

: "${DRY_RUN:=false}" "${INSTANCE_LABEL:?}" "${STATE_NAMESPACE:?}" "${STATE_CONFIGMAP:?}" "${ZONES:=/scripts/zones.tab}"
: "${IDLE_HOURS:=0}" "${PROMETHEUS_URL:=}" "${PROXY_NAMESPACE:=}" "${PROXY_JOB:=}"
: "${REQUEST_TIMEOUT:=20s}" "${NAMESPACE_SECONDS:=60}"
# REAPER_NOW (seconds since the epoch) replaces the clock, for tests and for rehearsing a run.
now=${REAPER_NOW:-$(date -u +%s)}
failures=0

fail() {
  echo "reaper: ERROR: $*" >&2
  failures=$((failures + 1))
}

# kubectl ignores the in-cluster config as soon as --request-timeout is given (it then builds a config of its own and
# falls back to localhost:8080), so a pod's service account is written into a kubeconfig of the run first.
if [ -z "${KUBECONFIG:-}" ] && [ -n "${KUBERNETES_SERVICE_HOST:-}" ]; then
  sa=/var/run/secrets/kubernetes.io/serviceaccount
  case $KUBERNETES_SERVICE_HOST in *:*) host="[$KUBERNETES_SERVICE_HOST]" ;; *) host=$KUBERNETES_SERVICE_HOST ;; esac
  KUBECONFIG=${TMPDIR:-/tmp}/reaper.kubeconfig
  cat >"$KUBECONFIG" <<EOF
apiVersion: v1
kind: Config
clusters:
  - name: in-cluster
    cluster: { server: "https://$host:${KUBERNETES_SERVICE_PORT:-443}", certificate-authority: $sa/ca.crt }
users:
  - name: reaper
    user: { tokenFile: $sa/token }
contexts:
  - name: in-cluster
    context: { cluster: in-cluster, user: reaper }
current-context: in-cluster
EOF
  export KUBECONFIG
fi

# kubectl with a bound on every request.
kube() {
  kubectl "$@" --request-timeout="$REQUEST_TIMEOUT" </dev/null
}

# Runs a change, or only reports it in dry-run mode.
change() {
  if [ "$DRY_RUN" = "true" ]; then echo "dry-run: kubectl $*"; else kube "$@"; fi
}

# Strips leading zeros so that shell arithmetic does not read "08" as octal.
num() {
  n=${1#"${1%%[!0]*}"}
  echo "${n:-0}"
}

# Seconds since the epoch of an RFC 3339 time, e.g. 2026-01-31T08:00:00Z or 2026-01-31T09:00:00.5+01:00; fails otherwise.
epoch_of() {
  case $1 in
    [0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9][Tt][0-2][0-9]:[0-5][0-9]:[0-6][0-9]*) ;;
    *) return 1 ;;
  esac
  y=$(num "$(echo "$1" | cut -c1-4)") mo=$(num "$(echo "$1" | cut -c6-7)") d=$(num "$(echo "$1" | cut -c9-10)")
  h=$(num "$(echo "$1" | cut -c12-13)") mi=$(num "$(echo "$1" | cut -c15-16)") s=$(num "$(echo "$1" | cut -c18-19)")
  zone=$(echo "$1" | cut -c20- | sed 's/^\.[0-9][0-9]*//')
  case $zone in
    Z | z) offset=0 ;;
    [+-][0-2][0-9]:[0-5][0-9])
      offset=$(($(num "$(echo "$zone" | cut -c2-3)") * 3600 + $(num "$(echo "$zone" | cut -c5-6)") * 60))
      [ "$(echo "$zone" | cut -c1)" = "+" ] || offset=$((-offset))
      ;;
    *) return 1 ;;
  esac
  [ "$mo" -ge 1 ] && [ "$mo" -le 12 ] && [ "$d" -ge 1 ] && [ "$d" -le 31 ] && [ "$h" -le 23 ] && [ "$s" -le 60 ] || return 1
  # Days from the civil date (H. Hinnant's algorithm), year counted from March.
  yy=$((mo <= 2 ? y - 1 : y))
  era=$((yy / 400))
  yoe=$((yy - era * 400))
  doy=$(((153 * (mo > 2 ? mo - 3 : mo + 9) + 2) / 5 + d - 1))
  doe=$((yoe * 365 + yoe / 4 - yoe / 100 + doy))
  echo $(((era * 146097 + doe - 719468) * 86400 + h * 3600 + mi * 60 + s - offset))
}

day_number() {
  case $1 in Mon) echo 1 ;; Tue) echo 2 ;; Wed) echo 3 ;; Thu) echo 4 ;; Fri) echo 5 ;; Sat) echo 6 ;; Sun) echo 7 ;; *) return 1 ;; esac
}

# Minutes after midnight of "HH:MM".
minutes_of() {
  case $1 in [0-2][0-9]:[0-5][0-9]) ;; *) return 1 ;; esac
  hh=$(num "${1%:*}")
  [ "$hh" -le 23 ] || return 1
  echo $((hh * 60 + $(num "${1#*:}")))
}

# Whether day $1 (1 = Monday) lies in the range $2..$3, which may wrap past Sunday (Sat-Mon).
day_in() {
  if [ "$2" -le "$3" ]; then [ "$1" -ge "$2" ] && [ "$1" -le "$3" ]; else [ "$1" -ge "$2" ] || [ "$1" -le "$3" ]; fi
}

# 0 when now is inside the working hours "$1", 1 outside, 2 when they cannot be read.
# A window past midnight (22:00-06:00) belongs to the day it starts on.
inside_hours() {
  set -f
  # shellcheck disable=SC2086
  set -- $1
  set +f
  [ $# -eq 3 ] || return 2
  case $1 in ???-???) ;; *) return 2 ;; esac
  first=$(day_number "${1%-*}") && last=$(day_number "${1#*-}") || return 2
  case $2 in ?????-?????) ;; *) return 2 ;; esac
  start=$(minutes_of "${2%-*}") && end=$(minutes_of "${2#*-}") || return 2
  rule=$(awk -v zone="$3" '$1 == zone { print $2; found = 1; exit } END { exit !found }' "$ZONES") || return 2
  local_time=$(TZ=$rule date -d "@$now" '+%u %H %M') || return 2
  set -- $local_time
  today=$1
  minute=$(($(num "$2") * 60 + $(num "$3")))
  if [ "$start" -lt "$end" ]; then
    day_in "$today" "$first" "$last" && [ "$minute" -ge "$start" ] && [ "$minute" -lt "$end" ] && return 0
  elif [ "$start" -gt "$end" ]; then
    [ "$minute" -ge "$start" ] && day_in "$today" "$first" "$last" && return 0
    [ "$minute" -lt "$end" ] && day_in $((today == 1 ? 7 : today - 1)) "$first" "$last" && return 0
  fi
  return 1
}

# Replicas remembered for workload key $1, if any.
saved_replicas() {
  printf '%s\n' "$state" | awk -F= -v key="$1" '$1 == key { print $2; exit }'
}

remember() {
  change patch configmap "$STATE_CONFIGMAP" -n "$STATE_NAMESPACE" --type merge -p "{\"data\":{\"$1\":\"$2\"}}"
}

forget() {
  change patch configmap "$STATE_CONFIGMAP" -n "$STATE_NAMESPACE" --type json -p "[{\"op\":\"remove\",\"path\":\"/data/$1\"}]"
}

# One page of the ${2}s of namespace $1 holding a single item, from continue token $3 (empty for the first page).
# Prints "<name> <next token>" (either may be empty: no item, last page); fails with what the API server said.
# kubectl keeps every page of a list in memory, and -o name or jsonpath fetch whole objects, so the page is read raw
# and only its head: the list's metadata and the item's name come before anything its owner wrote.
list_page() {
  page=$(kube get --raw "/apis/apps/v1/namespaces/$1/${2}s?limit=1${3:+&continue=$3}" 2>&1 | head -c 4096)
  list_head="{\"kind\":\"[A-Za-z]*List\",\"apiVersion\":\"apps/v1\",\"metadata\":{\\([^{}]*\\)},\"items\":\\["
  meta=$(printf '%s\n' "$page" | sed -n "1s#^$list_head.*#\\1#p")
  name=$(printf '%s\n' "$page" | sed -n "1s#^$list_head{\"metadata\":{\"name\":\"\\([a-z0-9.-]*\\)\".*#\\2#p")
  if [ -z "$name" ] && ! printf '%s\n' "$page" | grep -q "^$list_head]"; then
    printf '%s\n' "$page" | head -n 3 | cut -c1-300
    return 1
  fi
  next=$(printf '%s\n' "$meta" | sed -n 's/.*"continue":"\([A-Za-z0-9_=-]*\)".*/\1/p')
  echo "$name $next"
}

# Whether namespace $1 has used up its NAMESPACE_SECONDS since $2 (seconds since the epoch, by the real clock).
out_of_time() {
  [ $(($(date -u +%s) - $2)) -ge "$NAMESPACE_SECONDS" ] || return 1
  fail "$1: working hours left unfinished after ${NAMESPACE_SECONDS}s"
}

# Sleeps or wakes workload $3 of kind $2 in namespace $1 to be $4 (awake or asleep) for working hours $5.
apply_to() {
  key="$1.$2.$3"
  if [ "$4" = awake ]; then
    saved=$(saved_replicas "$key")
    [ -n "$saved" ] || return 0
    echo "reaper: waking $1/$2/$3 to $saved"
    if change scale "$2/$3" -n "$1" --replicas="$saved"; then forget "$key" || fail "$1/$2/$3: cannot forget its replicas"; else fail "$1/$2/$3: scale to $saved failed"; fi
    return 0
  fi
  if ! replicas=$(kube get "$2" "$3" -n "$1" --subresource=scale -o 'jsonpath={.spec.replicas}'); then
    fail "$1/$2/$3: cannot read its replicas"
    return 0
  fi
  case ${replicas:=0} in *[!0-9]*) fail "$1/$2/$3: replicas \"$replicas\" are not a number"; return 0 ;; esac
  [ "$replicas" -gt 0 ] || return 0
  echo "reaper: $1/$2/$3 sleeps outside $5"
  if remember "$key" "$replicas"; then change scale "$2/$3" -n "$1" --replicas=0 || fail "$1/$2/$3: scale to 0 failed"; else fail "$1/$2/$3: cannot remember its $replicas replicas, left running"; fi
}

# Sleeps or wakes the Deployments and StatefulSets of namespace $1 for working hours $2, one at a time.
apply_hours() {
  inside_hours "$2"
  case $? in
    0) wanted=awake ;;
    1) wanted=asleep ;;
    *)
      fail "$1: cannot read sandbox.dev/working-hours \"$2\" (expected e.g. \"Mon-Fri 07:00-19:00 Europe/Berlin\", a zone in $ZONES)"
      return
      ;;
  esac
  started=$(date -u +%s)
  for kind in deployment statefulset; do
    token=
    while :; do
      out_of_time "$1" "$started" && return
      if ! item=$(list_page "$1" "$kind" "$token"); then
        fail "$1: cannot list ${kind}s: $item"
        break
      fi
      name=${item% *} token=${item#* }
      [ -z "$name" ] || apply_to "$1" "$kind" "$name" "$wanted" "$2"
      [ -n "$token" ] || break
    done
  done
  apply_hibernation "$1" "$2" "$started"
}

# Hibernates (asleep) or wakes (awake) the CloudNativePG clusters of namespace $1, one at a time, within the time the
# namespace has left since $3: a Cluster has no replicas to scale (at least one instance), so the operator's
# declarative hibernation annotation stops its pods and keeps its volumes. Only clusters the reaper hibernated are
# woken; one an owner hibernated stays as it is. Owners have no rights on Clusters (only their blocks' releases
# create them), so the list is as long as the config makes it, and kubectl reads the names from it. A custom
# resource's JSON has sorted keys (its list metadata after the items, managedFields before the name), so the raw
# one-item pages that workloads are read from would not give the name.
apply_hibernation() {
  # A cluster without the operator's API has nothing to hibernate (discovery is open to every account).
  kube get --raw /apis/postgresql.cnpg.io/v1 >/dev/null 2>&1 || return 0
  if ! clusters=$(kube get clusters.postgresql.cnpg.io -n "$1" -o 'jsonpath={range .items[*]}{.metadata.name}{" "}{end}' 2>&1); then
    fail "$1: cannot list CloudNativePG clusters: $(printf '%s\n' "$clusters" | head -n 3 | cut -c1-300)"
    return
  fi
  for name in $clusters; do
    out_of_time "$1" "$3" && return
    hibernate "$1" "$name" "$wanted" "$2"
  done
}

# Hibernates or wakes CloudNativePG cluster $2 of namespace $1 to be $3 (awake or asleep) for working hours $4.
hibernate() {
  key="$1.cluster.$2"
  if [ "$3" = awake ]; then
    [ -n "$(saved_replicas "$key")" ] || return 0
    echo "reaper: waking $1/cluster/$2 from hibernation"
    if change annotate clusters.postgresql.cnpg.io "$2" -n "$1" cnpg.io/hibernation-; then forget "$key" || fail "$1/cluster/$2: cannot forget its hibernation"; else fail "$1/cluster/$2: waking from hibernation failed"; fi
    return 0
  fi
  if ! hibernation=$(kube get clusters.postgresql.cnpg.io "$2" -n "$1" -o 'jsonpath={.metadata.annotations.cnpg\.io/hibernation}'); then
    fail "$1/cluster/$2: cannot read its hibernation"
    return 0
  fi
  [ "$hibernation" != on ] || return 0
  echo "reaper: $1/cluster/$2 hibernates outside $4"
  if remember "$key" hibernated; then change annotate clusters.postgresql.cnpg.io "$2" -n "$1" --overwrite cnpg.io/hibernation=on || fail "$1/cluster/$2: hibernation failed"; else fail "$1/cluster/$2: cannot remember its hibernation, left running"; fi
}

# Percent-encodes the characters a request-count query holds (namespaces are DNS labels).
urlencode() {
  printf '%s' "$1" | sed -e 's/%/%25/g' -e 's/ /%20/g' -e 's/"/%22/g' -e 's/{/%7B/g' -e 's/}/%7D/g' -e 's/\[/%5B/g' \
    -e 's/\]/%5D/g' -e 's/+/%2B/g' -e 's/=/%3D/g' -e 's/~/%7E/g' -e 's#/#%2F#g' -e 's/(/%28/g' -e 's/)/%29/g'
}

# Requests through the gateway to the routes of namespace $1 over the last $2 hours, from Prometheus: Envoy Gateway
# names the upstream cluster of each HTTPRoute rule httproute/<namespace>/<route>/rule/<n>. Only series scraped from
# the gateway's proxies count (their namespace PROXY_NAMESPACE and scrape job PROXY_JOB, labels Prometheus sets from
# the target): a workload that exports a counter of the same name, in any namespace, cannot keep an instance alive.
# The count is only given when Prometheus also holds those counters from $2 hours ago, so a Prometheus younger than
# the window counts nothing. Prints the count; fails with the reason when Prometheus does not answer or has no data.
requests_of() {
  routes="envoy_cluster_name=~\"httproute/$1/.+\""
  [ -z "$PROXY_JOB" ] || routes="job=\"$PROXY_JOB\",$routes"
  [ -z "$PROXY_NAMESPACE" ] || routes="namespace=\"$PROXY_NAMESPACE\",$routes"
  routes="envoy_cluster_upstream_rq_total{$routes}"
  query="sum(increase(${routes}[${2}h])) and on() count(${routes} offset ${2}h)"
  if ! body=$(wget -q -O - -T 10 "${PROMETHEUS_URL%/}/api/v1/query?query=$(urlencode "$query")&time=$now" 2>&1 </dev/null); then
    echo "Prometheus at $PROMETHEUS_URL did not answer: $(echo "$body" | tail -n 1)"
    return 1
  fi
  case $body in
    *'"status":"success"'*'"result":[]'*) echo "Prometheus holds no request counters of its routes over the last ${2}h"; return 1 ;;
    *'"status":"success"'*) ;;
    *) echo "Prometheus answered without a result: $(echo "$body" | cut -c1-200)"; return 1 ;;
  esac
  value=$(printf '%s' "$body" | sed -n 's/.*"value":\[[^],]*,"\([^"]*\)"\].*/\1/p')
  case $value in
    '' | *[!0-9.e+-]*) echo "Prometheus answered a count that is not a number: \"$value\""; return 1 ;;
  esac
  echo "$value"
}

# Deletes namespace $1 when it is idle: created $2, last applied $3, its own idle hours $4 (else IDLE_HOURS).
# Returns 0 when it was deleted.
reap_idle() {
  idle_hours=${4:-$IDLE_HOURS}
  case $idle_hours in
    never) return 1 ;;
    '' | *[!0-9]*)
      fail "$1: cannot read sandbox.dev/idle-hours \"$idle_hours\" (expected a whole number of hours or \"never\")"
      return 1
      ;;
  esac
  idle_hours=$(num "$idle_hours")
  [ "$idle_hours" -gt 0 ] || return 1
  applied=${3:-$2}
  if ! applied_at=$(epoch_of "$applied"); then
    fail "$1: cannot read sandbox.dev/last-applied-at \"$applied\" (expected RFC 3339); not reaped as idle"
    return 1
  fi
  # Applied within the window: active, and Prometheus need not be asked.
  [ $((now - applied_at)) -ge $((idle_hours * 3600)) ] || return 1
  if [ -z "$PROMETHEUS_URL" ]; then
    fail "$1: no apply for ${idle_hours}h, but no Prometheus is configured to count its requests; not reaped as idle"
    return 1
  fi
  if ! requests=$(requests_of "$1" "$idle_hours"); then
    fail "$1: no apply for ${idle_hours}h; $requests; not reaped as idle"
    return 1
  fi
  if awk -v n="$requests" 'BEGIN { exit !(n + 0 > 0) }'; then
    echo "reaper: $1 is in use: $requests request(s) in the last ${idle_hours}h"
    return 1
  fi
  echo "reaper: $1 is idle: no apply since $applied and no request in the last ${idle_hours}h"
  change delete namespace "$1" --wait=false || fail "$1: delete failed"
  return 0
}

# Settles the expiry and idleness of one namespace: name, phase, expiry, working hours, stopped, protected label,
# created, last applied, idle hours. A namespace that stays and has working hours is queued for them.
reap() {
  if [ "$2" = "Terminating" ]; then
    echo "reaper: $1 is already being deleted"
    return
  fi
  if [ "${6:-}" = "true" ]; then
    echo "reaper: $1 is protected, it does not expire"
  elif [ -n "$3" ]; then
    if ! expires=$(epoch_of "$3"); then
      fail "$1: cannot read sandbox.dev/expires-at \"$3\" (expected RFC 3339, e.g. 2026-01-31T08:00:00Z)"
    elif [ "$expires" -le "$now" ]; then
      echo "reaper: $1 expired at $3"
      change delete namespace "$1" --wait=false || fail "$1: delete failed"
      return
    fi
  fi
  if [ "${6:-}" != "true" ] && [ -z "${5:-}" ] && reap_idle "$1" "${7:-}" "${8:-}" "${9:-}"; then return; fi
  [ -z "$4" ] && return
  if [ -n "${5:-}" ]; then
    echo "reaper: $1 is stopped since $5; working hours do not apply until it is started"
    return
  fi
  if [ "$state_ok" = true ]; then hours_due="$hours_due$1|$4
"; else fail "$1: working hours skipped, the saved replicas could not be read"; fi
}

if ! namespaces=$(kube get namespaces -l "$INSTANCE_LABEL" -o jsonpath='{range .items[*]}{.metadata.name}{"|"}{.status.phase}{"|"}{.metadata.annotations.sandbox\.dev/expires-at}{"|"}{.metadata.annotations.sandbox\.dev/working-hours}{"|"}{.metadata.annotations.sandbox\.dev/stopped}{"|"}{.metadata.labels.sandbox\.dev/protected}{"|"}{.metadata.creationTimestamp}{"|"}{.metadata.annotations.sandbox\.dev/last-applied-at}{"|"}{.metadata.annotations.sandbox\.dev/idle-hours}{"\n"}{end}'); then
  echo "reaper: ERROR: cannot list the namespaces labelled $INSTANCE_LABEL" >&2
  exit 1
fi
state_ok=true
if ! state=$(kube get configmap "$STATE_CONFIGMAP" -n "$STATE_NAMESPACE" -o go-template='{{range $k, $v := .data}}{{$k}}={{$v}}{{"\n"}}{{end}}'); then
  fail "cannot read the saved replicas in configmap $STATE_NAMESPACE/$STATE_CONFIGMAP"
  state_ok=false
  state=
fi

hours_due=
while IFS='|' read -r ns phase expires_at hours stopped protected created applied idle; do
  [ -n "$ns" ] || continue
  reap "$ns" "$phase" "$expires_at" "$hours" "$stopped" "$protected" "$created" "$applied" "$idle"
done <<EOF
$namespaces
EOF

while IFS='|' read -r ns hours; do
  [ -n "$ns" ] || continue
  apply_hours "$ns" "$hours"
done <<EOF
$hours_due
EOF

# Replicas saved for namespaces that are gone or going are dropped.
for key in $(printf '%s\n' "$state" | cut -d= -f1); do
  owner=${key%%.*}
  printf '%s\n' "$namespaces" | grep -q "^$owner|Active|" || forget "$key" || fail "cannot drop the saved replicas $key"
done

if [ "$failures" -gt 0 ]; then
  echo "reaper: $failures problem(s), see the errors above" >&2
  exit 1
fi
