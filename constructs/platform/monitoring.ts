import { SecretV1 } from '@cdktf/provider-kubernetes/lib/secret-v1';
import { Password } from '@cdktf/provider-random/lib/password';
import { Construct } from 'constructs';
import { ChartSource, SandboxHelmRelease } from '../helm-release';
import { PlatformNamespace } from './platform-namespace';

export const KUBE_PROMETHEUS_STACK_CHART = {
  repository: 'https://prometheus-community.github.io/helm-charts',
  name: 'kube-prometheus-stack',
  version: '88.5.3',
} as const;
const NAMESPACE = 'monitoring';

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
      name: 'monitoring',
      namespace: NAMESPACE,
      chart: ChartSource.repository(KUBE_PROMETHEUS_STACK_CHART.repository, KUBE_PROMETHEUS_STACK_CHART.name),
      version: KUBE_PROMETHEUS_STACK_CHART.version,
      values: {
        grafana: { admin: { existingSecret: 'grafana-admin', userKey: 'admin-user', passwordKey: 'admin-password' } },
        prometheus: { prometheusSpec: { retention: '7d', serviceMonitorSelectorNilUsesHelmValues: false, podMonitorSelectorNilUsesHelmValues: false } },
      },
      timeoutSeconds: 900,
      dependsOn: [secret],
    });
  }
}
