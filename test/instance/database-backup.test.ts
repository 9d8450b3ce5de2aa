import { stringify } from 'yaml';
import { ConfigError } from '../../config/load';
import { buildStacks, configFromYaml, exampleConfig, resources, synthJson, type TerraformJson } from '../fixtures';
import {
  CHART_MIRROR,
  canonical,
  helmTemplate,
  leafPaths,
  prefetchTemplates,
  rendered,
  withoutPath,
  type K8sObject,
} from '../catalog/render';

const BUCKET = 'acme-sandbox-backups';
const SCHEDULE = '0 0 2 * * *';

/** The example config with backups on both the AWS and the laptop cluster, a restored copy on each. */
function backupConfig(): any {
  const raw = JSON.parse(JSON.stringify(exampleConfig()));
  const cluster = (name: string) => raw.clusters.find((c: any) => c.name === name);
  const instance = (name: string) => raw.instances.find((i: any) => i.name === name);
  // Charts from the mirror, so that the tests render the very archives the releases name.
  for (const c of raw.clusters) c.platform = { ...c.platform, chartMirror: CHART_MIRROR };
  cluster('aws-main').backupStore = { bucket: BUCKET };
  cluster('laptop').backupStore = {
    bucket: 'sandbox-backups',
    prefix: 'laptop/db',
    endpointURL: 'http://seaweedfs.storage.svc:8333',
    credentialsSecret: 'backup-s3',
  };
  instance('payments-demo').backup = { schedule: SCHEDULE, retentionDays: 14 };
  instance('local-dev').backup = {};
  raw.instances.push(
    {
      name: 'payments-copy',
      cluster: 'aws-main',
      owner: 'dave@example.org',
      blocks: ['postgresql'],
      restoreFrom: { instance: 'payments-demo' },
    },
    {
      name: 'local-copy',
      cluster: 'laptop',
      owner: 'carol',
      blocks: ['postgresql'],
      restoreFrom: { instance: 'local-dev', targetTime: '2026-11-23T18:00:00Z' },
    },
  );
  return raw;
}

const stacks = buildStacks(configFromYaml(stringify(backupConfig()), 'backup.yaml'));
const json = (instance: string) => synthJson(stacks.instances.get(`instance-${instance}`)!);
const released = (j: TerraformJson, name: string) =>
  Object.values(resources(j, 'helm_release')).find((r: any) => r.name === name) as any;
const valuesOf = (j: TerraformJson, name: string) => JSON.parse(released(j, name).values[0]);
/** IAM policy documents of a stack, by logical id. */
const documents = (j: TerraformJson) => j.data?.aws_iam_policy_document ?? {};

const payments = json('payments-demo');
const paymentsCopy = json('payments-copy');
const local = json('local-dev');
const localCopy = json('local-copy');

/** The real `cluster` chart rendered with the values sandboxkit computed; Terraform references stand in as a literal ARN. */
function render(j: TerraformJson, instance: string): K8sObject[] {
  const r = released(j, 'postgresql');
  const text = String(r.values[0]).replace(/\$\{aws_iam_role\.[^}]+\}/g, 'arn:aws:iam::123456789012:role/backup');
  return rendered('postgresql', helmTemplate('postgresql', r.chart, instance, JSON.parse(text)));
}
const kindOf = (objects: K8sObject[], kind: string) => objects.filter((o) => o.kind === kind);

