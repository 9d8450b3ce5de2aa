import { TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import type { ClusterConfig, InstanceConfig, StateBackendConfig } from '../config/types';
import type { CatalogEntry } from '../constructs/catalog/types';
import type { SandboxCluster } from '../constructs/cluster';
import { configureBackend } from './backend';
import { lookupCluster } from './cluster-lookup';
import { instanceStackName } from './names';
import { addCloudProvider, addKubernetesProviders, clusterTags } from './providers';

export interface InstanceStackProps {
  readonly cluster: ClusterConfig;
  readonly instance: InstanceConfig;
  readonly catalog: ReadonlyMap<string, CatalogEntry>;
  readonly state: StateBackendConfig;
}

/** One short-lived sandbox instance with its own state; it reads nothing of other instances. */
export class InstanceStack extends TerraformStack {
  readonly cluster: SandboxCluster;

  constructor(scope: Construct, props: InstanceStackProps) {
    super(scope, instanceStackName(props.instance.name));
    configureBackend(this, props.state, {
      clusterName: props.cluster.name,
      stackName: this.node.id,
      instanceName: props.instance.name,
    });
    addCloudProvider(this, props.cluster, clusterTags(props.cluster, { 'sandbox-instance': props.instance.name, owner: props.instance.owner }));
    this.cluster = lookupCluster(this, props.cluster);
    addKubernetesProviders(this, this.cluster.connection);
  }
}
