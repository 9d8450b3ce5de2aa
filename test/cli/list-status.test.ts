import { mkdirSync, writeFileSync } from 'fs';
import { join } from 'path';
import { parse } from 'yaml';
import { CLI_CONFIG, Workspace } from './stand-in';

const PAST = { createdAt: '2026-11-20T12:00:00Z', expiresAt: '2026-11-22T12:00:00Z' };
const FUTURE = { createdAt: '2026-11-23T10:00:00Z', expiresAt: '2026-11-25T10:00:00Z' };

function workspace(extra = ''): Workspace {
  const w = new Workspace('');
  writeFileSync(w.config, CLI_CONFIG(join(w.dir, 'kubeconfig')) + extra);
  return w;
}
const list = async (w: Workspace, ...flags: string[]) =>
  JSON.parse((await w.run('instance', 'list', '-o', 'json', ...flags)).out);
const phases = async (w: Workspace) =>
  Object.fromEntries((await list(w)).map((r: { name: string; phase: string }) => [r.name, r.phase]));

describe('sandboxkit instance list', () => {
  it('reports each phase from the record and the cluster, as JSON or an aligned table with the Pod Security level', async () => {
    const legacy =
      'catalog:\n  - name: legacy\n    labels: { kind: app, version: 1.0.0 }\n    chart: { repository: https://charts.example.org, name: legacy, version: 1.0.0 }\n' +
      '    resources: { cpu: 100m, memory: 128Mi }\n    images: [example.org/legacy:1.0.0]\n    podSecurity: { level: baseline, reason: changes the owner of its volume at start }\n';
    const w = workspace(
      `  - { name: beta, cluster: kind, owner: eve, blocks: [valkey] }\n  - { name: gamma, cluster: kind, owner: joe, blocks: [seaweedfs, postgresql, legacy] }\n${legacy}`,
    );
    w.deployed('alpha', PAST);
    w.deployed('beta', FUTURE);
    const all = await list(w);
    expect(all.map((r: Record<string, unknown>) => [r.name, r.phase, r.expiresAt, r.podSecurity, r.origin])).toEqual([
      ['alpha', 'expired', PAST.expiresAt, 'restricted', 'config'],
      ['beta', 'ready', FUTURE.expiresAt, 'restricted', 'config'],
      ['gamma', 'pending', null, 'baseline (legacy)', 'config'],
    ]);
    expect(all[2].reason).toBe('declared in the config, not deployed');
    expect((await list(w, '--expired')).map((r: { name: string }) => r.name)).toEqual(['alpha']);
    const table = (await w.run('instance', 'ls')).out.trimEnd().split('\n');
    expect(table[0]).toMatch(/^NAME\s+CLUSTER\s+OWNER\s+BLOCKS\s+CREATED\s+EXPIRES\s+PHASE\s+ORIGIN$/);
    expect(table[1]).toMatch(/^alpha\s+kind\s+dev\s+postgresql\s+-\s+1d 0h ago\s+expired\s+config$/);
    expect(table[2]).toMatch(/^beta .* in 1d 22h\s+ready\s+config$/);
    const column = (line: string) =>
      line.indexOf(line.includes('PHASE') ? 'PHASE' : line.match(/expired|ready|pending/)![0]);
    expect(new Set(table.map(column)).size).toBe(1);
    const wide = (await w.run('instance', 'list', '-o', 'wide')).out.split('\n');
    expect(wide[0]).toMatch(/\s+NAMESPACE\s+POD SECURITY\s+REASON$/);
    expect((await w.run('instance', 'list', '-o', 'name')).out).toBe('alpha\nbeta\ngamma\n');
    expect(parse((await w.run('instance', 'list', '-o', 'yaml')).out)[1]).toMatchObject({
      name: 'beta',
      phase: 'ready',
    });
  });

  it('lists a failed create as failed, although its partial apply wrote outputs', async () => {
    const w = workspace();
    w.knob('fail-instance-beta');
    expect((await w.run('instance', 'create', 'beta', '--blocks', 'valkey')).code).toBe(1);
    w.deployed('beta', FUTURE);
    expect((await phases(w)).beta).toBe('failed');
    expect((await list(w)).find((r: { name: string }) => r.name === 'beta').reason).toMatch(
      /^create failed: apply instance-beta failed/,
    );
  });

  it('lists a stopped instance as stopped, from its record and from the namespace', async () => {
    const w = workspace();
    expect((await w.run('instance', 'create', 'beta', '--blocks', 'valkey')).code).toBe(0);
    w.deployed('alpha', FUTURE);
    w.world((x) => {
      x.namespaces.alpha.annotations['sandbox.dev/stopped'] = '2026-11-23T11:00:00Z';
    });
    expect(await phases(w)).toEqual({ alpha: 'stopped', beta: 'ready' });
  });

  it('says a namespace deleted outside sandboxkit is failed before its expiry and expired after', async () => {
    const w = workspace();
    expect((await w.run('instance', 'create', 'beta', '--blocks', 'valkey', '--ttl', '2h')).code).toBe(0);
    w.world((x) => delete x.namespaces.beta);
    expect((await list(w))[1]).toMatchObject({
      name: 'beta',
      phase: 'failed',
      reason: expect.stringMatching(/namespace is gone/),
    });
    w.now = new Date('2026-11-23T15:00:00Z');
    expect((await phases(w)).beta).toBe('expired');
  });

  it('warns about a state backend it cannot read and lists the instances of the others', async () => {
    const w = workspace('  - { name: pr-1, cluster: aws-main, owner: ci, blocks: [valkey] }\n');
    writeFileSync(
      w.config,
      w
        .configText()
        .replace(
          'instances:',
          '  - name: aws-main\n    cloud: aws\n    region: eu-west-1\n    kubernetesVersion: "1.33"\n    adminPrincipalArns: [arn:aws:iam::111122223333:role/admins]\n    state: { backend: s3, bucket: team-state, region: eu-west-1 }\ninstances:',
        ),
    );
    w.deployed('alpha', FUTURE);
    w.knob('aws-down');
    const r = await w.run('instance', 'list', '-o', 'json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).map((x: { name: string }) => x.name)).toEqual(['alpha', 'pr-1']);
    expect(r.err).toMatch(
      /^warning: could not read the instances of cluster aws-main in s3:\/\/team-state\/sandboxkit\/aws-main\/instances\/: listing instances in .* failed: Could not connect to the endpoint URL/m,
    );
  });

  it('shows the recorded phases, marked, when a cluster does not answer', async () => {
    const w = workspace();
    expect((await w.run('instance', 'create', 'beta', '--blocks', 'valkey')).code).toBe(0);
    w.knob('api-down');
    const r = await w.run('instance', 'list');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^beta .* ready\?\s+cli$/m);
    expect(r.err).toMatch(/warning: cluster kind did not answer .*; its instances are shown as recorded/);
  });
});

