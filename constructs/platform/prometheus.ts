/** Namespace and release of the platform's kube-prometheus-stack (`monitoring: true`). */
export const PLATFORM_MONITORING = { namespace: 'monitoring', release: 'monitoring' } as const;
/** Its Prometheus HTTP API: the chart truncates the release's fullname to "monitoring-kube-prometheus". */
export const PLATFORM_PROMETHEUS_URL = `http://monitoring-kube-prometheus-prometheus.${PLATFORM_MONITORING.namespace}.svc:9090`;
/** How long it keeps samples; idle reaping cannot look further back. */
export const PROMETHEUS_RETENTION_HOURS = 7 * 24;
/**
 * The PodMonitor that scrapes the gateway's Envoy proxies, and the `job` label the Prometheus operator gives its
 * series (`<namespace>/<name>`): idle reaping counts only those series.
 */
export const GATEWAY_PROXY_MONITOR = {
  name: 'envoy-gateway-proxies',
  job: `${PLATFORM_MONITORING.namespace}/envoy-gateway-proxies`,
} as const;
