#!/bin/sh
# Deletes expired instance namespaces and applies working-hours schedules.
# Annotations read: sandbox.dev/expires-at (RFC 3339), sandbox.dev/working-hours ("Mon-Fri 07:00-19:00 Europe/Berlin").
set -eu
now=$(date -u +%s)
run() { if [ "$DRY_RUN" = "true" ]; then echo "dry-run: $*"; else "$@"; fi; }
day_number() { case "$1" in Mon) echo 1;; Tue) echo 2;; Wed) echo 3;; Thu) echo 4;; Fri) echo 5;; Sat) echo 6;; Sun) echo 7;; esac; }

# Whether "now" falls inside a working-hours spec.
inside_hours() {
  days=${1%% *}; rest=${1#* }; times=${rest%% *}; zone=${rest#* }
  first=$(day_number "${days%-*}"); last=$(day_number "${days#*-}")
  today=$(TZ="$zone" date +%u); minute=$(TZ="$zone" date +%H%M)
  start=$(echo "${times%-*}" | tr -d :); end=$(echo "${times#*-}" | tr -d :)
  [ "$today" -ge "$first" ] && [ "$today" -le "$last" ] && [ "$minute" -ge "$start" ] && [ "$minute" -lt "$end" ]
}

kubectl get namespaces -l "$INSTANCE_LABEL" \
  -o jsonpath='{range .items[*]}{.metadata.name}{"|"}{.metadata.annotations.sandbox\.dev/expires-at}{"|"}{.metadata.annotations.sandbox\.dev/working-hours}{"\n"}{end}' |
while IFS='|' read -r ns expires hours; do
  [ -n "$ns" ] || continue
  if [ -n "$expires" ] && [ "$(date -u -d "$expires" +%s)" -le "$now" ]; then
    echo "reaper: $ns expired at $expires"
    run kubectl delete namespace "$ns" --wait=false
    continue
  fi
  [ -n "$hours" ] || continue
  for kind in deployment statefulset; do
    kubectl get "$kind" -n "$ns" -o jsonpath='{range .items[*]}{.metadata.name}{"|"}{.spec.replicas}{"|"}{.metadata.annotations.sandbox\.dev/replicas-before-sleep}{"\n"}{end}' |
    while IFS='|' read -r name replicas saved; do
      [ -n "$name" ] || continue
      if inside_hours "$hours"; then
        if [ -n "$saved" ]; then
          echo "reaper: waking $ns/$kind/$name to $saved"
          run kubectl scale "$kind/$name" -n "$ns" --replicas="$saved"
          run kubectl annotate "$kind/$name" -n "$ns" sandbox.dev/replicas-before-sleep-
        fi
      elif [ "${replicas:-0}" -gt 0 ]; then
        echo "reaper: $ns/$kind/$name sleeps outside $hours"
        run kubectl annotate "$kind/$name" -n "$ns" --overwrite "sandbox.dev/replicas-before-sleep=$replicas"
        run kubectl scale "$kind/$name" -n "$ns" --replicas=0
      fi
    done
  done
done
