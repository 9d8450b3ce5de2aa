import { readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { parse } from 'yaml';
import { Workspace } from './stand-in';

/** Backups the stand-in kubectl holds, by namespace and name, and every call it got. */
interface FakeCluster {
  backups: Record<string, any>;
}

/** The kubectl stand-in's answers: `create` a Backup from stdin, `get` one as JSON. */
const KUBECTL = `if (args[0] === 'create') {
  const m = JSON.parse(fs.readFileSync(0, 'utf8'));
  c.backups[m.metadata.namespace + '/' + m.metadata.name] = m;
  out('backup.postgresql.cnpg.io/' + m.metadata.name);
  return true;
}
if (args[0] === 'get' && args[1] === 'backups.postgresql.cnpg.io') {
  const b = c.backups[flag('-n') + '/' + args[2]];
  if (!b) fail('Error from server (NotFound): backups.postgresql.cnpg.io "' + args[2] + '" not found');
  out(JSON.stringify(b));
  return true;
}`;

const CONFIG = (kubeconfig: string) => `clusters:
  - name: kind
    cloud: existing
    connection: { kind: kubeconfig, path: ${kubeconfig}, context: kind-kind }
    storageClasses: { blockRwo: standard }
    backupStore: { bucket: sandbox-backups, endpointURL: "http://seaweedfs.storage.svc:8333", credentialsSecret: backup-s3 }
instances:
  - name: staging
    cluster: kind
    owner: dev
    blocks: [postgresql]
    backup: { schedule: "0 0 2 * * *" }
  - name: plain
    cluster: kind
    owner: dev
    blocks: [postgresql]
`;

function setup(backups: Record<string, any> = {}): { w: Workspace; cluster: () => FakeCluster } {
  const w = new Workspace('');
  writeFileSync(w.config, CONFIG(join(w.dir, 'kubeconfig')));
  return { w, cluster: w.kubectlCluster({ backups }, KUBECTL) };
}

const stackJson = (w: Workspace, instance: string) =>
  JSON.parse(readFileSync(join(w.out, 'stacks', `instance-${instance}`, 'cdk.tf.json'), 'utf8'));
const postgresValues = (w: Workspace, instance: string) =>
  JSON.parse(
    (Object.values(stackJson(w, instance).resource.helm_release) as any[]).find((r) => r.name === 'postgresql')
      .values[0],
  );

describe('sandboxkit instance backup', () => {
  it('creates a Backup of each CloudNativePG Cluster of the instance, named by the time', async () => {
    const { w, cluster } = setup();
    const r = await w.run('instance', 'backup', 'staging', '--json');
    expect({ code: r.code, err: r.code ? r.err : '' }).toEqual({ code: 0, err: '' });
    expect(JSON.parse(r.out)).toEqual({
      instance: 'staging',
      namespace: 'staging',
      backups: [{ name: 'postgresql-20261123120000', cluster: 'postgresql' }],
    });
    expect(cluster().backups['staging/postgresql-20261123120000']).toEqual({
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Backup',
      metadata: {
        name: 'postgresql-20261123120000',
        namespace: 'staging',
        labels: { 'app.kubernetes.io/managed-by': 'sandboxkit', 'cnpg.io/cluster': 'postgresql' },
      },
      spec: { cluster: { name: 'postgresql' }, method: 'barmanObjectStore' },
    });
    expect(w.calls()[0]).toMatch(/^kubectl --kubeconfig \S+ --context kind-kind create -f - -o name$/);
  });

  it('takes a name for the Backup, and refuses one that is no DNS label', async () => {
    const { w, cluster } = setup();
    expect((await w.run('instance', 'backup', 'staging', '--name', 'before-migration')).code).toBe(0);
    expect(Object.keys(cluster().backups)).toEqual(['staging/before-migration']);
    const bad = await w.run('instance', 'backup', 'staging', '--name', 'Before_Migration');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--name: must be a DNS label of at most 63 characters, got "Before_Migration"/);
  });

  it('refuses an instance without backup in its config, creating nothing', async () => {
    const { w } = setup();
    const r = await w.run('instance', 'backup', 'plain');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/instance "plain" has no backup: add `backup: \{\}`/);
    expect(w.calls()).toEqual([]);
  });
});

