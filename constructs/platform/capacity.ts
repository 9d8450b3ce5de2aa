import { Construct } from 'constructs';
import { ChartSource, SandboxHelmRelease } from '../helm-release';

export const METRICS_SERVER_CHART = {
  repository: 'https://kubernetes-sigs.github.io/metrics-server/',
  name: 'metrics-server',
  version: '3.13.1',
} as const;
export const CLUSTER_AUTOSCALER_CHART = {
  repository: 'https://kubernetes.github.io/autoscaler',
  name: 'cluster-autoscaler',
  version: '9.59.0',
} as const;

export interface CapacityProps {
  /** Install metrics-server (for HPA and `kubectl top`). */
  readonly metricsServer: boolean;
  /** cluster-autoscaler values, where the cloud has no native autoscaler. @default - none */
  readonly clusterAutoscaler?: Readonly<Record<string, unknown>>;
}

/** What the cloud does not ship for scaling: metrics-server and cluster-autoscaler, in kube-system. */
export class Capacity extends Construct {
  readonly metricsServer?: SandboxHelmRelease;
  readonly clusterAutoscaler?: SandboxHelmRelease;

  constructor(scope: Construct, id: string, props: CapacityProps) {
    super(scope, id);
    if (props.metricsServer) {
      this.metricsServer = new SandboxHelmRelease(this, 'MetricsServer', {
        name: 'metrics-server',
        namespace: 'kube-system',
        chart: ChartSource.repository(METRICS_SERVER_CHART.repository, METRICS_SERVER_CHART.name),
        version: METRICS_SERVER_CHART.version,
        values: { args: ['--kubelet-preferred-address-types=InternalIP'] },
      });
    }
    if (props.clusterAutoscaler) {
      this.clusterAutoscaler = new SandboxHelmRelease(this, 'ClusterAutoscaler', {
        name: 'cluster-autoscaler',
        namespace: 'kube-system',
        chart: ChartSource.repository(CLUSTER_AUTOSCALER_CHART.repository, CLUSTER_AUTOSCALER_CHART.name),
        version: CLUSTER_AUTOSCALER_CHART.version,
        values: props.clusterAutoscaler,
      });
    }
  }
}
