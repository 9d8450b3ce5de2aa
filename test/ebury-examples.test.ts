import { join } from 'path';
import { loadConfig, parseConfig } from '../config/load';
import { buildStacks, resources, synthJson, onlyResource, type TerraformJson } from './fixtures';

const EXAMPLES = join(__dirname, '..', 'examples');
const ebury = buildStacks(loadConfig(join(EXAMPLES, 'ebury.yaml')));
const fx = synthJson(ebury.instances.get('instance-fx-team')!);
const pr = synthJson(ebury.instances.get('instance-pr-1234')!);

const release = (json: TerraformJson, name: string) =>
  Object.values<any>(resources(json, 'helm_release')).find((r) => r.name === name);
const valuesOf = (json: TerraformJson, name: string) => JSON.parse(release(json, name).values[0]);
const ref = (json: TerraformJson, type: string) => `\${${type}.${Object.keys(resources(json, type))[0]}.arn}`;

describe('examples/ebury.yaml: cloud resources per instance', () => {
  it("creates the instance's bucket encrypted with the cluster's data key, versioned, closed to the public, TLS only", () => {
    expect(onlyResource(fx, 'aws_s3_bucket')).toMatchObject({
      bucket: 'sandbox-ebury-fx-team-76119ca3',
      force_destroy: true,
    });
    const sse = onlyResource(fx, 'aws_s3_bucket_server_side_encryption_configuration').rule[0]
      .apply_server_side_encryption_by_default;
    expect(sse).toEqual({
      sse_algorithm: 'aws:kms',
      kms_master_key_id: expect.stringMatching(
        /^\$\{data\.aws_kms_alias\.CloudResources_Aws_Key_\w+\.target_key_arn\}$/,
      ),
    });
    expect(Object.values<any>(fx.data!.aws_kms_alias).map((a) => a.name)).toContain('alias/sandbox-ebury-data');
    expect(onlyResource(fx, 'aws_s3_bucket_public_access_block')).toMatchObject({
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(onlyResource(fx, 'aws_s3_bucket_versioning').versioning_configuration.status).toBe('Enabled');
    expect(onlyResource(fx, 'aws_s3_bucket_policy').policy).toMatch(/aws:SecureTransport/);
  });

  it('creates an encrypted queue and an encrypted table with point-in-time recovery, named after the instance', () => {
    expect(onlyResource(fx, 'aws_sqs_queue')).toMatchObject({
      name: 'sandbox-ebury-fx-team-76119ca3',
      kms_master_key_id: expect.stringContaining('target_key_arn'),
    });
    expect(onlyResource(fx, 'aws_dynamodb_table')).toMatchObject({
      name: 'sandbox-ebury-fx-team-76119ca3',
      billing_mode: 'PAY_PER_REQUEST',
      server_side_encryption: { enabled: true, kms_key_arn: expect.stringContaining('target_key_arn') },
      point_in_time_recovery: { enabled: true },
    });
  });

  it("lets only the instance's sandbox-cloud service account use them, with data actions on exactly these resources", () => {
    const docs = fx.data!.aws_iam_policy_document;
    const trust = Object.entries<any>(docs).find(([k]) => k.startsWith('CloudResources_Aws_Role_Trust'))![1];
    expect(trust.statement[0].condition).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          variable: expect.stringMatching(/:sub$/),
          values: ['system:serviceaccount:fx-team:sandbox-cloud'],
        }),
      ]),
    );
    const policy = Object.entries<any>(docs).find(([k]) => k.startsWith('CloudResources_Aws_Role_PolicyDocument'))![1];
    const granted = policy.statement.flatMap((s: any) => s.resources);
    const bucket = ref(fx, 'aws_s3_bucket');
    const queue = ref(fx, 'aws_sqs_queue');
    const table = ref(fx, 'aws_dynamodb_table');
    const dataKey = expect.stringContaining('aws_kms_alias');
    expect(granted.sort()).toEqual(
      [bucket, `${bucket}/*`, queue, table, `${table}/index/*`, dataKey, dataKey, dataKey].sort(),
    );
    for (const s of policy.statement)
      for (const a of s.actions) expect(a).not.toMatch(/\*|^iam:|Delete(Bucket|Table|Queue)$|^s3:PutBucket/);
    const account = Object.values<any>(resources(fx, 'kubernetes_service_account_v1')).find(
      (a) => a.metadata.name === 'sandbox-cloud',
    );
    expect(account.metadata).toMatchObject({
      name: 'sandbox-cloud',
      namespace: 'fx-team',
      annotations: {
        'eks.amazonaws.com/role-arn': expect.stringMatching(/^\$\{aws_iam_role\.CloudResources_Aws_Role_\w+\.arn\}$/),
      },
    });
  });

  it('lets the role use the data key only through S3, SQS and DynamoDB, each for its own resource', () => {
    const docs = fx.data!.aws_iam_policy_document;
    const policy = Object.entries<any>(docs).find(([k]) => k.startsWith('CloudResources_Aws_Role_PolicyDocument'))![1];
    const keyUse = policy.statement.filter((s: any) => s.actions.some((a: string) => a.startsWith('kms:')));
    const region = expect.stringMatching(
      /^(s3|sqs|dynamodb)\.\$\{data\.aws_region\.CloudResources_Aws_Region_\w+\.region\}\.amazonaws\.com$/,
    );
    const bucket = ref(fx, 'aws_s3_bucket');
    const via = (service: string) => keyUse.find((s: any) => s.condition[0].values[0].startsWith(`${service}.`));
    for (const s of keyUse) {
      expect(s.actions).toEqual(['kms:Decrypt', 'kms:GenerateDataKey']);
      expect(s.resources).toEqual([expect.stringContaining('aws_kms_alias')]);
      expect(s.condition[0]).toEqual({ test: 'StringEquals', variable: 'kms:ViaService', values: [region] });
    }
    expect(keyUse).toHaveLength(3);
    expect(via('s3').condition[1]).toEqual({
      test: 'StringLike',
      variable: 'kms:EncryptionContext:aws:s3:arn',
      values: [bucket, `${bucket}/*`],
    });
    expect(via('sqs').condition[1]).toEqual({
      test: 'StringEquals',
      variable: 'kms:EncryptionContext:aws:sqs:arn',
      values: [ref(fx, 'aws_sqs_queue')],
    });
    const table = onlyResource(fx, 'aws_dynamodb_table');
    expect(via('dynamodb').condition[1]).toEqual({
      test: 'StringEquals',
      variable: 'kms:EncryptionContext:aws:dynamodb:tableName',
      values: [table.name],
    });
  });

  it('tags every AWS resource of the instance with its instance and owner, for cost reports', () => {
    expect(fx.provider!.aws[0].default_tags[0].tags).toMatchObject({
      'sandbox-instance': 'fx-team',
      'sandbox-owner': 'fx-lead@ebury.example',
    });
  });

  it('wires the names, region and service account into the block that asks for them', () => {
    expect(valuesOf(fx, 'ledger')).toMatchObject({
      storage: { bucket: 'sandbox-ebury-fx-team-76119ca3' },
      events: { queue: 'sandbox-ebury-fx-team-76119ca3' },
      state: { table: 'sandbox-ebury-fx-team-76119ca3' },
      aws: { region: 'eu-west-2' },
      serviceAccount: { name: 'sandbox-cloud' },
    });
    expect(valuesOf(fx, 'ledger').aws.endpointUrl).toBeUndefined();
  });

  it('points the same block at the cloud mock with source: mock, creating nothing in the account', () => {
    expect(Object.keys(pr.resource!).filter((t) => /^aws_(s3|sqs|dynamodb)/.test(t))).toEqual([]);
    const values = valuesOf(pr, 'ledger');
    expect(values).toMatchObject({
      storage: { bucket: 'sandbox-ebury-pr-1234-75ff3d23' },
      events: { queue: 'sandbox-ebury-pr-1234-75ff3d23' },
      aws: { endpointUrl: expect.stringMatching(/^http:\/\/mock-cloud\./) },
    });
    expect(values.state).toBeUndefined();
    expect(values.serviceAccount).toBeUndefined();
  });

  it('builds the instances from the template, with their own additions and removals', () => {
    expect(Object.values<any>(resources(fx, 'helm_release')).map((r) => r.name)).toEqual(
      expect.arrayContaining(['postgresql', 'valkey', 'ledger', 'keycloak']),
    );
    expect(Object.values<any>(resources(pr, 'helm_release')).map((r) => r.name)).not.toContain('valkey');
    expect(valuesOf(fx, 'valkey').dataStorage.requestedSize).toBe('4Gi');
  });
});