describe('database backups on AWS', () => {
  it('archives to the instance folder of the cluster bucket with the IAM role of the Cluster service account', () => {
    const v = valuesOf(payments, 'postgresql');
    expect(v.backups).toEqual({
      enabled: true,
      destinationPath: `s3://${BUCKET}/aws-main/payments-demo/`,
      s3: { region: 'eu-west-1', inheritFromIAMRole: true },
      retentionPolicy: '14d',
      scheduledBackups: [
        { name: 'scheduled', schedule: SCHEDULE, method: 'barmanObjectStore', backupOwnerReference: 'self' },
      ],
    });
    expect(v.cluster.serviceAccountTemplate.metadata.annotations['eks.amazonaws.com/role-arn']).toMatch(
      /^\$\{aws_iam_role\..*\.arn\}$/,
    );
    expect(v.cluster.imageName).toBe('ghcr.io/cloudnative-pg/postgresql:18.3-system-trixie');
  });

  it('lets only the Cluster service account of the instance assume the role, writing under its own prefix alone', () => {
    const docs = documents(payments);
    const trust = Object.entries(docs).find(([id]) => /Backup_Role-postgresql_Role_Trust/.test(id))![1] as any;
    expect(trust.statement[0].condition).toEqual(
      expect.arrayContaining([expect.objectContaining({ values: ['system:serviceaccount:payments-demo:postgresql'] })]),
    );
    const policy = Object.entries(docs).find(([id]) =>
      /Backup_Role-postgresql_Role_PolicyDocument/.test(id),
    )![1] as any;
    const resourcesOf = (action: string) =>
      policy.statement.filter((s: any) => s.actions.includes(action)).flatMap((s: any) => s.resources);
    expect(resourcesOf('s3:PutObject')).toEqual([
      expect.stringMatching(new RegExp(`:s3:::${BUCKET}/aws-main/payments-demo/postgresql/\\*$`)),
    ]);
    expect(resourcesOf('s3:GetObject')).toEqual(resourcesOf('s3:PutObject'));
    const list = policy.statement.find((s: any) => s.actions.includes('s3:ListBucket'));
    expect(list.condition).toEqual([
      {
        test: 'StringLike',
        variable: 's3:prefix',
        values: ['aws-main/payments-demo/postgresql', 'aws-main/payments-demo/postgresql/*'],
      },
    ]);
    expect(policy.statement.flatMap((s: any) => s.actions).sort()).toEqual([
      's3:AbortMultipartUpload',
      's3:DeleteObject',
      's3:GetBucketLocation',
      's3:GetObject',
      's3:ListBucket',
      's3:PutObject',
    ]);
  });

  it("restores a new instance from the source's folder, reading it only", () => {
    const v = valuesOf(paymentsCopy, 'postgresql');
    expect(v.mode).toBe('recovery');
    expect(v.recovery).toEqual({
      method: 'object_store',
      clusterName: 'postgresql',
      destinationPath: `s3://${BUCKET}/aws-main/payments-demo/`,
      s3: { region: 'eu-west-1', inheritFromIAMRole: true },
      owner: 'app',
    });
    expect(v.backups).toBeUndefined();
    const policy = Object.entries(documents(paymentsCopy)).find(([id]) => /PolicyDocument/.test(id))![1] as any;
    const actions = policy.statement.flatMap((s: any) => s.actions);
    expect(actions).not.toContain('s3:PutObject');
    expect(actions).not.toContain('s3:DeleteObject');
    const get = policy.statement.find((s: any) => s.actions.includes('s3:GetObject'));
    expect(get.resources).toEqual([
      expect.stringMatching(new RegExp(`:s3:::${BUCKET}/aws-main/payments-demo/postgresql/\\*$`)),
    ]);
  });

  it('renders a Cluster with the object store, WAL encryption and the role, and a ScheduledBackup, from the real chart', () => {
    const objects = render(payments, 'payments-demo');
    const [cluster] = kindOf(objects, 'Cluster');
    expect(cluster.spec.backup).toMatchObject({
      retentionPolicy: '14d',
      barmanObjectStore: {
        destinationPath: `s3://${BUCKET}/aws-main/payments-demo/`,
        endpointURL: 'https://s3.eu-west-1.amazonaws.com',
        s3Credentials: { inheritFromIAMRole: true },
        wal: { encryption: 'AES256' },
        data: { encryption: 'AES256' },
      },
    });
    expect(cluster.spec.serviceAccountTemplate.metadata.annotations).toEqual({
      'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/backup',
    });
    expect(cluster.spec.imageName).toBe('ghcr.io/cloudnative-pg/postgresql:18.3-system-trixie');
    expect(
      kindOf(objects, 'ScheduledBackup').map((s) => [
        s.metadata.name,
        s.spec.schedule,
        s.spec.cluster.name,
        s.spec.method,
      ]),
    ).toEqual([['postgresql-scheduled', SCHEDULE, 'postgresql', 'barmanObjectStore']]);
    expect(kindOf(objects, 'Secret')).toEqual([]);
  });

  it('renders the restored Cluster in recovery from the source object store, under the source server name', () => {
    const [cluster] = kindOf(render(paymentsCopy, 'payments-copy'), 'Cluster');
    expect(cluster.spec.bootstrap).toEqual({
      recovery: { source: 'objectStoreRecoveryCluster', database: 'app', owner: 'app' },
    });
    expect(cluster.spec.externalClusters).toEqual([
      {
        name: 'objectStoreRecoveryCluster',
        barmanObjectStore: {
          serverName: 'postgresql',
          destinationPath: `s3://${BUCKET}/aws-main/payments-demo/`,
          endpointURL: 'https://s3.eu-west-1.amazonaws.com',
          s3Credentials: { inheritFromIAMRole: true },
        },
      },
    ]);
    expect(cluster.spec.backup).toBeUndefined();
  });

  it('leaves instances without backup untouched', () => {
    const none = synthJson(buildStacks(exampleConfig()).instances.get('instance-payments-demo')!);
    expect(valuesOf(none, 'postgresql').backups).toBeUndefined();
    expect(valuesOf(none, 'postgresql').cluster.imageName).toBe('ghcr.io/cloudnative-pg/postgresql:18.3');
    expect(Object.keys(documents(none)).filter((id) => /Backup/.test(id))).toEqual([]);
  });
});

