import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { join } from 'path';
import { parse } from 'yaml';
import { CLI_CONFIG, Workspace } from './stand-in';

const PAST = { createdAt: '2026-11-20T12:00:00Z', expiresAt: '2026-11-22T12:00:00Z' };
const FUTURE = { createdAt: '2026-11-23T10:00:00Z', expiresAt: '2026-11-25T10:00:00Z' };
const EXAMPLES = join(__dirname, '..', '..', 'examples');

function workspace(extra = ''): Workspace {
  const w = new Workspace('');
  writeFileSync(w.config, CLI_CONFIG(join(w.dir, 'kubeconfig')) + extra);
  return w;
}
const instancesOf = (w: Workspace) => (parse(w.configText()).instances ?? []).map((i: { name: string }) => i.name);
const stackJson = (w: Workspace, instance: string) =>
  JSON.parse(readFileSync(join(w.out, 'stacks', `instance-${instance}`, 'cdk.tf.json'), 'utf8'));
const applies = (w: Workspace) => w.calls().filter((c) => /^terraform \S+ {2}apply /.test(c));

describe('sandboxkit instance extend', () => {
  it('replaces the expiry through Terraform, so the same TTL moves it, and leaves the config as it was', async () => {
    const w = workspace();
    w.deployed('alpha', FUTURE);
    const before = w.configText();
    const r = await w.run('instance', 'extend', 'alpha', '--ttl', '48h', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({
      instance: 'alpha',
      action: 'extended',
      ttlHours: 48,
      previousExpiresAt: FUTURE.expiresAt,
      expiresAt: '2026-11-25T12:00:00Z',
      config: 'unchanged',
    });
    const offsets = Object.keys(stackJson(w, 'alpha').resource.time_offset);
    expect(offsets).toHaveLength(1);
    expect(w.calls()).toContain(
      `terraform instance-alpha  apply -auto-approve -input=false -no-color -json -replace=time_offset.${offsets[0]}`,
    );
    expect(w.configText()).toBe(before);
    // An instance deployed without the CLI gets a record from now on, with the extend in its history.
    expect(w.record('alpha')).toMatchObject({
      origin: 'config',
      status: { phase: 'ready', expiresAt: '2026-11-25T12:00:00Z' },
      history: [
        {
          action: 'extend',
          outcome: 'succeeded',
          by: 'tester',
          detail: 'ttlHours 48 -> 48, expires 2026-11-25T12:00:00Z',
        },
      ],
    });
  });

  it('writes a new TTL into the config only with --write-config, changing only that value', async () => {
    const w = workspace();
    w.deployed('alpha', FUTURE);
    const before = w.configText();
    expect((await w.run('instance', 'extend', 'alpha', '--ttl', '3d')).code).toBe(0);
    expect(w.configText()).toBe(before);
    expect((await w.run('instance', 'extend', 'alpha', '--ttl', '3d', '--write-config')).code).toBe(0);
    expect(w.configText()).toBe(before.replace('    mocks: [email]\n', '    mocks: [email]\n    ttlHours: 72\n'));
  });

  it('refuses a failed create, naming the command that fixes it, without applying or moving the expiry', async () => {
    const w = workspace();
    w.knob('fail-instance-beta');
    expect((await w.run('instance', 'create', 'beta', '--blocks', 'valkey')).code).toBe(1);
    w.unknob('fail-instance-beta');
    const expiry = w.record('beta')?.status.expiresAt;
    const before = applies(w).length;
    const r = await w.run('instance', 'extend', 'beta', '--ttl', '72h');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(
      /instance "beta" is failed: its create did not finish \(create failed: apply instance-beta failed.*\), so there is nothing to extend; fix its spec and run `sandboxkit instance apply -f <spec>` \(or `sandboxkit instance create beta --update \.\.\.`\), or remove it with `sandboxkit instance destroy beta`/,
    );
    expect(applies(w)).toHaveLength(before);
    expect(w.record('beta')?.status.expiresAt).toBe(expiry);
  });

  it('refuses an instance that was never deployed, without applying anything', async () => {
    const w = workspace();
    const r = await w.run('instance', 'extend', 'alpha', '--ttl', '2h');
    expect(r).toMatchObject({
      code: 1,
      err: expect.stringMatching(
        /instance "alpha" is pending: it has not been deployed, so there is nothing to extend/,
      ),
    });
    expect(applies(w)).toEqual([]);
  });

  it('refuses a bad TTL before touching anything', async () => {
    const w = workspace();
    expect(await w.run('instance', 'extend', 'alpha', '--ttl', '0h')).toMatchObject({
      code: 2,
      err: expect.stringMatching(/--ttl <duration>' argument '0h' is invalid\. must be between 1h and 720h/),
    });
    expect(w.calls()).toEqual([]);
  });

  it('plans on --dry-run, showing the expiry it replaces', async () => {
    const w = workspace();
    w.deployed('alpha', FUTURE);
    const r = await w.run('instance', 'extend', 'alpha', '--ttl', '8h', '--dry-run');
    expect(r.out).toMatch(/^planned extending alpha to 8h from now \(nothing changed\)/);
    expect(applies(w)).toEqual([]);
    expect(w.record('alpha')).toBeUndefined();
  });
});

describe('sandboxkit instance destroy', () => {
  it('asks at a terminal, destroys on the name, keeps the record as gone with the history, and removes the state', async () => {
    const w = workspace();
    expect((await w.run('instance', 'create', 'beta', '--blocks', 'valkey')).code).toBe(0);
    mkdirSync(w.state, { recursive: true });
    writeFileSync(join(w.state, 'instance-beta.tfstate'), '{}');
    w.answers = ['beta'];
    const r = await w.run('instance', 'destroy', 'beta');
    expect({ code: r.code, err: r.code ? r.err : '' }).toEqual({ code: 0, err: '' });
    expect(w.asked).toEqual([
      'Destroy instance beta on cluster kind (namespace beta, ready, 1 releases)? Type the instance name to confirm: ',
    ]);
    expect(r.out).toBe('destroyed instance beta\n');
    expect(w.record('beta')).toMatchObject({ status: { phase: 'gone' } });
    expect(w.record('beta')?.history.map((h) => `${h.action} ${h.outcome}`)).toEqual([
      'create succeeded',
      'destroy succeeded',
    ]);
    expect(existsSync(join(w.state, 'instance-beta.tfstate'))).toBe(false);
    expect(existsSync(join(w.out, 'stacks', 'instance-beta'))).toBe(false);
    expect(await w.run('instance', 'get', 'beta')).toMatchObject({ code: 1 });
    expect(JSON.parse((await w.run('instance', 'list', '--all', '-o', 'json')).out)[1]).toMatchObject({
      name: 'beta',
      phase: 'gone',
    });
  });

  it('does nothing on another answer; with --yes, or with nobody at a terminal to ask, it does not ask', async () => {
    const w = workspace();
    w.deployed('alpha', FUTURE);
    w.answers = ['no'];
    expect(await w.run('instance', 'destroy', 'alpha')).toMatchObject({ code: 1, err: 'not destroyed\n' });
    expect(w.calls().filter((c) => / destroy /.test(c))).toEqual([]);
    expect(await w.run('instance', 'destroy', 'alpha', '--yes')).toMatchObject({ code: 0 });
    w.answers = [];
    w.deployed('alpha', FUTURE);
    expect(await w.run('instance', 'destroy', 'alpha')).toMatchObject({ code: 0 });
    expect(w.asked).toHaveLength(1);
  });

  it('never edits the config file unless asked: a hand-written entry stays', async () => {
    const w = workspace();
    w.deployed('alpha', FUTURE);
    const before = w.configText();
    expect((await w.run('instance', 'destroy', 'alpha', '--yes')).code).toBe(0);
    expect(w.configText()).toBe(before);
    expect(JSON.parse((await w.run('instance', 'list', '-o', 'json')).out)[0]).toMatchObject({
      name: 'alpha',
      phase: 'pending',
      reason: 'declared in the config, not deployed',
    });
    w.deployed('alpha', FUTURE);
    expect((await w.run('instance', 'destroy', 'alpha', '--yes', '--write-config')).code).toBe(0);
    expect(instancesOf(w)).toEqual([]);
    expect(w.configText()).toMatch(/\ninstances: \[\]\n/);
  });

  it('shows what would be destroyed on --dry-run', async () => {
    const w = workspace();
    w.deployed('alpha', FUTURE);
    const r = await w.run('instance', 'destroy', 'alpha', '--dry-run');
    expect(r).toMatchObject({
      code: 0,
      out: 'planned destroying instance alpha (nothing changed): 0 to add, 0 to change, 1 to destroy\n  - kubernetes_namespace_v1.ns\n',
    });
    expect(w.calls()).toContain('terraform instance-alpha  plan -input=false -no-color -json -destroy');
  });
});

describe('instance group members', () => {
  const groupConfig = () => readFileSync(join(EXAMPLES, 'dss.yaml'), 'utf8').replace(/protected: true, /g, '');

  it('are extended, destroyed and listed in a bill of materials like any instance', async () => {
    const w = new Workspace(groupConfig());
    w.deployed('dss-us-east', FUTURE);
    const extended = await w.run('instance', 'extend', 'dss-us-east', '--ttl', '8h');
    expect({ code: extended.code, err: extended.code ? extended.err : '' }).toEqual({ code: 0, err: '' });
    // The member's stack knows the whole group: every node of every member to join (four members of three nodes).
    expect(stackJson(w, 'dss-us-east').output.pool_join.value).toHaveLength(12);
    expect((await w.run('bom', 'dss-us-east', '--json')).code).toBe(0);
    expect((await w.run('instance', 'destroy', 'dss-us-east', '--yes')).code).toBe(0);
  });
});

describe('sandboxkit gc', () => {
  const three =
    '  - { name: beta, cluster: kind, owner: eve, blocks: [valkey] }\n  - { name: gamma, cluster: kind, owner: joe, blocks: [seaweedfs] }\n';

  it('destroys every expired instance, carries on past a failure, reports all outcomes, and leaves the config', async () => {
    const w = workspace(three);
    w.deployed('alpha', PAST);
    w.deployed('beta', PAST);
    w.deployed('gamma', FUTURE);
    w.knob('fail-instance-alpha');
    const before = w.configText();
    const r = await w.run('gc', '--json');
    expect(r.code).toBe(1);
    const report = JSON.parse(r.out);
    expect(report).toMatchObject({ expired: 2, failed: 1 });
    expect(report.outcomes.map((o: { instance: string; result: string }) => [o.instance, o.result])).toEqual([
      ['alpha', 'failed'],
      ['beta', 'destroyed'],
    ]);
    expect(report.outcomes[0].error).toMatch(/simulated failure of destroy in instance-alpha/);
    expect(w.configText()).toBe(before);
    expect(w.record('beta')?.history.map((h) => `${h.action} ${h.outcome} ${h.by}`)).toEqual(['gc succeeded tester']);
  });

  it('only reports on --dry-run, and offers a failed create', async () => {
    const w = workspace(three);
    w.deployed('alpha', PAST);
    w.knob('fail-instance-delta');
    expect((await w.run('instance', 'create', 'delta', '--blocks', 'valkey')).code).toBe(1);
    w.deployed('delta', FUTURE);
    const r = await w.run('gc', '--dry-run');
    expect(r).toMatchObject({ code: 0, out: 'alpha: would destroy (expired)\ndelta: would destroy (create failed)\n' });
    expect(w.calls().filter((c) => / destroy /.test(c))).toEqual([]);
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
    writeFileSync(join(w.state, 'instance-pr-9.tfstate'), '{"version":4}');
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
    expect(w.record('pr-9')?.status.phase).toBe('gone');
    expect(existsSync(join(w.state, 'instance-pr-9.tfstate'))).toBe(false);
    expect(w.record('pr-10')?.status.phase).toBe('gone');
  });

  it('removes what a failed create left outside the state, which its destroy does not see', async () => {
    const w = workspace();
    w.knob('fail-instance-beta');
    expect((await w.run('instance', 'create', 'beta', '--blocks', 'valkey')).code).toBe(1);
    w.unknob('fail-instance-beta');
    w.world((x) => (x.tfstate['instance-beta'] = []));
    expect(await w.run('gc')).toMatchObject({ code: 0, out: 'beta: destroyed (create failed)\n' });
    expect(w.world().namespaces.beta).toBeUndefined();
    expect(w.record('beta')?.history.at(-1)).toMatchObject({
      action: 'gc',
      detail: 'also removed namespace beta with everything in it, left outside the state',
    });
  });

  it('forgets the records of instances destroyed more than 30 days ago', async () => {
    const w = workspace();
    expect((await w.run('instance', 'create', 'beta', '--blocks', 'valkey')).code).toBe(0);
    expect((await w.run('instance', 'destroy', 'beta', '--yes')).code).toBe(0);
    expect(await w.run('gc')).toMatchObject({ out: 'nothing to collect: no expired instance and no failed create\n' });
    w.now = new Date('2026-12-24T12:00:00Z');
    expect(await w.run('gc')).toMatchObject({ out: 'beta: forgotten (destroyed more than 30 days ago)\n' });
    expect(w.record('beta')).toBeUndefined();
  });

  it('lists the instance keys of an S3 state backend with the AWS CLI, and destroys what expired there', async () => {
    const w = new Workspace(
      'clusters:\n  - name: aws-main\n    cloud: aws\n    region: eu-west-1\n    kubernetesVersion: "1.33"\n    adminPrincipalArns: [arn:aws:iam::111122223333:role/admins]\n    state: { backend: s3, bucket: team-state, region: eu-west-1 }\n',
    );
    expect((await w.run('instance', 'create', 'pr-3', '--owner', 'ci', '--blocks', 'valkey')).code).toBe(0);
    rmSync(w.out, { recursive: true, force: true });
    expect(await w.run('gc')).toMatchObject({
      code: 0,
      out: 'nothing to collect: no expired instance and no failed create\n',
    });
    w.now = new Date('2026-11-26T12:00:00Z');
    const r = await w.run('gc');
    expect(r).toMatchObject({ code: 0, out: 'pr-3: destroyed (expired)\n' });
    expect(w.calls()).toContain(
      'aws s3api list-objects-v2 --bucket team-state --prefix sandboxkit/aws-main/instances/ --region eu-west-1 --output json',
    );
    expect(w.calls()).toContain(
      'terraform instance-pr-3  destroy -auto-approve -input=false -no-color -json -refresh=false',
    );
    const key = join(w.dir, 's3', 'team-state', 'sandboxkit', 'aws-main', 'instances', 'pr-3.sandboxkit.json');
    expect(JSON.parse(readFileSync(key, 'utf8')).status.phase).toBe('gone');
  });

  it('does not destroy an instance that an extend running at the same time keeps alive', async () => {
    const w = workspace();
    w.deployed('alpha', PAST);
    // Long enough for gc to list the instance as expired while the extend's apply is still running.
    w.knob('slow', '5');
    w.knob('expires', '2026-11-26T12:00:00Z');
    const extending = w.run('instance', 'extend', 'alpha', '--ttl', '72h');
    for (let i = 0; i < 400 && !w.calls().some((c) => / apply /.test(c)); i++)
      await new Promise((r) => setTimeout(r, 25));
    const collected = await w.run('gc', '--json');
    expect((await extending).code).toBe(0);
    expect(JSON.parse(collected.out).outcomes).toEqual([
      {
        instance: 'alpha',
        expiresAt: '2026-11-26T12:00:00Z',
        reason: 'ready now (extended meanwhile?)',
        result: 'kept',
      },
    ]);
    expect(w.calls().filter((c) => / destroy /.test(c))).toEqual([]);
    expect(instancesOf(w)).toEqual(['alpha']);
  });
});