describe('sandboxkit instance get and status', () => {
  async function created(): Promise<Workspace> {
    const w = workspace();
    expect((await w.run('instance', 'create', 'web', '--blocks', 'postgresql,keycloak', '--owner', 'eve')).code).toBe(
      0,
    );
    w.world((x) => {
      x.pods.web = [
        {
          kind: 'Pod',
          metadata: { name: 'keycloak-0' },
          status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
        },
        {
          kind: 'Pod',
          metadata: { name: 'postgresql-1' },
          status: {
            phase: 'Pending',
            conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }],
          },
        },
        { kind: 'Pod', metadata: { name: 'seed-job-x' }, status: { phase: 'Succeeded' } },
      ];
    });
    return w;
  }

  it('prints the document as YAML that apply -f takes back, and as JSON', async () => {
    const w = await created();
    const r = await w.run('instance', 'get', 'web', '-o', 'yaml');
    expect(r.code).toBe(0);
    const doc = parse(r.out);
    expect(doc).toMatchObject({
      kind: 'Instance',
      spec: { name: 'web', cluster: 'kind', owner: 'eve', blocks: ['postgresql', 'keycloak'] },
      status: {
        phase: 'ready',
        namespace: 'web',
        owner: 'eve',
        origin: 'cli',
        expiresAt: '2026-11-25T12:00:00Z',
        urls: [{ block: 'keycloak', url: 'https://keycloak.web.sandbox.localhost' }],
        pods: { ready: 1, total: 2 },
        releases: [
          { name: 'keycloak', status: 'deployed' },
          { name: 'postgresql', status: 'deployed' },
        ],
        history: [{ action: 'create', outcome: 'succeeded', by: 'tester' }],
      },
    });
    expect(JSON.parse((await w.run('instance', 'get', 'web', '-o', 'json')).out)).toEqual(doc);
    writeFileSync(join(w.dir, 'web.yaml'), r.out.replace('owner: eve', 'owner: joe'));
    expect((await w.run('instance', 'apply', '-f', join(w.dir, 'web.yaml'))).code).toBe(0);
    expect(w.record('web')?.spec.owner).toBe('joe');
  });

  it('prints one row by default and every instance without a name', async () => {
    const w = await created();
    const row = (await w.run('instance', 'get', 'web')).out.split('\n');
    expect(row[0]).toMatch(/^NAME\s+CLUSTER\s+OWNER\s+PHASE\s+PODS\s+EXPIRES\s+ORIGIN$/);
    expect(row[1]).toMatch(/^web\s+kind\s+eve\s+ready\s+1\/2\s+in 2d 0h\s+cli$/);
    expect((await w.run('instance', 'get', '-o', 'name')).out).toBe('alpha\nweb\n');
  });

  it('shows releases, pods ready of total, URLs, expiry, owner, cost and history in status', async () => {
    const w = await created();
    const r = await w.run('instance', 'status', 'web');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^instance web on kind: ready\n/);
    expect(r.out).toMatch(/^ {2}owner: +eve$/m);
    expect(r.out).toMatch(/^ {2}expires: +2026-11-25T12:00:00Z \(in 2d 0h\)$/m);
    expect(r.out).toMatch(/^ {2}pods: +1\/2 ready$/m);
    expect(r.out).toMatch(/^ {2}cost: +- \(/m);
    expect(r.out).toMatch(/^ {4}NAME +STATUS +REVISION +CHART\n {4}keycloak +deployed +1 +keycloakx-/m);
    expect(r.out).toMatch(/^ {2}urls:\n {4}keycloak {2}https:\/\/keycloak\.web\.sandbox\.localhost$/m);
    expect(r.out).toMatch(/^ {2}not ready:\n {4}postgresql-1: Unschedulable$/m);
    expect(r.out).toMatch(
      /^ {2}history \(latest last\):\n {4}2026-11-23T12:00:00\.000Z {2}tester {2}create succeeded$/m,
    );
  });

  it('exits 1 for an instance that does not exist, suggesting the nearest name', async () => {
    const w = await created();
    for (const command of ['get', 'status', 'extend', 'destroy', 'stop'])
      expect(await w.run('instance', command, 'wbe', ...(command === 'extend' ? ['--ttl', '2h'] : []))).toMatchObject({
        code: 1,
        err: expect.stringMatching(/unknown instance "wbe"; did you mean "web"\?/),
      });
  });

  it("shows the record's view and says so when the cluster does not answer", async () => {
    const w = await created();
    w.knob('api-down');
    const r = await w.run('instance', 'status', 'web', '-o', 'json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).status).toMatchObject({
      phase: 'ready',
      observed: 'unreachable',
      urls: [{ block: 'keycloak', url: 'https://keycloak.web.sandbox.localhost' }],
    });
  });
});

