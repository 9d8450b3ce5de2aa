import { LocalBackend, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import type { AzurermStateConfig, GcsStateConfig, S3StateConfig } from '../config/types';
import { boundedName } from '../constructs/names';

/*
 * Each backend's constructs (and its cloud's provider package) are loaded only when a
 * config asks for that backend: most configs create no state location at all.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const aws = () => ({
  ...(require('@cdktf/provider-aws/lib/provider') as typeof import('@cdktf/provider-aws/lib/provider')),
  ...(require('../constructs/aws/s3-state-bucket') as typeof import('../constructs/aws/s3-state-bucket')),
});
const azure = () => ({
  ...(require('@cdktf/provider-azurerm/lib/provider') as typeof import('@cdktf/provider-azurerm/lib/provider')),
  ...(require('../constructs/azure/state-storage') as typeof import('../constructs/azure/state-storage')),
});
const gcp = () => ({
  ...(require('@cdktf/provider-google/lib/provider') as typeof import('@cdktf/provider-google/lib/provider')),
  ...(require('../constructs/gcp/state-bucket') as typeof import('../constructs/gcp/state-bucket')),
});
/* eslint-enable @typescript-eslint/no-require-imports */

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
      case 's3': {
        const { AwsProvider, S3StateBucket } = aws();
        new AwsProvider(this, 'aws', {
          region: state.region,
          defaultTags: [{ tags: { sandbox: 'sandboxkit', 'sandbox-stack': this.node.id } }],
        });
        new S3StateBucket(this, 'Bucket', { bucket: state.bucket, kmsKeyId: state.kmsKeyId });
        return;
      }
      case 'azurerm': {
        const { AzurermProvider, AzureStateStorage } = azure();
        new AzurermProvider(this, 'azurerm', { features: [{}], storageUseAzuread: true });
        new AzureStateStorage(this, 'Storage', {
          resourceGroupName: state.resourceGroupName,
          storageAccountName: state.storageAccountName,
          containerName: state.containerName,
          location: state.location!,
        });
        return;
      }
      case 'gcs': {
        const { GoogleProvider, GcsStateBucket } = gcp();
        new GoogleProvider(this, 'google', { project: state.project });
        new GcsStateBucket(this, 'Bucket', {
          bucket: state.bucket,
          project: state.project!,
          location: state.location!,
          kmsKeyName: state.kmsKeyName,
        });
        return;
      }
    }
  }
}
