import { TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import type { AzureClusterConfig, StateBackendConfig } from '../config/types';
import { configureBackend } from './backend';
import { clusterStackName } from './names';
import { addCloudProvider, clusterTags } from './providers';

export interface AzureClusterStackProps {
  readonly cluster: AzureClusterConfig;
  readonly state: StateBackendConfig;
}

export class AzureClusterStack extends TerraformStack {
  constructor(scope: Construct, props: AzureClusterStackProps) {
    super(scope, clusterStackName(props.cluster.name));
    configureBackend(this, props.state, { clusterName: props.cluster.name, stackName: this.node.id });
    addCloudProvider(this, props.cluster, clusterTags(props.cluster));
  }
}