describe('cloudResources config checks', () => {
  const base = (instance: string) => `clusters:
  - name: kind
    cloud: existing
    connection: { kind: kubeconfig, path: /tmp/kubeconfig }
    storageClasses: { blockRwo: standard }
instances:
  - name: one
    cluster: kind
    owner: dev
    blocks: [postgresql]
${instance}`;

  it('refuses cloud resources on a cluster whose cloud does not create them, at the line of source', () => {
    expect(() => parseConfig(base('    cloudResources: { objectStorage: true }\n'), 'c.yaml')).toThrow(
      /c\.yaml:11:\d+: instances\[0\]\.cloudResources\.source: cloud resources are created on aws, azure, gcp clusters; cluster "kind" is existing: set source: mock/,
    );
  });

  it('needs the cloud mock for source: mock, and at least one resource', () => {
    expect(() => parseConfig(base('    cloudResources: { source: mock, queue: true }\n'), 'c.yaml')).toThrow(
      /instances\[0\]\.cloudResources\.source: mock needs the cloud mock: add cloud to the instance's mocks/,
    );
    expect(() => parseConfig(base('    mocks: [cloud]\n    cloudResources: { source: mock }\n'), 'c.yaml')).toThrow(
      /instances\[0\]\.cloudResources: asks for nothing/,
    );
  });
});

describe('examples/lambdastack.yaml: offline on-premises cluster', () => {
  const lambda = buildStacks(loadConfig(join(EXAMPLES, 'lambdastack.yaml')));

  it('installs every remote chart from the LambdaStack chart mirror and every image from its registry', () => {
    const platform = synthJson(lambda.platforms.get('platform-onprem')!);
    const instance = synthJson(lambda.instances.get('instance-analytics')!);
    for (const r of [
      ...Object.values<any>(resources(platform, 'helm_release')),
      ...Object.values<any>(resources(instance, 'helm_release')),
    ]) {
      if (r.repository !== undefined)
        expect({ release: r.name, repository: r.repository }).toEqual({
          release: r.name,
          repository: 'http://charts.lambdastack.internal/sandbox',
        });
    }
    expect(JSON.stringify(resources(instance, 'helm_release'))).toContain('registry.lambdastack.internal:5000');
  });

  it('gives each instance its template, less what it removes', () => {
    const names = (stack: string) =>
      Object.values<any>(resources(synthJson(lambda.instances.get(stack)!), 'helm_release')).map((r) => r.name);
    expect(names('instance-analytics')).toEqual(
      expect.arrayContaining(['postgresql', 'seaweedfs', 'workflow', 'mock-email', 'mock-cloud']),
    );
    expect(names('instance-etl-check')).not.toContain('workflow');
  });
});
