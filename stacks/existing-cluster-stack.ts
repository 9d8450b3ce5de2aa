import { TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import type { ExistingClusterConfig, StateBackendConfig } from '../config/types';
import { configureBackend } from './backend';
import { clusterStackName } from './names';
import { addCloudProvider, clusterTags } from './providers';

export interface ExistingClusterStackProps {
  readonly cluster: ExistingClusterConfig;
  readonly state: StateBackendConfig;
}

export class ExistingClusterStack extends TerraformStack {
  constructor(scope: Construct, props: ExistingClusterStackProps) {
    super(scope, clusterStackName(props.cluster.name));
    configureBackend(this, props.state, { clusterName: props.cluster.name, stackName: this.node.id });
    addCloudProvider(this, props.cluster, clusterTags(props.cluster));
  }
}