describe('state backends', () => {
  it('reads the records of a bucket in one copy when there are many, not one process per record', async () => {
    const w = new Workspace(
      'clusters:\n  - name: aws-main\n    cloud: aws\n    region: eu-west-1\n    kubernetesVersion: "1.33"\n    adminPrincipalArns: [arn:aws:iam::111122223333:role/admins]\n    state: { backend: s3, bucket: team-state, region: eu-west-1 }\n',
    );
    const prefix = join(w.dir, 's3', 'team-state', 'sandboxkit', 'aws-main', 'instances');
    mkdirSync(prefix, { recursive: true });
    for (let i = 0; i < 12; i++)
      writeFileSync(
        join(prefix, `pr-${i}.sandboxkit.json`),
        JSON.stringify({
          kind: 'sandboxkit-instance',
          version: 2,
          spec: { name: `pr-${i}`, cluster: 'aws-main', owner: 'ci', blocks: ['valkey'] },
          origin: 'cli',
          status: {
            phase: 'ready',
            createdAt: FUTURE.createdAt,
            updatedAt: FUTURE.createdAt,
            expiresAt: FUTURE.expiresAt,
          },
          history: [],
        }),
      );
    const rows = await list(w, '--offline');
    expect(rows.map((r: { name: string }) => r.name)).toHaveLength(12);
    const reads = w.calls().filter((c) => c.startsWith('aws s3 cp'));
    expect(reads).toEqual([
      expect.stringMatching(
        /^aws s3 cp s3:\/\/team-state\/sandboxkit\/aws-main\/instances\/ \S+ --recursive --exclude \* --include \*\.sandboxkit\.json --region eu-west-1/,
      ),
    ]);
  });

  it('reads records of the first format and lists them with their phase', async () => {
    const w = workspace();
    mkdirSync(w.state, { recursive: true });
    writeFileSync(
      join(w.state, 'instance-pr-9.sandboxkit.json'),
      JSON.stringify({
        kind: 'sandboxkit-instance',
        instance: { name: 'pr-9', cluster: 'kind', owner: 'ci', blocks: ['valkey'] },
        status: 'deployed',
        createdAt: FUTURE.createdAt,
        expiresAt: FUTURE.expiresAt,
        updatedAt: FUTURE.createdAt,
      }),
    );
    w.deployed('pr-9', FUTURE);
    expect((await list(w)).find((r: { name: string }) => r.name === 'pr-9')).toMatchObject({
      phase: 'ready',
      origin: 'cli',
    });
  });
});
