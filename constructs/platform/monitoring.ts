import { SecretV1 } from '@cdktf/provider-kubernetes/lib/secret-v1';
import { Password } from '@cdktf/provider-random/lib/password';
import { Construct } from 'constructs';
import { PLATFORM_DEFAULTS } from '../cluster';
import { ChartSource, SandboxHelmRelease } from '../helm-release';
import { PlatformNamespace } from './platform-namespace';
import { GATEWAY_PROXY_MONITOR, PLATFORM_MONITORING, PROMETHEUS_RETENTION_HOURS } from './prometheus';

export const KUBE_PROMETHEUS_STACK_CHART = {
  repository: 'https://prometheus-community.github.io/helm-charts',
  name: 'kube-prometheus-stack',
  version: '88.5.3',
} as const;
const NAMESPACE = PLATFORM_MONITORING.namespace;

/** Prometheus and Grafana for the whole cluster; Grafana's admin password is generated, never written down. */
export class Monitoring extends Construct {
  readonly release: SandboxHelmRelease;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    // node-exporter needs host access, which only the privileged profile allows.
    const ns = new PlatformNamespace(this, 'Namespace', { name: NAMESPACE, podSecurity: 'privileged' });
    const password = new Password(this, 'GrafanaAdminPassword', { length: 32, special: false });
    const secret = new SecretV1(this, 'GrafanaAdmin', {
      metadata: { name: 'grafana-admin', namespace: NAMESPACE },
      data: { 'admin-user': 'admin', 'admin-password': password.result },
      dependsOn: [ns.namespace],
    });
    this.release = new SandboxHelmRelease(this, 'Release', {
      name: PLATFORM_MONITORING.release,
      namespace: NAMESPACE,
      chart: ChartSource.repository(KUBE_PROMETHEUS_STACK_CHART.repository, KUBE_PROMETHEUS_STACK_CHART.name),
      version: KUBE_PROMETHEUS_STACK_CHART.version,
      values: {
        grafana: { admin: { existingSecret: 'grafana-admin', userKey: 'admin-user', passwordKey: 'admin-password' } },
        prometheus: {
          prometheusSpec: {
            retention: `${PROMETHEUS_RETENTION_HOURS / 24}d`,
            serviceMonitorSelectorNilUsesHelmValues: false,
            podMonitorSelectorNilUsesHelmValues: false,
          },
          // Envoy Gateway creates its proxies at run time, labelled as below, with their stats on the "metrics" port;
          // their per-route request counters are what idle reaping reads.
          additionalPodMonitors: [
            {
              name: GATEWAY_PROXY_MONITOR.name,
              namespaceSelector: { matchNames: [PLATFORM_DEFAULTS.gatewayNamespace] },
              selector: {
                matchLabels: {
                  'app.kubernetes.io/name': 'envoy',
                  'app.kubernetes.io/component': 'proxy',
                  'app.kubernetes.io/managed-by': 'envoy-gateway',
                },
              },
              podMetricsEndpoints: [{ port: 'metrics', path: '/stats/prometheus' }],
            },
          ],
        },
      },
      timeoutSeconds: 900,
      dependsOn: [secret],
    });
  }
}
