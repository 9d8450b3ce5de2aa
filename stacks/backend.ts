import { isAbsolute } from 'path';
import { AzurermBackend, GcsBackend, LocalBackend, S3Backend, type TerraformStack } from 'cdktf';
import type { StateBackendConfig } from '../config/types';
import { s3StateKeyAlias } from '../constructs/aws/naming';

/** Where a stack's state lives inside the backend: one key per stack, instances keyed apart. */
export interface StateKey {
  readonly clusterName: string;
  readonly stackName: string;
  /** Set for instance stacks, whose state sits under its cluster's folder. */
  readonly instanceName?: string;
}

const DEFAULT_PREFIX = 'sandboxkit';

/** Path of the state object inside a remote backend, e.g. `sandboxkit/aws-main/instances/demo.tfstate`. */
export function stateObjectKey(prefix: string, key: StateKey): string {
  return key.instanceName
    ? `${prefix}/${key.clusterName}/instances/${key.instanceName}.tfstate`
    : `${prefix}/${key.clusterName}/${key.stackName}.tfstate`;
}

/** Declares the stack's backend; the one place that knows every backend kind. */
export function configureBackend(stack: TerraformStack, state: StateBackendConfig, key: StateKey): void {
  switch (state.backend) {
    case 'local': {
      // Terraform runs in cdktf.out/stacks/<stack>; a relative path keeps synth output machine-independent.
      const directory = state.directory ?? 'state';
      const base = isAbsolute(directory) ? directory : `../../../${directory}`;
      new LocalBackend(stack, { path: `${base}/${key.stackName}.tfstate` });
      return;
    }
    case 's3':
      new S3Backend(stack, {
        bucket: state.bucket,
        region: state.region,
        key: stateObjectKey(state.keyPrefix ?? DEFAULT_PREFIX, key),
        encrypt: true,
        // With encrypt and no key the backend asks for SSE-S3 on every write, overriding the bucket's KMS default.
        kmsKeyId: state.kmsKeyId ?? (state.create ? `alias/${s3StateKeyAlias(state.bucket)}` : undefined),
      });
      // S3-native locking (Terraform >= 1.10) replaces the DynamoDB lock table.
      stack.addOverride('terraform.backend.s3.use_lockfile', true);
      return;
    case 'azurerm':
      new AzurermBackend(stack, {
        resourceGroupName: state.resourceGroupName,
        storageAccountName: state.storageAccountName,
        containerName: state.containerName,
        key: stateObjectKey(state.keyPrefix ?? DEFAULT_PREFIX, key),
        useAzureadAuth: true,
      });
      return;
    case 'gcs':
      new GcsBackend(stack, {
        bucket: state.bucket,
        prefix: key.instanceName
          ? `${state.prefix ?? DEFAULT_PREFIX}/${key.clusterName}/instances/${key.instanceName}`
          : `${state.prefix ?? DEFAULT_PREFIX}/${key.clusterName}/${key.stackName}`,
      });
      return;
  }
}
