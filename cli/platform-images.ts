/**
 * Images each platform chart pulls with its default values (tests and hooks included), by chart and
 * version: the bill of materials of a cluster must list them without network or Helm. A test renders
 * every platform chart the code pins from the chart mirror and checks this table against it.
 */
export const PLATFORM_IMAGES: Readonly<Record<string, readonly string[]>> = {
  'ingress-nginx@4.12.1': [
    'registry.k8s.io/ingress-nginx/controller:v1.12.1@sha256:d2fbc4ec70d8aa2050dd91a91506e998765e86c96f32cffb56c503c9c34eed5b',
    'registry.k8s.io/ingress-nginx/kube-webhook-certgen:v1.5.2@sha256:e8825994b7a2c7497375a9b945f386506ca6a3eda80b89b74ef2db743f66a5ea',
  ],
  'cert-manager@v1.17.1': [
    'quay.io/jetstack/cert-manager-acmesolver:v1.17.1',
    'quay.io/jetstack/cert-manager-cainjector:v1.17.1',
    'quay.io/jetstack/cert-manager-controller:v1.17.1',
    'quay.io/jetstack/cert-manager-startupapicheck:v1.17.1',
    'quay.io/jetstack/cert-manager-webhook:v1.17.1',
  ],
  'external-secrets@0.17.0': [
    'oci.external-secrets.io/external-secrets/external-secrets:v0.17.0',
  ],
  'external-dns@1.15.2': [
    'registry.k8s.io/external-dns/external-dns:v0.15.1',
  ],
  'metrics-server@3.12.2': [
    'registry.k8s.io/metrics-server/metrics-server:v0.7.2',
  ],
  'cluster-autoscaler@9.46.6': [
    'registry.k8s.io/autoscaling/cluster-autoscaler:v1.32.0',
  ],
  'kube-prometheus-stack@69.8.2': [
    'docker.io/bats/bats:v1.4.1',
    'docker.io/grafana/grafana:11.5.2',
    'quay.io/kiwigrid/k8s-sidecar:1.30.0',
    'quay.io/prometheus-operator/prometheus-config-reloader:v0.80.1',
    'quay.io/prometheus-operator/prometheus-operator:v0.80.1',
    'quay.io/prometheus/alertmanager:v0.28.1',
    'quay.io/prometheus/node-exporter:v1.9.0',
    'quay.io/prometheus/prometheus:v3.2.1',
    'quay.io/thanos/thanos:v0.37.2',
    'registry.k8s.io/ingress-nginx/kube-webhook-certgen:v1.5.1',
    'registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.15.0',
  ],
};