describe('database backups on an existing cluster', () => {
  it('uses the S3-compatible endpoint and the credentials Secret the instance has, creating no Secret of its own', () => {
    const objects = render(local, 'local-dev');
    const [cluster] = kindOf(objects, 'Cluster');
    expect(cluster.spec.backup.barmanObjectStore).toMatchObject({
      destinationPath: 's3://sandbox-backups/laptop/db/local-dev/',
      endpointURL: 'http://seaweedfs.storage.svc:8333',
      s3Credentials: {
        accessKeyId: { name: 'backup-s3', key: 'ACCESS_KEY_ID' },
        secretAccessKey: { name: 'backup-s3', key: 'ACCESS_SECRET_KEY' },
      },
    });
    expect(cluster.spec.backup.barmanObjectStore.wal.encryption).toBeUndefined();
    expect(cluster.spec.backup.retentionPolicy).toBe('7d');
    expect(kindOf(objects, 'ScheduledBackup')).toEqual([]);
    expect(kindOf(objects, 'Secret')).toEqual([]);
    expect(cluster.spec.serviceAccountTemplate).toBeUndefined();
  });

  it('restores up to the target time', () => {
    const [cluster] = kindOf(render(localCopy, 'local-copy'), 'Cluster');
    expect(cluster.spec.bootstrap.recovery).toEqual({
      source: 'objectStoreRecoveryCluster',
      recoveryTarget: { targetTime: '2026-11-23T18:00:00Z' },
      database: 'app',
      owner: 'app',
    });
    expect(cluster.spec.externalClusters[0].barmanObjectStore).toMatchObject({
      serverName: 'postgresql',
      destinationPath: 's3://sandbox-backups/laptop/db/local-dev/',
      s3Credentials: { accessKeyId: { name: 'backup-s3' } },
    });
  });

  it('renders the real chart archive of the mirror', () => {
    expect(released(local, 'postgresql').chart).toMatch(/charts-mirror\/cluster-0\.8\.1\.tgz$/);
  });
});

describe('the cluster chart reads every backup and restore value sandboxkit sets', () => {
  const BACKUP_PATHS = /^(mode|backups|recovery|cluster\.serviceAccountTemplate|cluster\.imageName)(\.|$)/;
  it.each([
    ['payments-demo', () => payments],
    ['payments-copy', () => paymentsCopy],
    ['local-dev', () => local],
    ['local-copy', () => localCopy],
  ])('%s: leaving out any one of them changes the render', async (instance, stack) => {
    const r = released(stack(), 'postgresql');
    const values = JSON.parse(
      String(r.values[0]).replace(/\$\{aws_iam_role\.[^}]+\}/g, 'arn:aws:iam::123456789012:role/backup'),
    );
    const paths = leafPaths(values).filter((p) => BACKUP_PATHS.test(p.join('.')));
    expect(paths.length).toBeGreaterThan(2);
    const request = { release: 'postgresql', chart: r.chart, namespace: instance };
    await prefetchTemplates(paths.map((path) => ({ ...request, values: withoutPath(values, path) })));
    const reference = canonical(rendered('postgresql', helmTemplate('postgresql', r.chart, instance, values)));
    const ignored = paths.filter((path) => {
      const without = helmTemplate('postgresql', r.chart, instance, withoutPath(values, path));
      return !(without instanceof Error) && canonical(without) === reference;
    });
    expect(ignored.map((p) => p.join('.'))).toEqual([]);
  });
});

