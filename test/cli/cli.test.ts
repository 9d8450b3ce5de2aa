import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { join } from 'path';
import { parse } from 'yaml';
import { parsePlan } from '../../cli/commands/audit';
import { mirrored } from '../../cli/commands/bom';
import { parseTtlHours } from '../../cli/duration';
import { errorBlocks } from '../../cli/terraform';
import { toolBinary } from '../../cli/tools';
import { tempDir } from '../fixtures';
import { CLI_CONFIG, Workspace } from './stand-in';

const PAST = { createdAt: '2026-11-20T12:00:00Z', expiresAt: '2026-11-22T12:00:00Z' };
const FUTURE = { createdAt: '2026-11-23T10:00:00Z', expiresAt: '2026-11-25T10:00:00Z' };

function workspace(extra = ''): Workspace {
  const w = new Workspace('');
  writeFileSync(w.config, CLI_CONFIG(join(w.dir, 'kubeconfig')) + extra);
  return w;
}
const instancesOf = (w: Workspace) => (parse(w.configText()).instances ?? []).map((i: { name: string }) => i.name);
const stackJson = (w: Workspace, instance: string) =>
  JSON.parse(readFileSync(join(w.out, 'stacks', `instance-${instance}`, 'cdk.tf.json'), 'utf8'));