describe('sandboxkit bom of a backed-up instance', () => {
  it('lists the PostgreSQL image with the barman-cloud tools for it, and the plain one for an instance without backup', async () => {
    const { w } = setup();
    const images = async (instance: string) =>
      JSON.parse((await w.run('bom', instance, '--json')).out).images as string[];
    expect((await images('staging')).filter((i) => /cloudnative-pg\/postgresql/.test(i))).toEqual([
      'ghcr.io/cloudnative-pg/postgresql:18.3-system-trixie',
    ]);
    expect((await images('plain')).filter((i) => /cloudnative-pg\/postgresql/.test(i))).toEqual([
      'ghcr.io/cloudnative-pg/postgresql:18.3',
    ]);
  });
});

describe('sandboxkit instance create --restore-from', () => {
  const create = [
    'instance',
    'create',
    'copy',
    '--cluster',
    'kind',
    '--owner',
    'eve',
    '--blocks',
    'postgresql',
    '--ttl',
    '8h',
  ];

  it("records restoreFrom in the spec and bootstraps the Cluster from the source's latest WAL", async () => {
    const { w } = setup();
    const r = await w.run(...create, '--restore-from', 'staging');
    expect({ code: r.code, err: r.code ? r.err : '' }).toEqual({ code: 0, err: '' });
    expect(w.record('copy')?.spec.restoreFrom).toEqual({ instance: 'staging' });
    const v = postgresValues(w, 'copy');
    expect(v.mode).toBe('recovery');
    expect(v.recovery).toMatchObject({
      method: 'object_store',
      clusterName: 'postgresql',
      destinationPath: 's3://sandbox-backups/kind/staging/',
      secret: { create: false, name: 'backup-s3' },
    });
    expect(v.recovery.pitrTarget).toBeUndefined();
    // The latest WAL needs no Backup read from the source.
    expect(w.calls().filter((c) => /backups/.test(c))).toEqual([]);
  });

  it('restores up to the end of a completed backup, read from its status', async () => {
    const { w } = setup({ 'staging/nightly': { status: { phase: 'completed', stoppedAt: '2026-11-23T02:00:41Z' } } });
    const r = await w.run(...create, '--restore-from', 'staging/nightly');
    expect({ code: r.code, err: r.code ? r.err : '' }).toEqual({ code: 0, err: '' });
    expect(w.record('copy')?.spec.restoreFrom).toEqual({ instance: 'staging', targetTime: '2026-11-23T02:00:41Z' });
    expect(postgresValues(w, 'copy').recovery.pitrTarget).toEqual({ time: '2026-11-23T02:00:41Z' });
  });

  it('refuses a backup that has not completed or does not exist, deploying nothing', async () => {
    const { w } = setup({ 'staging/running': { status: { phase: 'running' } } });
    const running = await w.run(...create, '--restore-from', 'staging/running');
    expect(running.code).toBe(1);
    expect(running.err).toMatch(/--restore-from staging\/running: the backup has not completed \(phase: running\)/);
    const missing = await w.run(...create, '--restore-from', 'staging/gone');
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/backups\.postgresql\.cnpg\.io "gone" not found/);
    expect(w.calls().filter((c) => c.startsWith('terraform'))).toEqual([]);
    expect(parse(w.configText()).instances.map((i: any) => i.name)).toEqual(['staging', 'plain']);
  });

  it('refuses a malformed source, a restore from the instance itself and a restore into an existing instance', async () => {
    const { w } = setup();
    const bad = await w.run(...create, '--restore-from', 'a/b/c');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--restore-from a\/b\/c: expected <instance> or <instance>\/<backup>/);
    const self = await w.run(...create, '--restore-from', 'copy');
    expect(self.code).toBe(2);
    expect(self.err).toMatch(/--restore-from: names the instance itself/);
    expect((await w.run(...create)).code).toBe(0);
    const existing = await w.run(...create, '--update', '--restore-from', 'staging');
    expect(existing.code).toBe(2);
    expect(existing.err).toMatch(/--restore-from\): instance "copy" exists; a restore creates a new instance/);
  });
});
