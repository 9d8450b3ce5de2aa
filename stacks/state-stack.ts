import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { AzurermProvider } from '@cdktf/provider-azurerm/lib/provider';
import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { LocalBackend, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import type { AzurermStateConfig, GcsStateConfig, S3StateConfig } from '../config/types';
import { boundedName } from '../constructs/names';
import { AzureStateStorage } from '../constructs/azure/state-storage';
import { GcsStateBucket } from '../constructs/gcp/state-bucket';
import { S3StateBucket } from '../constructs/aws/s3-state-bucket';

export type RemoteStateConfig = S3StateConfig | AzurermStateConfig | GcsStateConfig;

/** `state-<bucket or account>`: the one stack name per remote state location. */
export function stateStackName(state: RemoteStateConfig): string {
  const where = state.backend === 'azurerm' ? `${state.storageAccountName}-${state.containerName}` : state.bucket;
  return boundedName(['state', where.toLowerCase().replace(/[^a-z0-9-]/g, '-')], 63);
}

export interface StateStackProps {
  readonly state: RemoteStateConfig;
}

/**
 * Creates the place other stacks keep their state. Its own state is local
 * (`state/<stack>.tfstate`): it has to exist before any remote backend does.
 */
export class StateStack extends TerraformStack {
  constructor(scope: Construct, props: StateStackProps) {
    super(scope, stateStackName(props.state));
    new LocalBackend(this, { path: `../../../state/${this.node.id}.tfstate` });
    const state = props.state;
    switch (state.backend) {
      case 's3':
        new AwsProvider(this, 'aws', { region: state.region, defaultTags: [{ tags: { sandbox: 'sandboxkit', 'sandbox-stack': this.node.id } }] });
        new S3StateBucket(this, 'Bucket', { bucket: state.bucket, kmsKeyId: state.kmsKeyId });
        return;
      case 'azurerm':
        new AzurermProvider(this, 'azurerm', { features: [{}], storageUseAzuread: true });
        new AzureStateStorage(this, 'Storage', {
          resourceGroupName: state.resourceGroupName,
          storageAccountName: state.storageAccountName,
          containerName: state.containerName,
          location: state.location!,
        });
        return;
      case 'gcs':
        new GoogleProvider(this, 'google', { project: state.project });
        new GcsStateBucket(this, 'Bucket', { bucket: state.bucket, project: state.project!, location: state.location!, kmsKeyName: state.kmsKeyName });
        return;
    }
  }
}
