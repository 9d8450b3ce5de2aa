import { join } from 'path';
import { loadConfig } from '../../config/load';
import { buildStacks, configFromYaml, MINIMAL_YAML, onlyResource, synthJson } from '../fixtures';
import { ConfigError } from '../../config/load';

const everything = buildStacks(loadConfig(join(__dirname, '..', '..', 'examples', 'everything.yaml')));
const json = (name: string) => synthJson(everything.states.get(name)!);

describe('state stacks', () => {
  it('are added only for remote backends the config asks to create, once per location', () => {
    expect([...everything.states.keys()].sort()).toEqual([
      'state-sandboxkit-state',
      'state-sandboxkit-state-111122223333',
      'state-sandboxstate-tfstate',
    ]);
    expect(buildStacks().states.size).toBe(0);
  });

  it('keep their own state locally, since the remote one does not exist yet', () => {
    expect(json('state-sandboxkit-state').terraform!.backend).toEqual({
      local: { path: '../../../state/state-sandboxkit-state.tfstate' },
    });
  });

  it('make an S3 bucket versioned, KMS-encrypted, private, owner-enforced and TLS-only', () => {
    const s3 = json('state-sandboxkit-state-111122223333');
    expect(onlyResource(s3, 'aws_s3_bucket_versioning').versioning_configuration).toEqual({ status: 'Enabled' });
    expect(onlyResource(s3, 'aws_s3_bucket_server_side_encryption_configuration').rule[0]).toEqual({
      apply_server_side_encryption_by_default: {
        sse_algorithm: 'aws:kms',
        kms_master_key_id: 'alias/sandboxkit-state',
      },
      bucket_key_enabled: true,
    });
    expect(onlyResource(s3, 'aws_s3_bucket_public_access_block')).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(onlyResource(s3, 'aws_s3_bucket_policy').policy).toContain('aws:SecureTransport');
  });

  it('make an Azure container in an account with Entra ID only, TLS 1.2 and versioned blobs', () => {
    const az = json('state-sandboxstate-tfstate');
    expect(onlyResource(az, 'azurerm_storage_account')).toMatchObject({
      shared_access_key_enabled: false,
      min_tls_version: 'TLS1_2',
      allow_nested_items_to_be_public: false,
      infrastructure_encryption_enabled: true,
      blob_properties: { versioning_enabled: true },
    });
    expect(onlyResource(az, 'azurerm_storage_container').container_access_type).toBe('private');
  });

  it('make a GCS bucket versioned with uniform access and public access prevented', () => {
    expect(onlyResource(json('state-sandboxkit-state'), 'google_storage_bucket')).toMatchObject({
      uniform_bucket_level_access: true,
      public_access_prevention: 'enforced',
      versioning: { enabled: true },
      location: 'EU',
    });
  });

  it('refuses create without the location the bucket needs', () => {
    const bad = MINIMAL_YAML.replace('clusters:', 'state: { backend: gcs, bucket: b, create: true }\nclusters:');
    expect(() => configFromYaml(bad)).toThrow(ConfigError);
    expect(() => configFromYaml(bad)).toThrow(
      /state\.project: is required when create is true[\s\S]*state\.location: is required when create is true/,
    );
  });
});
