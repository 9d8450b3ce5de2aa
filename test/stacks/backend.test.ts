import type { StateBackendConfig } from '../../config/types';
import { configFromYaml, buildStacks, onlyResource, synthJson, MINIMAL_YAML } from '../fixtures';

function backendOf(state: StateBackendConfig, stack: 'cluster-kind' | 'platform-kind' | 'instance-one') {
  const config = { ...configFromYaml(MINIMAL_YAML), state };
  const stacks = buildStacks(config);
  const all = new Map([...stacks.clusters, ...stacks.platforms, ...stacks.instances]);
  return synthJson(all.get(stack)!).terraform!.backend;
}

describe('state backends', () => {
  it('keeps local state in a per-stack file relative to the stack folder', () => {
    expect(backendOf({ backend: 'local' }, 'instance-one')).toEqual({
      local: { path: '../../../state/instance-one.tfstate' },
    });
    expect(backendOf({ backend: 'local', directory: 'tf' }, 'cluster-kind')).toEqual({
      local: { path: '../../../tf/cluster-kind.tfstate' },
    });
  });

  it('uses S3 with encryption and the S3-native lock file, one key per stack', () => {
    const state: StateBackendConfig = { backend: 's3', bucket: 'b', region: 'eu-west-1', kmsKeyId: 'alias/state' };
    expect(backendOf(state, 'cluster-kind')).toEqual({
      s3: {
        bucket: 'b',
        region: 'eu-west-1',
        key: 'sandboxkit/kind/cluster-kind.tfstate',
        encrypt: true,
        kms_key_id: 'alias/state',
        use_lockfile: true,
      },
    });
    expect(backendOf(state, 'instance-one').s3.key).toBe('sandboxkit/kind/instances/one.tfstate');
  });

  it('writes S3 state with the customer key of a bucket the config creates, not SSE-S3', () => {
    const created: StateBackendConfig = { backend: 's3', bucket: 'sandbox-state', region: 'eu-west-1', create: true };
    expect(backendOf(created, 'instance-one').s3).toMatchObject({
      encrypt: true,
      kms_key_id: 'alias/sandbox-state-state',
    });
    const stacks = buildStacks({ ...configFromYaml(MINIMAL_YAML), state: created });
    const alias = onlyResource(synthJson(stacks.states.get('state-sandbox-state')!), 'aws_kms_alias');
    expect(alias.name).toBe('alias/sandbox-state-state');
  });

  it('keeps a key the config names, and leaves a bucket it does not create to its own settings', () => {
    expect(
      backendOf(
        { backend: 's3', bucket: 'own-state', region: 'eu-west-1', kmsKeyId: 'alias/mine', create: true },
        'cluster-kind',
      ).s3.kms_key_id,
    ).toBe('alias/mine');
    expect(
      backendOf({ backend: 's3', bucket: 'b', region: 'eu-west-1' }, 'cluster-kind').s3.kms_key_id,
    ).toBeUndefined();
  });

  it('uses azurerm with Entra ID auth and a key per instance', () => {
    const state: StateBackendConfig = {
      backend: 'azurerm',
      resourceGroupName: 'rg',
      storageAccountName: 'sa',
      containerName: 'tf',
      keyPrefix: 'sbx',
    };
    expect(backendOf(state, 'instance-one')).toEqual({
      azurerm: {
        resource_group_name: 'rg',
        storage_account_name: 'sa',
        container_name: 'tf',
        key: 'sbx/kind/instances/one.tfstate',
        use_azuread_auth: true,
      },
    });
  });

  it('uses gcs with a prefix per stack', () => {
    expect(backendOf({ backend: 'gcs', bucket: 'g' }, 'platform-kind')).toEqual({
      gcs: { bucket: 'g', prefix: 'sandboxkit/kind/platform-kind' },
    });
    expect(backendOf({ backend: 'gcs', bucket: 'g' }, 'instance-one')).toEqual({
      gcs: { bucket: 'g', prefix: 'sandboxkit/kind/instances/one' },
    });
  });

  it('lets a cluster override the top-level backend for its own stacks', () => {
    const config = configFromYaml(
      MINIMAL_YAML.replace('storageClasses:', 'state: { backend: gcs, bucket: own }\n    storageClasses:'),
    );
    const stacks = buildStacks({ ...config, state: { backend: 's3', bucket: 'b', region: 'eu-west-1' } });
    expect(synthJson(stacks.instances.get('instance-one')!).terraform!.backend).toHaveProperty('gcs.bucket', 'own');
  });
});
