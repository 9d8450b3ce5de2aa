import { RandomProvider } from '@cdktf/provider-random/lib/provider';
import { TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import type { ClusterConfig, StateBackendConfig } from '../config/types';
import { PLATFORM_DEFAULTS, type SandboxCluster } from '../constructs/cluster';
import { SandboxPlatform } from '../constructs/platform/sandbox-platform';
import { ChartMirror } from '../constructs/chart-mirror';
import { configureBackend } from './backend';
import { lookupCluster } from './cluster-lookup';
import { platformStackName } from './names';
import { addCloudProvider, clusterTags } from './providers';
import { addClusterProviders } from '../constructs/providers';

export interface PlatformStackProps {
  readonly cluster: ClusterConfig;
  readonly state: StateBackendConfig;
}

/**
 * Cluster-wide services. A separate state from the cluster stack: the Kubernetes
 * and Helm providers are configured from a lookup of the cluster by name.
 */
export class PlatformStack extends TerraformStack {
  readonly cluster: SandboxCluster;
  readonly platform: SandboxPlatform;

  constructor(scope: Construct, props: PlatformStackProps) {
    super(scope, platformStackName(props.cluster.name));
    const options = props.cluster.platform ?? {};
    configureBackend(this, props.state, { clusterName: props.cluster.name, stackName: this.node.id });
    const chartMirror = props.cluster.platform?.chartMirror;
    if (chartMirror) ChartMirror.use(this, ChartMirror.parse(chartMirror, process.cwd()));
    addCloudProvider(this, props.cluster, clusterTags(props.cluster, { 'sandbox-stack': this.node.id }));
    this.cluster = lookupCluster(this, props.cluster);
    addClusterProviders(this, this.cluster.connection);
    if (options.monitoring) new RandomProvider(this, 'random');

    this.platform = new SandboxPlatform(this, 'Platform', {
      cluster: this.cluster,
      monitoring: options.monitoring,
      registryMirror: options.registryMirror,
      reaperSchedule: options.reaperSchedule,
      idleHours: options.idleHours,
      prometheusUrl: options.prometheusUrl,
      publicIngress: options.publicIngress,
      externalDns: options.externalDns !== undefined,
      allowTcpExposure: props.cluster.allowTcpExposure,
      kafka: options.kafka,
    });

    new TerraformOutput(this, 'ingress_domain', { value: this.cluster.ingress.domain });
    new TerraformOutput(this, 'cluster_issuer', { value: PLATFORM_DEFAULTS.clusterIssuerName });
    new TerraformOutput(this, 'storage_classes', { value: this.platform.storage.classes.map((c) => c.metadata.name) });
  }
}
