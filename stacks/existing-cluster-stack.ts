import { TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import type { ExistingClusterConfig, StateBackendConfig } from '../config/types';
import type { SandboxCluster } from '../constructs/cluster';
import { configureBackend } from './backend';
import { lookupCluster } from './cluster-lookup';
import { clusterStackName } from './names';

export interface ExistingClusterStackProps {
  readonly cluster: ExistingClusterConfig;
  readonly state: StateBackendConfig;
}

/**
 * A cluster that already runs creates no cloud resources; its stack records
 * what the platform and instance stacks will assume of it.
 */
export class ExistingClusterStack extends TerraformStack {
  readonly cluster: SandboxCluster;

  constructor(scope: Construct, props: ExistingClusterStackProps) {
    super(scope, clusterStackName(props.cluster.name));
    const config = props.cluster;
    configureBackend(this, props.state, { clusterName: config.name, stackName: this.node.id });
    this.cluster = lookupCluster(this, config);
    new TerraformOutput(this, 'connection', {
      value:
        config.connection.kind === 'kubeconfig'
          ? `${config.connection.path}#${config.connection.context ?? 'current-context'}`
          : 'environment',
    });
    new TerraformOutput(this, 'block_storage_class', { value: this.cluster.storage.blockRwo });
    new TerraformOutput(this, 'shared_storage_class', { value: this.cluster.storage.sharedRwx ?? '' });
    new TerraformOutput(this, 'ingress_domain', { value: this.cluster.ingress.domain });
  }
}
