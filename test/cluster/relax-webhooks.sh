#!/usr/bin/env bash
# On a control plane where no webhook server can run (../shared/realk8s: no container runs), a chart's
# admission webhook with failurePolicy Fail makes the API server reject every object it matches.
# This loop sets failurePolicy to Ignore on every webhook as soon as its configuration appears, and
# says so. The API server still calls nothing it can reach; CRD schemas and policies stay enforced.
# Runs until killed. Only for test clusters: never point it at a cluster whose webhooks work.
set -uo pipefail
# Every pass looks at every configuration: a chart installed again (or upgraded) brings its Fail back.
# A configuration annotated sandboxkit.test/served-locally has a real server (scripts/controllers) and stays.
while true; do
  for kind in validatingwebhookconfigurations mutatingwebhookconfigurations; do
    while read -r name served policies; do
      # A configuration without the annotation reads as "<name>  <policies>": served is then the first policy.
      [[ $served == Fail || $served == Ignore ]] && { policies="$served $policies"; served=""; }
      [[ -z $name || -n $served || $policies != *Fail* ]] && continue
      n=$(kubectl get "$kind" "$name" -o jsonpath='{range .webhooks[*]}x{end}' 2>/dev/null | wc -c)
      patch=$(for ((i = 0; i < n; i++)); do printf '{"op":"replace","path":"/webhooks/%d/failurePolicy","value":"Ignore"},' "$i"; done)
      if kubectl patch "$kind" "$name" --type=json -p "[${patch%,}]" >/dev/null 2>&1; then
        echo "relax-webhooks: $kind/$name: failurePolicy Fail -> Ignore (no webhook server runs on this cluster)"
      fi
    done < <(kubectl get "$kind" -o jsonpath='{range .items[*]}{.metadata.name}{" "}{.metadata.annotations.sandboxkit\.test/served-locally}{" "}{.webhooks[*].failurePolicy}{"\n"}{end}' 2>/dev/null)
  done
  sleep 1
done
