import { TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import type { ClusterConfig, StateBackendConfig } from '../config/types';
import type { SandboxCluster } from '../constructs/cluster';
import { configureBackend } from './backend';
import { lookupCluster } from './cluster-lookup';
import { platformStackName } from './names';
import { addCloudProvider, addKubernetesProviders, clusterTags } from './providers';

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

  constructor(scope: Construct, props: PlatformStackProps) {
    super(scope, platformStackName(props.cluster.name));
    configureBackend(this, props.state, { clusterName: props.cluster.name, stackName: this.node.id });
    addCloudProvider(this, props.cluster, clusterTags(props.cluster, { 'sandbox-stack': this.node.id }));
    this.cluster = lookupCluster(this, props.cluster);
    addKubernetesProviders(this, this.cluster.connection);
  }
}
