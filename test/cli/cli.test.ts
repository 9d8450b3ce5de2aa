import { existsSync, mkdirSync, writeFileSync } from 'fs';
import { join } from 'path';
import { parse } from 'yaml';
import { parseTtlHours } from '../../cli/duration';
import { parsePlan } from '../../cli/commands/audit';
import { mirrored } from '../../cli/commands/bom';
import { CLI_CONFIG, Workspace } from './stand-in';

const PAST = { createdAt: '2026-11-20T12:00:00Z', expiresAt: '2026-11-22T12:00:00Z' };
const FUTURE = { createdAt: '2026-11-23T10:00:00Z', expiresAt: '2026-11-25T10:00:00Z' };

function workspace(extra = ''): Workspace {
  const w = new Workspace('');
  writeFileSync(w.config, CLI_CONFIG(join(w.dir, 'kubeconfig')) + extra);
  return w;
}
const instancesOf = (w: Workspace) => (parse(w.configText()).instances ?? []).map((i: { name: string }) => i.name);

describe('sandboxkit CLI', () => {
  describe('instance create', () => {
    const create = ['instance', 'create', 'beta', '--cluster', 'kind', '--owner', 'eve', '--blocks', 'postgresql,redis', '--mocks', 'email,sms', '--dataset', 'minimal', '--ttl', '1d'];

    it('deploys only the new stack, then adds the instance to the config, keeping its comments', async () => {
      const w = workspace();
      const r = await w.run(...create, '--json');
      expect(r.code).toBe(0);
      expect(JSON.parse(r.out)).toEqual({ instance: 'beta', cluster: 'kind', stack: 'instance-beta', action: 'created', ttlHours: 24 });
      expect(w.calls()).toEqual([
        'terraform instance-beta  init -input=false -no-color',
        'terraform instance-beta  apply -auto-approve -input=false -no-color',
      ]);
      expect(parse(w.configText()).instances[1]).toEqual({
        name: 'beta',
        cluster: 'kind',
        owner: 'eve',
        ttlHours: 24,
        blocks: ['postgresql', 'redis'],
        mocks: ['email', 'sms'],
        datasets: [{ block: 'postgresql', variant: 'minimal' }],
      });
      expect(w.configText()).toContain('# the first instance');
      expect(existsSync(join(w.out, 'stacks', 'instance-beta', 'cdk.tf.json'))).toBe(true);
      expect(r.err).toMatch(/apply instance-beta done \(\d+\.\ds\)/);
    });

    it('plans without changing anything on --dry-run', async () => {
      const w = workspace();
      const before = w.configText();
      const r = await w.run(...create, '--dry-run');
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/planned \(nothing changed\) instance beta on kind/);
      expect(w.calls().map((c) => c.split('  ')[1].split(' ')[0])).toEqual(['init', 'plan']);
      expect(w.configText()).toBe(before);
    });

    it('leaves the config untouched when the deploy fails, and says how to retry and clean up', async () => {
      const w = workspace();
      w.knob('fail-instance-beta');
      const before = w.configText();
      const r = await w.run(...create);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/apply instance-beta failed after \d+\.\ds:\nError: simulated failure of apply in instance-beta/);
      expect(r.err).toMatch(/The config was not changed\. Run the same command again to retry; to remove what the failed apply created, run: terraform -chdir=.*instance-beta destroy/);
      expect(w.configText()).toBe(before);
    });

    it.each([
      [['--ttl', '31d'], /--ttl must be between 1h and 720h \(30 days\), got 744h/],
      [['--ttl', 'soon'], /--ttl must be hours or days such as 48h or 2d, got "soon"/],
    ])('refuses %p before touching anything', async (extra, message) => {
      const w = workspace();
      const r = await w.run('instance', 'create', 'beta', '--cluster', 'kind', '--owner', 'eve', '--blocks', 'redis', ...extra);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(message);
      expect(w.calls()).toEqual([]);
    });

    it('refuses what the config validator refuses, with the path', async () => {
      const w = workspace();
      const r = await w.run('instance', 'create', 'beta', '--cluster', 'nowhere', '--owner', 'eve', '--blocks', 'oracle');
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/instances\[1\]\.cluster: expected one of the declared clusters \(kind\), got "nowhere"/);
      expect(r.err).toMatch(/instances\[1\]\.blocks\[0\]: unknown building block "oracle"/);
      expect(w.calls()).toEqual([]);
    });

    it('refuses a name that exists', async () => {
      const r = await workspace().run('instance', 'create', 'alpha', '--cluster', 'kind', '--owner', 'eve', '--blocks', 'redis');
      expect(r).toMatchObject({ code: 2, err: expect.stringMatching(/instance "alpha" already exists/) });
    });

    it('keeps both instances when two creates run at once', async () => {
      const w = workspace();
      const args = (name: string) => ['instance', 'create', name, '--cluster', 'kind', '--owner', 'eve', '--blocks', 'redis'];
      const results = await Promise.all([w.run(...args('beta')), w.run(...args('gamma')), w.run(...args('delta'))]);
      expect(results.map((r) => r.code)).toEqual([0, 0, 0]);
      expect(instancesOf(w).sort()).toEqual(['alpha', 'beta', 'delta', 'gamma']);
      expect(existsSync(`${w.config}.lock`)).toBe(false);
    });
  });

  describe('instance list', () => {
    it('reports state from the outputs, as JSON or a table, and filters expired ones', async () => {
      const w = workspace('  - { name: beta, cluster: kind, owner: eve, blocks: [redis] }\n  - { name: gamma, cluster: kind, owner: joe, blocks: [minio] }\n');
      w.deployed('alpha', PAST);
      w.deployed('beta', FUTURE);
      const all = JSON.parse((await w.run('instance', 'list', '--json')).out);
      expect(all).toEqual([
        { name: 'alpha', cluster: 'kind', owner: 'dev', blocks: ['postgresql'], createdAt: PAST.createdAt, expiresAt: PAST.expiresAt, state: 'expired' },
        { name: 'beta', cluster: 'kind', owner: 'eve', blocks: ['redis'], createdAt: FUTURE.createdAt, expiresAt: FUTURE.expiresAt, state: 'running' },
        { name: 'gamma', cluster: 'kind', owner: 'joe', blocks: ['minio'], createdAt: null, expiresAt: null, state: 'not deployed' },
      ]);
      expect(JSON.parse((await w.run('instance', 'list', '--expired', '--json')).out).map((r: { name: string }) => r.name)).toEqual(['alpha']);
      const table = (await w.run('instance', 'list')).out.split('\n');
      expect(table[0]).toMatch(/^NAME\s+CLUSTER\s+OWNER\s+BLOCKS\s+CREATED\s+EXPIRES\s+STATE$/);
      expect(table[1]).toMatch(/^alpha\s+kind\s+dev\s+postgresql\s+3d 0h ago\s+1d 0h ago\s+expired$/);
      expect(table[2]).toMatch(/^beta .* in 1d 22h\s+running$/);
    });
  });

  describe('instance extend', () => {
    it('applies the new TTL, then records it', async () => {
      const w = workspace();
      w.deployed('alpha', FUTURE);
      const r = await w.run('instance', 'extend', 'alpha', '--ttl', '72h', '--json');
      expect(r.code).toBe(0);
      expect(JSON.parse(r.out)).toEqual({ instance: 'alpha', ttlHours: 72, expiresAt: FUTURE.expiresAt });
      expect(parse(w.configText()).instances[0].ttlHours).toBe(72);
      expect(w.calls()).toContain('terraform instance-alpha  apply -auto-approve -input=false -no-color');
    });

    it('refuses an unknown instance and a bad TTL', async () => {
      const w = workspace();
      expect(await w.run('instance', 'extend', 'omega', '--ttl', '2h')).toMatchObject({ code: 2, err: expect.stringMatching(/unknown instance "omega"; the config has alpha/) });
      expect(await w.run('instance', 'extend', 'alpha', '--ttl', '0h')).toMatchObject({ code: 2, err: expect.stringMatching(/--ttl must be between 1h and 720h/) });
      expect(w.calls()).toEqual([]);
    });
  });

  describe('instance destroy', () => {
    it('destroys, then removes the instance from the config and forgets its local state', async () => {
      const w = workspace();
      w.deployed('alpha', FUTURE);
      mkdirSync(join(w.dir, 'state'), { recursive: true });
      writeFileSync(join(w.dir, 'state', 'instance-alpha.tfstate'), '{}');
      const r = await w.run('instance', 'destroy', 'alpha', '--json');
      expect(r.code).toBe(0);
      expect(JSON.parse(r.out)).toEqual({ instance: 'alpha', action: 'destroyed' });
      expect(w.calls()).toEqual(['terraform instance-alpha  init -input=false -no-color', 'terraform instance-alpha  destroy -auto-approve -input=false -no-color']);
      expect(instancesOf(w)).toEqual([]);
      expect(existsSync(join(w.dir, 'state', 'instance-alpha.tfstate'))).toBe(false);
      expect(existsSync(join(w.out, 'stacks', 'instance-alpha'))).toBe(false);
    });
  });

  describe('gc', () => {
    const three = '  - { name: beta, cluster: kind, owner: eve, blocks: [redis] }\n  - { name: gamma, cluster: kind, owner: joe, blocks: [minio] }\n';

    it('destroys every expired instance, carries on past a failure, and reports all outcomes', async () => {
      const w = workspace(three);
      w.deployed('alpha', PAST);
      w.deployed('beta', PAST);
      w.deployed('gamma', FUTURE);
      w.knob('fail-instance-alpha');
      const r = await w.run('gc', '--json');
      expect(r.code).toBe(1);
      const report = JSON.parse(r.out);
      expect(report).toMatchObject({ expired: 2, failed: 1 });
      expect(report.outcomes.map((o: { instance: string; result: string }) => [o.instance, o.result])).toEqual([
        ['alpha', 'failed'],
        ['beta', 'destroyed'],
      ]);
      expect(report.outcomes[0].error).toMatch(/simulated failure of destroy in instance-alpha/);
      expect(instancesOf(w)).toEqual(['alpha', 'gamma']);
    });

    it('only reports on --dry-run', async () => {
      const w = workspace(three);
      w.deployed('alpha', PAST);
      const r = await w.run('gc', '--dry-run');
      expect(r).toMatchObject({ code: 0, out: 'alpha: would destroy\n' });
      expect(w.calls().filter((c) => c.includes('destroy'))).toEqual([]);
    });
  });

  describe('instance test', () => {
    it('runs the helm test hooks of every release and reports each', async () => {
      const w = workspace();
      w.knob('helm-fail-postgresql');
      const r = await w.run('instance', 'test', 'alpha', '--json');
      expect(r.code).toBe(1);
      expect(JSON.parse(r.out)).toMatchObject({
        instance: 'alpha',
        passed: 1,
        failed: 1,
        results: [
          { release: 'mock-email', passed: true },
          { release: 'postgresql', passed: false, detail: expect.stringContaining('pod postgresql-test failed') },
        ],
      });
      expect(w.calls()[0]).toBe(`helm test mock-email --namespace alpha --timeout 5m --kubeconfig ${join(w.dir, 'kubeconfig')} --kube-context kind-kind`);
    });
  });

  describe('audit', () => {
    it('is quiet and exits 0 when the stack matches the code', async () => {
      const w = workspace();
      expect(await w.run('audit', 'platform-kind')).toMatchObject({ code: 0, out: 'platform-kind: in sync with the code\n' });
    });

    it('summarizes drift and exits 3', async () => {
      const w = workspace();
      w.knob(
        'drift-platform-kind',
        [
          '{"type":"version","terraform":"1.11.4"}',
          '{"type":"resource_drift","change":{"resource":{"addr":"kubernetes_namespace_v1.x"},"action":"update"}}',
          '{"type":"planned_change","change":{"resource":{"addr":"helm_release.y"},"action":"create"}}',
        ].join('\n'),
      );
      const r = await w.run('audit', 'platform-kind');
      expect(r.code).toBe(3);
      expect(r.out).toBe('platform-kind: 1 changed outside the code, 1 to change on the next apply\n  changed outside: kubernetes_namespace_v1.x (update)\n  apply would create: helm_release.y\n');
    });

    it('refuses a stack the config does not have', async () => {
      expect(await workspace().run('audit', 'cluster-mars')).toMatchObject({ code: 2, err: expect.stringMatching(/no stack named "cluster-mars"/) });
    });
  });

  describe('bom', () => {
    it('lists an instance charts and images, under the registry mirror', async () => {
      const r = await workspace().run('bom', 'alpha', '--json');
      const bom = JSON.parse(r.out);
      expect(bom.charts).toEqual([
        { repository: 'sandboxkit (packaged)', name: 'mock-email', version: '0.1.0' },
        { repository: 'oci://registry-1.docker.io/bitnamicharts', name: 'postgresql', version: '16.5.0' },
      ]);
      expect(bom.images).toEqual(expect.arrayContaining(['mirror.internal:5000/bitnami/postgresql:17.4.0-debian-12-r4', 'mirror.internal:5000/axllent/mailpit:v1.21.8']));
      expect(bom.images.every((i: string) => i.startsWith('mirror.internal:5000/'))).toBe(true);
    });

    it('lists exactly the charts the cluster platform installs', async () => {
      const bom = JSON.parse((await workspace().run('bom', '--cluster', 'kind', '--json')).out);
      expect(bom.charts.map((c: { name: string }) => c.name)).toEqual(['ingress-nginx', 'cert-manager', 'instance-reaper']);
      expect(bom.images).toContain('mirror.internal:5000/bitnami/kubectl:1.33.0');
    });

    it('rewrites registries', () => {
      expect(mirrored('quay.io/keycloak/keycloak:26.1.0', 'm:5000')).toBe('m:5000/keycloak/keycloak:26.1.0');
      expect(mirrored('docker.io/kong:3.9.0', 'm:5000')).toBe('m:5000/kong:3.9.0');
      expect(mirrored('kong:3.9.0', 'm:5000')).toBe('m:5000/kong:3.9.0');
    });
  });

  describe('doctor', () => {
    it('passes when the tools are there', async () => {
      const r = await workspace().run('doctor', '--json');
      expect(r.code).toBe(0);
      expect(JSON.parse(r.out).checks.map((c: { check: string; status: string }) => [c.check, c.status])).toEqual([
        ['terraform', 'ok'],
        ['helm', 'ok'],
        ['kubeconfig kind', 'ok'],
      ]);
    });

    it('says what to install or fix, and exits 1', async () => {
      const w = workspace();
      w.knob('version', '1.5.7');
      writeFileSync(w.config, CLI_CONFIG(join(w.dir, 'missing-kubeconfig')));
      const r = await w.run('doctor');
      expect(r.code).toBe(1);
      expect(r.out).toMatch(/missing {2}terraform: 1\.5\.7 is older than 1\.10 \(S3-native state locking\)\n {4}fix: upgrade Terraform or OpenTofu to 1\.10 or later/);
      expect(r.out).toMatch(/missing {2}kubeconfig kind: .*missing-kubeconfig does not exist/);
    });
  });

  describe('usage', () => {
    it('prints help and exits 0, or 2 for what it does not know', async () => {
      const w = workspace();
      expect((await w.run('--help')).out).toMatch(/^sandboxkit: create, list, extend, test and destroy sandbox instances/);
      expect((await w.run('instance', 'create', '--help')).out).toMatch(/--dry-run {10}plan only/);
      expect(await w.run('launch')).toMatchObject({ code: 2, err: expect.stringMatching(/unknown command "launch"/) });
      expect(await w.run('gc', '--force')).toMatchObject({ code: 2, err: expect.stringMatching(/gc: unknown option --force/) });
      expect(await w.run('instance', 'create', 'x', '--owner', 'e', '--blocks', 'redis')).toMatchObject({ code: 2, err: expect.stringMatching(/--cluster is required/) });
    });

    it('parses TTLs and plans', () => {
      expect(parseTtlHours('2d')).toBe(48);
      expect(parseTtlHours('36')).toBe(36);
      expect(parsePlan('not json\n{"type":"planned_change","change":{"resource":{"addr":"a.b"},"action":"delete"}}')).toEqual([{ address: 'a.b', action: 'delete', outside: false }]);
    });
  });
});