describe('backup config errors', () => {
  /** Issues of a config that must fail, as `line path: message`. */
  function problems(change: (raw: any) => void): string[] {
    const raw = backupConfig();
    change(raw);
    try {
      configFromYaml(stringify(raw), 'backup.yaml');
    } catch (err) {
      if (err instanceof ConfigError) return err.issues.map((i) => `${i.line} ${i.path}: ${i.message}`);
      throw err;
    }
    return [];
  }
  const at = (raw: any, name: string) => raw.instances.find((i: any) => i.name === name);

  it('refuses an Azure backupStore without the storage account of its container (test/seeds/backups: the rest)', () => {
    expect(
      problems((raw) => (raw.clusters.find((c: any) => c.cloud === 'azure').backupStore = { bucket: BUCKET })),
    ).toEqual([
      expect.stringMatching(/^\d+ clusters\[1\]\.backupStore: needs storageAccount on an Azure cluster/),
      expect.stringMatching(/^\d+ clusters\[1\]\.backupStore: needs resourceGroupName on an Azure cluster/),
    ]);
  });

  it('refuses backup and restoreFrom without a backupStore on the cluster, or without a database block', () => {
    expect(
      problems((raw) => {
        at(raw, 'identity-trial').backup = { schedule: SCHEDULE };
        at(raw, 'payments-copy').blocks = ['valkey'];
      }),
    ).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^\d+ instances\[1\]\.backup: needs a backupStore on cluster "gcp-main"/),
        expect.stringMatching(/^\d+ instances\[3\]\.restoreFrom: needs a database block in blocks/),
      ]),
    );
  });

  it('refuses a five-field schedule, a retention of zero days, a restore from itself and a bad target time, each at its line', () => {
    const found = problems((raw) => {
      at(raw, 'payments-demo').backup = { schedule: '0 2 * * *', retentionDays: 0 };
      at(raw, 'payments-copy').restoreFrom = { instance: 'payments-copy' };
      at(raw, 'local-copy').restoreFrom = { instance: 'local-dev', targetTime: 'yesterday' };
    });
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^\d+ instances\[0\]\.backup\.schedule: must be a six-field cron expression with seconds first/,
        ),
        expect.stringMatching(/^\d+ instances\[0\]\.backup\.retentionDays: must be at least 1, got 0$/),
        expect.stringMatching(/^\d+ instances\[3\]\.restoreFrom\.instance: names the instance itself/),
        expect.stringMatching(/^\d+ instances\[4\]\.restoreFrom\.targetTime: must be an RFC 3339 time/),
      ]),
    );
    expect(found.every((f) => /^[1-9]\d* /.test(f))).toBe(true);
  });

  it('refuses a restore from an instance without backup, or without the database block the copy restores', () => {
    const found = problems((raw) => {
      delete at(raw, 'local-dev').backup;
      at(raw, 'payments-copy').blocks = [{ name: 'postgresql' }, 'valkey'];
      at(raw, 'payments-demo').blocks = ['valkey'];
      at(raw, 'payments-demo').datasets = [];
      delete at(raw, 'payments-demo').backup;
    });
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /instances\[4\]\.restoreFrom\.instance: "local-dev" has no backup, so the store holds none of its databases/,
        ),
        expect.stringMatching(
          /instances\[3\]\.restoreFrom\.instance: "payments-demo" has no block "postgresql", whose backups the instance would restore/,
        ),
      ]),
    );
  });

  it('refuses a restore from an instance on another cluster, and an existing cluster store without credentials', () => {
    const found = problems((raw) => {
      at(raw, 'local-copy').restoreFrom = { instance: 'payments-demo' };
      delete raw.clusters.find((c: any) => c.name === 'laptop').backupStore.credentialsSecret;
    });
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /instances\[4\]\.restoreFrom\.instance: "payments-demo" is on cluster "aws-main"; restore reads the backup store of the instance's own cluster "laptop"/,
        ),
        expect.stringMatching(/clusters\[3\]\.backupStore: needs credentialsSecret on an existing cluster/),
      ]),
    );
  });
});