describe('sandboxkit CLI', () => {
  describe('instance create', () => {
    const create = [
      'instance',
      'create',
      'beta',
      '--cluster',
      'kind',
      '--owner',
      'eve',
      '--blocks',
      'postgresql,valkey',
      '--mocks',
      'email,sms',
      '--dataset',
      'minimal',
      '--ttl',
      '1d',
    ];

    it('records the instance, deploys only its stack, then appends it to the config without touching another byte', async () => {
      const w = workspace();
      const before = w.configText();
      const r = await w.run(...create, '--json');
      expect(r.code).toBe(0);
      expect(JSON.parse(r.out)).toEqual({
        instance: 'beta',
        cluster: 'kind',
        stack: 'instance-beta',
        action: 'created',
        ttlHours: 24,
        recordedIn: w.state,
        config: 'written',
      });
      expect(w.calls()).toEqual([
        'terraform instance-beta  init -input=false -no-color',
        'terraform instance-beta  apply -auto-approve -input=false -no-color -json',
        `kubectl --kubeconfig ${w.dir}/kubeconfig --context kind-kind annotate namespace beta --overwrite sandbox.dev/last-applied-at=2026-11-23T12:00:00Z`,
      ]);
      const after = w.configText();
      expect(after.startsWith(before)).toBe(true);
      expect(after.slice(before.length)).toBe(
        '  - name: beta\n    cluster: kind\n    owner: eve\n    ttlHours: 24\n    blocks:\n      - postgresql\n      - valkey\n    mocks:\n      - email\n      - sms\n    datasets:\n      - block: postgresql\n        variant: minimal\n',
      );
      expect(w.record('beta')).toMatchObject({
        status: 'deployed',
        instance: { name: 'beta', ttlHours: 24 },
        createdAt: '2026-11-23T12:00:00.000Z',
        expiresAt: '2026-11-24T12:00:00.000Z',
      });
      expect(existsSync(join(w.out, 'stacks', 'instance-beta', 'cdk.tf.json'))).toBe(true);
    });

    it("streams Terraform's progress while it runs: phase, resources done of total, elapsed time", async () => {
      const r = await workspace().run(...create);
      expect(r.err.split('\n')).toEqual(
        expect.arrayContaining([
          'init instance-beta ...',
          '  Initializing the backend...',
          'apply instance-beta: planning ...',
          'apply instance-beta: 2 to change (0.0s)',
          'apply instance-beta: applying ...',
          '  created kubernetes_namespace_v1.ns [1/2, 0.0s]',
          '  created helm_release.block [2/2, 0.0s]',
          'apply instance-beta done: 2/2 changes (0.0s)',
        ]),
      );
      expect(r.out).toBe('created instance beta on kind, expires in 24h\n');
    });

    it('plans without changing anything on --dry-run', async () => {
      const w = workspace();
      const before = w.configText();
      const r = await w.run(...create, '--dry-run');
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/planned \(nothing changed\) instance beta on kind/);
      expect(w.calls().map((c) => c.split('  ')[1].split(' ')[0])).toEqual(['init', 'plan']);
      expect(w.configText()).toBe(before);
      expect(w.record('beta')).toBeUndefined();
    });

    it("on a failed apply shows Terraform's error in full, leaves the config, and records the instance for destroy", async () => {
      const w = workspace();
      w.knob('fail-instance-beta');
      const before = w.configText();
      const r = await w.run(...create);
      expect(r.code).toBe(1);
      expect(r.err).toContain(
        'apply instance-beta failed after 0.0s (1/2 changes done):\nError: simulated failure of apply in instance-beta\n  with helm_release.block\n  the stand-in was told to fail',
      );
      expect(r.err).toMatch(
        /The config was not changed\. Run the same command again to retry; to remove what the failed apply created, run: sandboxkit instance destroy beta/,
      );
      expect(w.configText()).toBe(before);
      expect(w.record('beta')?.status).toBe('failed');

      w.unknob('fail-instance-beta');
      const destroyed = await w.run('instance', 'destroy', 'beta');
      expect(destroyed).toMatchObject({ code: 0, out: 'destroyed instance beta\n' });
      expect(w.record('beta')).toBeUndefined();
      expect(w.configText()).toBe(before);
    });

    it('says that providers could not be downloaded, and how to use a mirror, when init fails offline; no destroy hint', async () => {
      const w = workspace();
      w.knob(
        'offline',
        'Error: Failed to query available provider packages\n\nCould not retrieve the list of available versions for provider\nhashicorp/kubernetes: could not connect to registry.terraform.io: dial tcp: lookup\nregistry.terraform.io: no such host\n',
      );
      const r = await w.run(...create);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(
        /init instance-beta failed:\nError: Failed to query available provider packages\n\nCould not retrieve the list/,
      );
      expect(r.err).toMatch(/Terraform could not download the providers this stack needs/);
      expect(r.err).toMatch(/filesystem_mirror \{ path = "\/path\/to\/mirror" \}/);
      expect(r.err).toMatch(/TF_CLI_CONFIG_FILE/);
      expect(r.err).toMatch(/TF_PLUGIN_CACHE_DIR/);
      expect(r.err).toMatch(/nothing was created/);
      expect(r.err).not.toMatch(/instance destroy/);
      expect(w.calls().some((c) => /providers lock/.test(c))).toBe(false);
      w.unknob('offline');
      expect(await w.run(...create)).toMatchObject({ code: 0, out: 'created instance beta on kind, expires in 24h\n' });
    });

    it('points at doctor and the environment variable when terraform is missing', async () => {
      const w = workspace();
      w.env.SANDBOXKIT_TERRAFORM = join(w.dir, 'no-such-terraform');
      const r = await w.run(...create);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(
        /terraform could not be started .*\nInstall Terraform or OpenTofu 1\.10 or later, or set SANDBOXKIT_TERRAFORM to its path; `sandboxkit doctor` checks every tool/,
      );
    });

    it('prints a JSON error object on --json failures', async () => {
      const w = workspace();
      w.knob('fail-instance-beta');
      const r = await w.run(...create, '--json');
      expect(r.code).toBe(1);
      expect(JSON.parse(r.out)).toEqual({
        error: { kind: 'failed', exitCode: 1, message: expect.stringMatching(/^apply instance-beta failed/) },
      });
    });

    it.each([
      [
        ['--ttl', '31d'],
        /option '--ttl <duration>' argument '31d' is invalid\. must be between 1h and 720h \(30 days\), got 744h/,
      ],
      [
        ['--ttl', 'soon'],
        /option '--ttl <duration>' argument 'soon' is invalid\. must be hours or days such as 48h or 2d, got "soon"/,
      ],
      [
        ['--mocks', 'emial'],
        /argument 'emial' is invalid\. expected email, sms, payment, cloud, got "emial"; did you mean "email"\?/,
      ],
      [['--size', 'huge'], /argument 'huge' is invalid\. Allowed choices are small, medium, large/],
    ])('refuses %p as a flag value before touching anything', async (extra, message) => {
      const w = workspace();
      const r = await w.run(
        'instance',
        'create',
        'beta',
        '--cluster',
        'kind',
        '--owner',
        'eve',
        '--blocks',
        'valkey',
        ...extra,
      );
      expect(r.code).toBe(2);
      expect(r.err).toMatch(message);
      expect(r.err).toMatch(/Run 'sandboxkit instance create --help' for usage\./);
      expect(w.calls()).toEqual([]);
    });

    it('reports bad flag values against the flags, not against lines of the config file', async () => {
      const w = workspace();
      const r = await w.run(
        'instance',
        'create',
        'beta',
        '--cluster',
        'nowhere',
        '--owner',
        'eve',
        '--blocks',
        'postgress',
      );
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/--cluster: expected one of the declared clusters \(kind\), got "nowhere"/);
      expect(r.err).toMatch(/--blocks: unknown building block "postgress"; did you mean "postgresql"\?/);
      expect(r.err).not.toMatch(/sandbox\.yaml:\d+/);
      expect(w.calls()).toEqual([]);
    });

    it('refuses a name that exists, unless --update', async () => {
      const w = workspace();
      const r = await w.run('instance', 'create', 'alpha', '--cluster', 'kind', '--owner', 'eve', '--blocks', 'valkey');
      expect(r).toMatchObject({
        code: 2,
        err: expect.stringMatching(/instance "alpha" already exists; pass --update/),
      });
      expect(w.calls()).toEqual([]);
    });

    it('takes per-block values with --set and --values, into the config and the chart values', async () => {
      const w = workspace();
      const file = join(w.dir, 'values.yaml');
      writeFileSync(
        file,
        'postgresql:\n  primary:\n    resources: { requests: { cpu: 250m } }\n  image: { tag: from-file }\n',
      );
      const r = await w.run(
        'instance',
        'create',
        'beta',
        '--cluster',
        'kind',
        '--owner',
        'eve',
        '--blocks',
        'postgresql',
        '--values',
        file,
        '--set',
        'postgresql.image.tag=17.5.0',
        '--set',
        'postgresql.auth.enablePostgresUser=false',
      );
      expect(r.code).toBe(0);
      const values = {
        primary: { resources: { requests: { cpu: '250m' } } },
        image: { tag: '17.5.0' },
        auth: { enablePostgresUser: false },
      };
      expect(parse(w.configText()).instances[1].blocks).toEqual([{ name: 'postgresql', values }]);
      const release = Object.values(
        stackJson(w, 'beta').resource.helm_release as Record<string, { name: string; values: string[] }>,
      ).find((x) => x.name === 'postgresql')!;
      expect(JSON.parse(release.values[0])).toMatchObject(values);
    });

    it('refuses --set for a block the instance does not have', async () => {
      const r = await workspace().run(
        'instance',
        'create',
        'beta',
        '--cluster',
        'kind',
        '--owner',
        'eve',
        '--blocks',
        'postgresql',
        '--set',
        'postgres.image.tag=1',
      );
      expect(r).toMatchObject({
        code: 2,
        err: expect.stringMatching(
          /--set postgres\.image\.tag=1: "postgres" is not one of the instance's blocks \(postgresql\); did you mean "postgresql"\?/,
        ),
      });
    });

    it('with --keep-config leaves the file alone; the record makes the instance known to list, update and destroy', async () => {
      const w = workspace();
      const before = w.configText();
      const args = [
        'instance',
        'create',
        'pr-7',
        '--cluster',
        'kind',
        '--owner',
        'ci',
        '--blocks',
        'valkey',
        '--keep-config',
      ];
      expect((await w.run(...args)).out).toBe(
        `created instance pr-7 on kind, expires in 48h (recorded in ${w.state}; the config was not changed)\n`,
      );
      expect(w.configText()).toBe(before);
      expect(
        JSON.parse((await w.run('instance', 'list', '--json')).out).map((r: { name: string; source: string }) => [
          r.name,
          r.source,
        ]),
      ).toEqual([
        ['alpha', 'config'],
        ['pr-7', 'record'],
      ]);
      expect((await w.run(...args)).err).toMatch(/instance "pr-7" already exists; pass --update/);
      const updated = await w.run(...args, '--update', '--set', 'valkey.image.tag=pr-7-2');
      expect(updated).toMatchObject({ code: 0, out: expect.stringMatching(/^updated instance pr-7 on kind/) });
      expect(w.record('pr-7')?.instance.blocks).toEqual([{ name: 'valkey', values: { image: { tag: 'pr-7-2' } } }]);
      expect(await w.run('instance', 'destroy', 'pr-7')).toMatchObject({ code: 0 });
      expect(w.record('pr-7')).toBeUndefined();
      expect(w.configText()).toBe(before);
    });

    it('keeps all instances when creates run at once', async () => {
      const w = workspace();
      const args = (name: string) => [
        'instance',
        'create',
        name,
        '--cluster',
        'kind',
        '--owner',
        'eve',
        '--blocks',
        'valkey',
      ];
      const results = await Promise.all([w.run(...args('beta')), w.run(...args('gamma')), w.run(...args('delta'))]);
      expect(results.map((r) => r.code)).toEqual([0, 0, 0]);
      expect(instancesOf(w).sort()).toEqual(['alpha', 'beta', 'delta', 'gamma']);
      expect(existsSync(`${w.config}.lock`)).toBe(false);
    });
  });

  describe('instance list', () => {
    it('reports state from the outputs, as JSON or an aligned table with the Pod Security level, and filters expired ones', async () => {
      const legacy =
        'catalog:\n  - name: legacy\n    labels: { kind: app, version: 1.0.0 }\n    chart: { repository: https://charts.example.org, name: legacy, version: 1.0.0 }\n' +
        '    resources: { cpu: 100m, memory: 128Mi }\n    images: [example.org/legacy:1.0.0]\n    podSecurity: { level: baseline, reason: changes the owner of its volume at start }\n';
      const w = workspace(
        `  - { name: beta, cluster: kind, owner: eve, blocks: [valkey] }\n  - { name: gamma, cluster: kind, owner: joe, blocks: [seaweedfs, postgresql, legacy] }\n${legacy}`,
      );
      w.deployed('alpha', PAST);
      w.deployed('beta', FUTURE);
      const all = JSON.parse((await w.run('instance', 'list', '--json')).out);
      expect(all).toEqual([
        {
          name: 'alpha',
          cluster: 'kind',
          owner: 'dev',
          blocks: ['postgresql'],
          createdAt: PAST.createdAt,
          expiresAt: PAST.expiresAt,
          protected: false,
          state: 'expired',
          podSecurity: 'restricted',
          source: 'config',
        },
        {
          name: 'beta',
          cluster: 'kind',
          owner: 'eve',
          blocks: ['valkey'],
          createdAt: FUTURE.createdAt,
          expiresAt: FUTURE.expiresAt,
          protected: false,
          state: 'running',
          podSecurity: 'restricted',
          source: 'config',
        },
        {
          name: 'gamma',
          cluster: 'kind',
          owner: 'joe',
          blocks: ['seaweedfs', 'postgresql', 'legacy'],
          createdAt: null,
          expiresAt: null,
          protected: false,
          state: 'not deployed',
          podSecurity: 'baseline (legacy)',
          source: 'config',
        },
      ]);
      expect(
        JSON.parse((await w.run('instance', 'list', '--expired', '--json')).out).map((r: { name: string }) => r.name),
      ).toEqual(['alpha']);
      const table = (await w.run('instance', 'ls')).out.trimEnd().split('\n');
      expect(table[0]).toMatch(/^NAME\s+CLUSTER\s+OWNER\s+BLOCKS\s+CREATED\s+EXPIRES\s+STATE\s+POD SECURITY\s+SOURCE$/);
      expect(table[1]).toMatch(
        /^alpha\s+kind\s+dev\s+postgresql\s+3d 0h ago\s+1d 0h ago\s+expired\s+restricted\s+config$/,
      );
      expect(table[2]).toMatch(/^beta .* in 1d 22h\s+running\s+restricted\s+config$/);
      expect(table[3]).toMatch(/not deployed\s+baseline \(legacy\)\s+config$/);
      const column = (line: string) =>
        line.indexOf(line.includes('STATE') ? 'STATE' : line.match(/expired|running|not deployed/)![0]);
      expect(new Set(table.map(column)).size).toBe(1);
    });
  });

  describe('instance extend', () => {
    it('replaces the expiry through Terraform, so the same TTL moves it, and leaves the config as it was', async () => {
      const w = workspace();
      w.deployed('alpha', FUTURE);
      w.knob('expires', '2026-11-25T12:00:00Z');
      const before = w.configText();
      const r = await w.run('instance', 'extend', 'alpha', '--ttl', '48h', '--json');
      expect(r.code).toBe(0);
      expect(JSON.parse(r.out)).toEqual({ instance: 'alpha', ttlHours: 48, expiresAt: '2026-11-25T12:00:00Z' });
      const offsets = Object.keys(stackJson(w, 'alpha').resource.time_offset);
      expect(offsets).toHaveLength(1);
      expect(w.calls()).toContain(
        `terraform instance-alpha  apply -auto-approve -input=false -no-color -json -replace=time_offset.${offsets[0]}`,
      );
      expect(w.configText()).toBe(before);
      expect(w.record('alpha')).toMatchObject({ status: 'deployed', expiresAt: '2026-11-25T12:00:00.000Z' });
    });

    it('records a new TTL in the config, changing only that value', async () => {
      const w = workspace();
      w.deployed('alpha', FUTURE);
      const before = w.configText();
      expect((await w.run('instance', 'extend', 'alpha', '--ttl', '3d')).code).toBe(0);
      expect(w.configText()).toBe(before.replace('    mocks: [email]\n', '    mocks: [email]\n    ttlHours: 72\n'));
    });

    it('refuses an instance that was never deployed, without applying anything', async () => {
      const w = workspace();
      const r = await w.run('instance', 'extend', 'alpha', '--ttl', '2h');
      expect(r).toMatchObject({
        code: 2,
        err: expect.stringMatching(/instance "alpha" has not been deployed .*nothing to extend/),
      });
      expect(w.calls().filter((c) => / apply /.test(c))).toEqual([]);
    });

    it('refuses an unknown instance and a bad TTL', async () => {
      const w = workspace();
      expect(await w.run('instance', 'extend', 'omega', '--ttl', '2h')).toMatchObject({
        code: 2,
        err: expect.stringMatching(/unknown instance "omega": the config has alpha/),
      });
      expect(await w.run('instance', 'extend', 'alpha', '--ttl', '0h')).toMatchObject({
        code: 2,
        err: expect.stringMatching(/--ttl <duration>' argument '0h' is invalid\. must be between 1h and 720h/),
      });
      expect(w.calls()).toEqual([]);
    });
  });

  describe('instance destroy', () => {
    it('destroys, then removes the instance from the config and forgets its local state and record', async () => {
      const w = workspace();
      w.deployed('alpha', FUTURE);
      mkdirSync(w.state, { recursive: true });
      writeFileSync(join(w.state, 'instance-alpha.tfstate'), '{}');
      const r = await w.run('instance', 'destroy', 'alpha', '--json');
      expect(r.code).toBe(0);
      expect(JSON.parse(r.out)).toEqual({ instance: 'alpha', action: 'destroyed' });
      expect(w.calls()).toEqual([
        'terraform instance-alpha  init -input=false -no-color',
        'terraform instance-alpha  destroy -auto-approve -input=false -no-color -json',
      ]);
      expect(instancesOf(w)).toEqual([]);
      expect(w.configText()).toMatch(/\ninstances: \[\]\n/);
      expect(existsSync(join(w.state, 'instance-alpha.tfstate'))).toBe(false);
      expect(existsSync(join(w.out, 'stacks', 'instance-alpha'))).toBe(false);
    });
  });

  describe('gc', () => {
    const three =
      '  - { name: beta, cluster: kind, owner: eve, blocks: [valkey] }\n  - { name: gamma, cluster: kind, owner: joe, blocks: [seaweedfs] }\n';

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
      expect(r).toMatchObject({ code: 0, out: 'alpha: would destroy (expired)\n' });
      expect(w.calls().filter((c) => c.includes('destroy'))).toEqual([]);
    });

    it('finds instances in the state backend that neither the config nor a stack folder names, and failed creates', async () => {
      const w = workspace();
      const pr = { name: 'pr-9', cluster: 'kind', owner: 'ci', ttlHours: 2, blocks: ['valkey'] };
      mkdirSync(w.state, { recursive: true });
      const record = (instance: object, status: string) =>
        JSON.stringify({
          kind: 'sandboxkit-instance',
          instance,
          status,
          createdAt: PAST.createdAt,
          expiresAt: PAST.expiresAt,
          updatedAt: PAST.createdAt,
        });
      writeFileSync(join(w.state, 'instance-pr-9.sandboxkit.json'), record(pr, 'deployed'));
      writeFileSync(
        join(w.state, 'instance-pr-9.tfstate'),
        JSON.stringify({ version: 4, outputs: { expires_at: { value: PAST.expiresAt } } }),
      );
      writeFileSync(join(w.state, 'instance-pr-10.sandboxkit.json'), record({ ...pr, name: 'pr-10' }, 'failed'));
      writeFileSync(join(w.state, 'instance-stray.tfstate'), '{"version":4,"outputs":{}}');
      const r = await w.run('gc');
      expect(r.out.split('\n')).toEqual([
        'pr-10: destroyed (create failed)',
        'pr-9: destroyed (expired)',
        'stray: skipped (state without a record): neither the config nor a record describes it; destroy it with cdktf or terraform',
        '',
      ]);
      expect(r.code).toBe(0);
      expect(w.calls()).toContain('terraform instance-pr-9  destroy -auto-approve -input=false -no-color -json');
      expect(w.record('pr-9')).toBeUndefined();
      expect(existsSync(join(w.state, 'instance-pr-9.tfstate'))).toBe(false);
      expect(w.record('pr-10')).toBeUndefined();
    });

    it('lists the instance keys of an S3 state backend with the AWS CLI, and destroys what expired there', async () => {
      const w = new Workspace(
        'clusters:\n  - name: aws-main\n    cloud: aws\n    region: eu-west-1\n    kubernetesVersion: "1.33"\n    adminPrincipalArns: [arn:aws:iam::111122223333:role/admins]\n    state: { backend: s3, bucket: team-state, region: eu-west-1 }\n',
      );
      expect(
        (
          await w.run(
            'instance',
            'create',
            'pr-3',
            '--cluster',
            'aws-main',
            '--owner',
            'ci',
            '--blocks',
            'valkey',
            '--keep-config',
          )
        ).code,
      ).toBe(0);
      rmSync(w.out, { recursive: true, force: true });
      expect(await w.run('gc')).toMatchObject({ code: 0, out: 'no expired instances\n' });
      w.now = new Date('2026-11-26T12:00:00Z');
      const r = await w.run('gc');
      expect(r).toMatchObject({ code: 0, out: 'pr-3: destroyed (expired)\n' });
      expect(w.calls()).toContain(
        'aws s3api list-objects-v2 --bucket team-state --prefix sandboxkit/aws-main/instances/ --region eu-west-1 --output json',
      );
      expect(w.calls()).toContain('terraform instance-pr-3  destroy -auto-approve -input=false -no-color -json');
      expect(
        existsSync(join(w.dir, 's3', 'team-state', 'sandboxkit', 'aws-main', 'instances', 'pr-3.sandboxkit.json')),
      ).toBe(false);
    });

    it('does not destroy an instance that an extend running at the same time keeps alive', async () => {
      const w = workspace();
      w.deployed('alpha', PAST);
      w.knob('slow', '1');
      w.knob('expires', '2026-11-26T12:00:00Z');
      const extending = w.run('instance', 'extend', 'alpha', '--ttl', '72h');
      for (let i = 0; i < 400 && !w.calls().some((c) => / apply /.test(c)); i++)
        await new Promise((r) => setTimeout(r, 25));
      const collected = await w.run('gc', '--json');
      expect((await extending).code).toBe(0);
      expect(JSON.parse(collected.out).outcomes).toEqual([
        { instance: 'alpha', expiresAt: '2026-11-26T12:00:00Z', reason: 'extended meanwhile', result: 'kept' },
      ]);
      expect(w.calls().filter((c) => / destroy /.test(c))).toEqual([]);
      expect(instancesOf(w)).toEqual(['alpha']);
    });
  });

  describe('instance test', () => {
    it('reports each release from Helm’s own output: passed, no tests, rejected by admission, failed', async () => {
      const w = workspace(
        '  - { name: beta, cluster: kind, owner: eve, blocks: [postgresql, valkey, seaweedfs], mocks: [email] }\n',
      );
      w.knob(
        'helm-out-valkey',
        'NAME: valkey\nSTATUS: deployed\nTEST SUITE: None\nNOTES:\nTEST SUITE: in the notes\nPhase: Succeeded\n',
      );
      w.knob('helm-out-seaweedfs', 'NAME: seaweedfs\nTEST SUITE:     seaweedfs-test\nPhase:          Failed\n');
      w.knob('helm-err-seaweedfs', 'Error: 1 error occurred:\n\t* pod seaweedfs-test failed\n');
      w.knob('helm-exit-seaweedfs', '1');
      w.knob('helm-out-postgresql', '');
      w.knob(
        'helm-err-postgresql',
        'Error: 1 error occurred:\n\t* pods "postgresql-test" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false\n',
      );
      w.knob('helm-exit-postgresql', '1');
      const r = await w.run('instance', 'test', 'beta', '--json');
      expect(r.code).toBe(1);
      expect(JSON.parse(r.out)).toEqual({
        instance: 'beta',
        passed: 1,
        noTests: 1,
        failed: 2,
        results: [
          { release: 'mock-email', status: 'passed', tests: [{ name: 'mock-email-test', phase: 'Succeeded' }] },
          {
            release: 'postgresql',
            status: 'rejected',
            tests: [],
            detail:
              'pods "postgresql-test" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false',
            excluded: [
              {
                name: 'postgresql-ping-test',
                reason: expect.stringMatching(/restricted Pod Security refuses its pod/),
              },
            ],
          },
          {
            release: 'valkey',
            status: 'no tests',
            tests: [],
            excluded: [{ name: 'valkey-test-auth-existing', reason: expect.stringMatching(/no security context/) }],
          },
          {
            release: 'seaweedfs',
            status: 'failed',
            tests: [{ name: 'seaweedfs-test', phase: 'Failed' }],
            detail: 'pod seaweedfs-test failed',
          },
        ],
      });
      // Hooks come from the release record: they run as the instance's deployer, never as the admin running the CLI.
      const asDeployer = '--kube-as-user system:serviceaccount:sandbox-deployers:deployer-beta';
      expect(w.calls()[0]).toBe(
        `helm test mock-email --namespace beta --timeout 5m --kubeconfig ${join(w.dir, 'kubeconfig')} --kube-context kind-kind ${asDeployer}`,
      );
      // The catalog leaves out a chart test that can never be admitted, and says why.
      expect(w.calls()[1]).toBe(
        `helm test postgresql --namespace beta --timeout 5m --filter !name=postgresql-ping-test --kubeconfig ${join(w.dir, 'kubeconfig')} --kube-context kind-kind ${asDeployer}`,
      );
      const text = (await w.run('instance', 'test', 'beta')).out;
      expect(text).toMatch(/^ {2}left out: postgresql-ping-test: the chart's ping test runs alpine:3\.17 as root/m);
      expect(text).toMatch(/^valkey: no tests$/m);
      expect(text).toMatch(/^postgresql: rejected\n {2}pods "postgresql-test" is forbidden/m);
      expect(text).toMatch(/^1 of 4 releases passed, 2 failed, 1 without tests$/m);
    });
  });

  it('points at doctor and SANDBOXKIT_HELM when helm is missing', async () => {
    const w = workspace();
    w.env.SANDBOXKIT_HELM = join(w.dir, 'no-such-helm');
    const r = await w.run('instance', 'test', 'alpha', '--json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out).error.message).toBe(
      'helm could not be started: install Helm 3 or set SANDBOXKIT_HELM; `sandboxkit doctor` checks every tool this config needs',
    );
  });

  describe('audit', () => {
    it('is quiet and exits 0 when the stack matches the code', async () => {
      const w = workspace();
      w.knob('drift-platform-kind', '{"type":"version"}');
      expect(await w.run('audit', 'platform-kind')).toMatchObject({
        code: 0,
        out: 'platform-kind: in sync with the code\n',
      });
    });

    it('is in sync, exit 0, when only outputs are new', async () => {
      const w = workspace();
      w.knob(
        'drift-platform-kind',
        '{"type":"outputs","outputs":{"ingress_class":{"action":"create"}}}\n{"type":"change_summary","changes":{"add":0,"change":0,"remove":0,"operation":"plan"}}',
      );
      expect(await w.run('audit', 'platform-kind')).toMatchObject({
        code: 0,
        out: 'platform-kind: in sync with the code (the next apply records new outputs: ingress_class)\n',
      });
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
      expect(r.out).toBe(
        'platform-kind: 1 changed outside the code, 1 to change on the next apply\n  changed outside: kubernetes_namespace_v1.x (update)\n  apply would create: helm_release.y\n',
      );
    });

    it('refuses a stack the config does not have', async () => {
      expect(await workspace().run('audit', 'cluster-mars')).toMatchObject({
        code: 2,
        err: expect.stringMatching(/no stack named "cluster-mars"/),
      });
    });
  });

  describe('bom', () => {
    it("lists an instance's charts and images once each, by source name and under the registry mirror", async () => {
      const r = await workspace().run('bom', 'alpha', '--json');
      const bom = JSON.parse(r.out);
      expect(bom.charts).toEqual([
        { repository: 'sandboxkit (packaged)', name: 'mock-email', version: '0.2.0' },
        { repository: 'https://cloudnative-pg.github.io/charts', name: 'cluster', version: '0.8.1' },
      ]);
      expect(bom.images).toEqual(
        expect.arrayContaining(['ghcr.io/cloudnative-pg/postgresql:18.3', 'docker.io/axllent/mailpit:v1.30.5']),
      );
      expect(new Set(bom.images).size).toBe(bom.images.length);
      expect(bom.mirror.map((m: { mirror: string }) => m.mirror)).toEqual(
        expect.arrayContaining([
          'mirror.internal:5000/cloudnative-pg/postgresql:18.3',
          'mirror.internal:5000/axllent/mailpit:v1.30.5',
        ]),
      );
      expect(bom.mirror.every((m: { mirror: string }) => m.mirror.startsWith('mirror.internal:5000/'))).toBe(true);
    });

    it('lists exactly the charts the cluster platform installs, in aligned columns', async () => {
      const w = workspace();
      const bom = JSON.parse((await w.run('bom', '--cluster', 'kind', '--json')).out);
      expect(bom.charts.map((c: { name: string }) => c.name)).toEqual([
        'gateway-helm',
        'cert-manager',
        'cloudnative-pg',
        'platform-resources',
        'instance-reaper',
        'tenant-policies',
      ]);
      expect(bom.images).toContain('docker.io/alpine/kubectl:1.34.2');
      expect(bom.unknownImages).toEqual([]);
      expect(
        bom.images.filter((i: string) =>
          /envoyproxy\/gateway:|cert-manager-controller|cloudnative-pg\/cloudnative-pg:/.test(i),
        ),
      ).toHaveLength(3);
      const lines = (await w.run('bom', '--cluster', 'kind')).out.split('\n');
      const header = lines.find((l) => l.startsWith('CHART'))!;
      const row = lines.find((l) => l.startsWith('cert-manager'))!;
      expect(row.indexOf('v1.')).toBe(header.indexOf('VERSION'));
    });

    it('says to give an instance or --cluster', async () => {
      expect(await workspace().run('bom')).toMatchObject({
        code: 2,
        err: expect.stringMatching(
          /give an instance \(sandboxkit bom <instance>\) or a cluster \(sandboxkit bom --cluster <name>\)/,
        ),
      });
    });

    it('rewrites registries', () => {
      expect(mirrored('quay.io/keycloak/keycloak:26.1.0', 'm:5000')).toBe('m:5000/keycloak/keycloak:26.1.0');
      expect(mirrored('docker.io/kong:3.9.0', 'm:5000')).toBe('m:5000/kong:3.9.0');
      expect(mirrored('kong:3.9.0', 'm:5000')).toBe('m:5000/kong:3.9.0');
    });
  });

  describe('doctor', () => {
    it('passes when the tools are there, with their versions', async () => {
      const r = await workspace().run('doctor', '--json');
      expect(r.code).toBe(0);
      expect(
        JSON.parse(r.out).checks.map((c: { check: string; status: string; version?: string }) => [
          c.check,
          c.status,
          c.version,
        ]),
      ).toEqual([
        ['terraform', 'ok', '1.11.4'],
        ['helm', 'ok', '3.19.5'],
        ['kubectl', 'ok', '1.34.1'],
        ['kubeconfig kind', 'ok', undefined],
      ]);
    });

    it('says what to install or fix in aligned columns, and exits 1', async () => {
      const w = workspace();
      w.knob('version', '1.5.7');
      writeFileSync(w.config, CLI_CONFIG(join(w.dir, 'missing-kubeconfig')));
      const r = await w.run('doctor');
      expect(r.code).toBe(1);
      const lines = r.out.split('\n');
      expect(lines[0]).toMatch(/^STATUS\s+CHECK\s+VERSION\s+DETAIL$/);
      expect(lines[1]).toMatch(
        /^missing\s+terraform\s+1\.5\.7\s+.*fake-terraform is 1\.5\.7; 1\.10 or later is needed$/m,
      );
      expect(new Set(lines.slice(0, 5).map((l) => l.search(/(VERSION|1\.5\.7|3\.19\.5|1\.34\.1|- )/))).size).toBe(1);
      expect(r.out).toMatch(
        /To fix:\n {2}terraform: install Terraform or OpenTofu 1\.10 or later; plans and applies every stack \(1\.10\+ for S3-native state locking\)\n {2}kubeconfig kind: create the cluster/,
      );
    });

    it("finds helm in the project's .tools/bin when it is not on PATH, after the variable and PATH", () => {
      const dir = tempDir('tools-');
      mkdirSync(join(dir, '.tools', 'bin'), { recursive: true });
      writeFileSync(join(dir, '.tools', 'bin', 'helm'), '#!/bin/sh\n', { mode: 0o755 });
      expect(toolBinary('helm', { PATH: '/nonexistent' }, dir)).toBe(join(dir, '.tools', 'bin', 'helm'));
      expect(toolBinary('helm', { PATH: '/nonexistent', SANDBOXKIT_HELM: '/opt/helm' }, dir)).toBe('/opt/helm');
      expect(toolBinary('helm', { PATH: join(dir, '.tools', 'bin') }, '/')).toBe(join(dir, '.tools', 'bin', 'helm'));
    });

    it('refuses the AWS CLI v1 for an AWS cluster', async () => {
      const w = workspace();
      writeFileSync(w.config, readFileSync(join(__dirname, '..', '..', 'examples', 'sandbox.yaml'), 'utf8'));
      w.knob('aws-version', 'aws-cli/1.45.11 Python/3.11.7 Linux/6.1 botocore/1.43.11');
      const checks = JSON.parse((await w.run('doctor', '--json')).out).checks as {
        check: string;
        status: string;
        detail: string;
        fix?: string;
      }[];
      expect(checks.find((c) => c.check === 'aws')).toMatchObject({
        status: 'missing',
        detail: expect.stringMatching(/is 1\.45\.11; 2 or later is needed$/),
        fix: expect.stringMatching(/AWS CLI v2/),
      });
    });
  });

  describe('parsing helpers', () => {
    it("shows each of Terraform's errors in full once, counting repeats", () => {
      const text =
        'Initializing...\n\nError: Failed to query available provider packages\n\nCould not retrieve hashicorp/random\n\nError: Failed to query available provider packages\n\nCould not retrieve hashicorp/time\n';
      expect(errorBlocks(text)).toBe(
        'Error: Failed to query available provider packages\n\nCould not retrieve hashicorp/random\n(1 more of the same error)',
      );
    });

    it('parses TTLs and plans', () => {
      expect(parseTtlHours('2d')).toBe(48);
      expect(parseTtlHours('36')).toBe(36);
      expect(
        parsePlan('not json\n{"type":"planned_change","change":{"resource":{"addr":"a.b"},"action":"delete"}}'),
      ).toEqual({ changes: [{ address: 'a.b', action: 'delete', outside: false }], outputs: [] });
    });
  });
});
