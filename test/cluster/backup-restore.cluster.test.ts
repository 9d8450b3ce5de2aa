import { existsSync, readFileSync, writeFileSync } from 'fs';
import { parse, stringify } from 'yaml';
import {
  canI,
  chartMirror,
  execAll,
  exists,
  kubectl,
  kubectlJson,
  suiteCluster,
  suiteWorkspace,
  terraform,
  terraformCommand,
  TEST_CLUSTER,
} from './kube';

/**
 * Backup and restore on a real API server: a source instance whose CloudNativePG Cluster archives to the cluster's
 * backup store on a schedule, an on-demand backup with `instance backup`, and new instances created with
 * `instance create --restore-from`, whose Clusters bootstrap from the source's folder of the store. No operator runs
 * pods here: what is proved is what the API server accepts (the Cluster, ScheduledBackup and Backup schemas of the
 * operator's CRDs), what RBAC allows, and that everything is removed again.
 */
const { configFile, stackDir, cli, cliCommand, synth, destroyLeftovers } = suiteWorkspace('sandboxkit-backup-');
const CLUSTER = 'bkp';
const SOURCE = 'bkp-source';
const COPY = 'bkp-copy';
const AT_BACKUP = 'bkp-at-backup';
const OWNER = 'erin@example.org';
const COPY_OWNER = 'frank@example.org';
const STORE = {
  bucket: 'sandbox-backups',
  prefix: 'bkp',
  endpointURL: 'http://backup-store.invalid:8333',
  credentialsSecret: 'backup-s3',
};
const SCHEDULE = '0 0 2 * * *';
const ok = (r: { code: number; stdout: string; stderr: string }) => ({
  code: r.code,
  err: r.code ? r.stdout + r.stderr : '',
});
const cnpg = (kind: string, ns: string, name?: string) =>
  kubectlJson('get', `${kind}.postgresql.cnpg.io`, ...(name ? [name] : []), '-n', ns);

function writeConfig(): void {
  writeFileSync(
    configFile,
    stringify({
      state: { backend: 'local', directory: 'state' },
      clusters: [
        {
          ...suiteCluster(CLUSTER, 'backup.test'),
          platform: { chartMirror: chartMirror() },
          backupStore: STORE,
        },
      ],
      instances: [
        {
          name: SOURCE,
          cluster: CLUSTER,
          owner: OWNER,
          ttlHours: 4,
          blocks: ['postgresql'],
          backup: { schedule: SCHEDULE, retentionDays: 3 },
        },
      ],
    }),
  );
}

function apply(stack: string): void {
  terraform(stackDir(stack), 'init', '-input=false', '-no-color');
  terraform(stackDir(stack), 'apply', '-auto-approve', '-input=false', '-no-color');
}

