/**
 * Images each platform chart pulls with the image values sandboxkit sets (tests and hooks included; Envoy Gateway's
 * data plane, which its controller starts, pinned by sandboxkit), by chart and version: the bill of materials of a
 * cluster must list them without network or Helm. A test renders every platform chart the code pins from the chart
 * mirror and checks this table against it.
 */
export const PLATFORM_IMAGES: Readonly<Record<string, readonly string[]>> = {
  'gateway-helm@v1.9.0': [
    'docker.io/envoyproxy/envoy:distroless-v1.39.0',
    'docker.io/envoyproxy/gateway:v1.9.0',
    'docker.io/envoyproxy/ratelimit:17b1956c',
  ],
  'cert-manager@v1.21.1': [
    'quay.io/jetstack/cert-manager-acmesolver:v1.21.1',
    'quay.io/jetstack/cert-manager-cainjector:v1.21.1',
    'quay.io/jetstack/cert-manager-controller:v1.21.1',
    'quay.io/jetstack/cert-manager-startupapicheck:v1.21.1',
    'quay.io/jetstack/cert-manager-webhook:v1.21.1',
  ],
  'cloudnative-pg@0.29.0': ['ghcr.io/cloudnative-pg/cloudnative-pg:1.30.0'],
  'strimzi-kafka-operator@1.2.0': [
    'quay.io/strimzi/buildah:1.2.0',
    'quay.io/strimzi/kafka-bridge:1.1.0',
    'quay.io/strimzi/kafka:1.2.0-kafka-4.2.0',
    'quay.io/strimzi/kafka:1.2.0-kafka-4.2.1',
    'quay.io/strimzi/kafka:1.2.0-kafka-4.3.0',
    'quay.io/strimzi/kafka:1.2.0-kafka-4.3.1',
    'quay.io/strimzi/kaniko-executor:1.2.0',
    'quay.io/strimzi/maven-builder:1.2.0',
    'quay.io/strimzi/operator:1.2.0',
  ],
  'external-secrets@2.9.0': ['ghcr.io/external-secrets/external-secrets:v2.9.0'],
  'external-dns@1.21.1': ['registry.k8s.io/external-dns/external-dns:v0.21.0'],
  'metrics-server@3.13.1': ['registry.k8s.io/metrics-server/metrics-server:v0.8.1'],
  'cluster-autoscaler@9.59.0': ['registry.k8s.io/autoscaling/cluster-autoscaler:v1.35.0'],
  'kube-prometheus-stack@88.5.3': [
    'docker.io/grafana/grafana:13.2.0',
    'ghcr.io/jkroepke/kube-webhook-certgen:1.8.7',
    'quay.io/kiwigrid/k8s-sidecar:2.10.1',
    'quay.io/prometheus-operator/prometheus-config-reloader:v0.93.1',
    'quay.io/prometheus-operator/prometheus-operator:v0.93.1',
    'quay.io/prometheus/alertmanager:v0.34.0',
    'quay.io/prometheus/node-exporter:v1.12.1-distroless',
    'quay.io/prometheus/prometheus:v3.14.0-distroless',
    'quay.io/thanos/thanos:v0.42.4',
    'registry.k8s.io/kube-state-metrics/kube-state-metrics:v2.20.0',
  ],
};
