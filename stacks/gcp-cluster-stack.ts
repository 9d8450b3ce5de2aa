import { TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import type { GcpClusterConfig, StateBackendConfig } from '../config/types';
import { configureBackend } from './backend';
import { clusterStackName } from './names';
import { addCloudProvider, clusterTags } from './providers';

export interface GcpClusterStackProps {
  readonly cluster: GcpClusterConfig;
  readonly state: StateBackendConfig;
}

export class GcpClusterStack extends TerraformStack {
  constructor(scope: Construct, props: GcpClusterStackProps) {
    super(scope, clusterStackName(props.cluster.name));
    configureBackend(this, props.state, { clusterName: props.cluster.name, stackName: this.node.id });
    addCloudProvider(this, props.cluster, clusterTags(props.cluster));
  }
}