describe(`backup and restore of instance databases on a real API server (${TEST_CLUSTER})`, () => {
  let backupName = '';

  afterAll(() => {
    for (const instance of [AT_BACKUP, COPY])
      if (existsSync(stackDir(`instance-${instance}`))) cli('instance', 'destroy', instance);
    destroyLeftovers(`instance-${SOURCE}`, `platform-${CLUSTER}`);
  });

  it('applies the platform and a source instance whose Cluster archives to its folder of the store, with a ScheduledBackup', () => {
    writeConfig();
    synth();
    apply(`platform-${CLUSTER}`);
    apply(`instance-${SOURCE}`);
    const cluster = cnpg('cluster', SOURCE, 'postgresql');
    expect(cluster.spec.backup).toMatchObject({
      retentionPolicy: '3d',
      barmanObjectStore: {
        destinationPath: `s3://${STORE.bucket}/${STORE.prefix}/${SOURCE}/`,
        endpointURL: STORE.endpointURL,
        s3Credentials: {
          accessKeyId: { name: STORE.credentialsSecret, key: 'ACCESS_KEY_ID' },
          secretAccessKey: { name: STORE.credentialsSecret, key: 'ACCESS_SECRET_KEY' },
        },
      },
    });
    expect(cluster.spec.imageName).toBe('ghcr.io/cloudnative-pg/postgresql:18.3-system-trixie');
    expect(cluster.spec.bootstrap.initdb).toMatchObject({ database: 'app', owner: 'app' });
    const scheduled = cnpg('scheduledbackup', SOURCE).items;
    expect(scheduled.map((s: any) => [s.metadata.name, s.spec.schedule, s.spec.cluster.name, s.spec.method])).toEqual([
      ['postgresql-scheduled', SCHEDULE, 'postgresql', 'barmanObjectStore'],
    ]);
    // The store's credentials are the instance's to bring: the chart creates no Secret with keys in it.
    expect(exists('secret', 'postgresql-backup-s3-creds', '-n', SOURCE)).toBe(false);
  });

  it('starts an on-demand backup with instance backup: a Backup of the Cluster that the API server accepts', () => {
    const r = cli('instance', 'backup', SOURCE, '--json');
    expect(ok(r)).toEqual({ code: 0, err: '' });
    const result = JSON.parse(r.stdout);
    expect(result).toMatchObject({
      instance: SOURCE,
      namespace: SOURCE,
      backups: [{ cluster: 'postgresql', name: expect.stringMatching(/^postgresql-\d{14}$/) }],
    });
    backupName = result.backups[0].name;
    const backup = cnpg('backup', SOURCE, backupName);
    expect(backup.spec).toMatchObject({ cluster: { name: 'postgresql' }, method: 'barmanObjectStore' });
    expect(backup.metadata.labels).toMatchObject({
      'app.kubernetes.io/managed-by': 'sandboxkit',
      'cnpg.io/cluster': 'postgresql',
    });
  });

  it('creates a new instance with --restore-from: its Cluster bootstraps in recovery from the source folder', () => {
    const r = cli(
      'instance',
      'create',
      COPY,
      '--cluster',
      CLUSTER,
      '--owner',
      COPY_OWNER,
      '--blocks',
      'postgresql',
      '--ttl',
      '2h',
      '--restore-from',
      SOURCE,
      '--write-config',
    );
    expect(ok(r)).toEqual({ code: 0, err: '' });
    expect(parse(readFileSync(configFile, 'utf8')).instances.find((i: any) => i.name === COPY).restoreFrom).toEqual({
      instance: SOURCE,
    });
    const cluster = cnpg('cluster', COPY, 'postgresql');
    expect(cluster.spec.bootstrap).toEqual({
      recovery: { source: 'objectStoreRecoveryCluster', database: 'app', owner: 'app' },
    });
    expect(cluster.spec.externalClusters).toEqual([
      {
        name: 'objectStoreRecoveryCluster',
        barmanObjectStore: {
          serverName: 'postgresql',
          destinationPath: `s3://${STORE.bucket}/${STORE.prefix}/${SOURCE}/`,
          endpointURL: STORE.endpointURL,
          s3Credentials: {
            accessKeyId: { name: STORE.credentialsSecret, key: 'ACCESS_KEY_ID' },
            secretAccessKey: { name: STORE.credentialsSecret, key: 'ACCESS_SECRET_KEY' },
          },
        },
      },
    ]);
    // The copy archives nothing of its own unless it asks for backup, so it never writes into the source's folder.
    expect(cluster.spec.backup).toBeUndefined();
  });

  it('refuses to restore up to a backup that has not completed, and restores up to its end once it has', () => {
    const early = cli(
      'instance',
      'create',
      AT_BACKUP,
      '--cluster',
      CLUSTER,
      '--owner',
      COPY_OWNER,
      '--blocks',
      'postgresql',
      '--ttl',
      '2h',
      '--restore-from',
      `${SOURCE}/${backupName}`,
    );
    expect(early.code).toBe(1);
    expect(early.stderr).toMatch(new RegExp(`--restore-from ${SOURCE}/${backupName}: the backup has not completed`));
    expect(existsSync(stackDir(`instance-${AT_BACKUP}`))).toBe(false);
    // What the operator writes when the backup ends (no operator runs pods here).
    const stoppedAt = '2026-11-23T02:00:41Z';
    kubectl(
      'patch',
      `backups.postgresql.cnpg.io/${backupName}`,
      '-n',
      SOURCE,
      '--subresource=status',
      '--type=merge',
      '-p',
      JSON.stringify({ status: { phase: 'completed', stoppedAt } }),
    );
    const r = cli(
      'instance',
      'create',
      AT_BACKUP,
      '--cluster',
      CLUSTER,
      '--owner',
      COPY_OWNER,
      '--blocks',
      'postgresql',
      '--ttl',
      '2h',
      '--restore-from',
      `${SOURCE}/${backupName}`,
    );
    expect(ok(r)).toEqual({ code: 0, err: '' });
    expect(cnpg('cluster', AT_BACKUP, 'postgresql').spec.bootstrap.recovery).toEqual({
      source: 'objectStoreRecoveryCluster',
      recoveryTarget: { targetTime: stoppedAt },
      database: 'app',
      owner: 'app',
    });
  });

  it("gives the copy's owner nothing in the source namespace, and no owner the right to change Clusters or backups", () => {
    for (const [verb, resource] of [
      ['get', 'backups.postgresql.cnpg.io'],
      ['create', 'backups.postgresql.cnpg.io'],
      ['get', 'secrets'],
      ['get', 'clusters.postgresql.cnpg.io'],
    ] as const) {
      expect({ verb, resource, allowed: canI(COPY_OWNER, verb, resource, SOURCE) }).toEqual({
        verb,
        resource,
        allowed: false,
      });
    }
    for (const [owner, ns] of [
      [OWNER, SOURCE],
      [COPY_OWNER, COPY],
    ] as const) {
      for (const resource of [
        'clusters.postgresql.cnpg.io',
        'backups.postgresql.cnpg.io',
        'scheduledbackups.postgresql.cnpg.io',
      ]) {
        expect({ owner, resource, allowed: canI(owner, 'patch', resource, ns) }).toEqual({
          owner,
          resource,
          allowed: false,
        });
      }
      // The store's credentials Secret is the owner's to create in the instance's own namespace.
      expect(canI(owner, 'create', 'secrets', ns)).toBe(true);
    }
  });

  it('destroys the copies, the source and the platform, leaving no namespace behind', async () => {
    // The copies and their source at once: a copy does not need its source once it has bootstrapped.
    const results = await execAll([
      cliCommand('instance', 'destroy', AT_BACKUP),
      cliCommand('instance', 'destroy', COPY),
      terraformCommand(stackDir(`instance-${SOURCE}`), 'destroy', '-auto-approve', '-input=false', '-no-color'),
    ]);
    for (const r of results) expect(ok(r)).toEqual({ code: 0, err: '' });
    terraform(stackDir(`platform-${CLUSTER}`), 'destroy', '-auto-approve', '-input=false', '-no-color');
    for (const ns of [SOURCE, COPY, AT_BACKUP])
      expect({
        ns,
        phase: exists('namespace', ns) ? kubectlJson('get', 'namespace', ns).status.phase : 'gone',
      }).toEqual({ ns, phase: expect.stringMatching(/gone|Terminating/) });
  });
});
