import { TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import type { AwsClusterConfig, StateBackendConfig } from '../config/types';
import { configureBackend } from './backend';
import { clusterStackName } from './names';
import { addCloudProvider, clusterTags } from './providers';

export interface AwsClusterStackProps {
  readonly cluster: AwsClusterConfig;
  readonly state: StateBackendConfig;
}

export class AwsClusterStack extends TerraformStack {
  constructor(scope: Construct, props: AwsClusterStackProps) {
    super(scope, clusterStackName(props.cluster.name));
    configureBackend(this, props.state, { clusterName: props.cluster.name, stackName: this.node.id });
    addCloudProvider(this, props.cluster, clusterTags(props.cluster));
  }
}
