import { readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { CLI_CONFIG, Workspace } from './stand-in';

const EXAMPLES = join(__dirname, '..', '..', 'examples');

function workspace(extra = ''): Workspace {
  const w = new Workspace('');
  writeFileSync(w.config, CLI_CONFIG(join(w.dir, 'kubeconfig')) + extra);
  return w;
}
/** Writes a spec file into the workspace and returns its path. */
function spec(w: Workspace, text: string, name = 'spec.yaml'): string {
  const file = join(w.dir, name);
  writeFileSync(file, text);
  return file;
}
const stackJson = (w: Workspace, instance: string) =>
  JSON.parse(readFileSync(join(w.out, 'stacks', `instance-${instance}`, 'cdk.tf.json'), 'utf8'));

describe('sandboxkit instance apply -f', () => {
  it('creates an instance from a spec file, with fields no flag has, and leaves the config alone', async () => {
    const w = workspace();
    const before = w.configText();
    const file = spec(
      w,
      `name: web
blocks: [postgresql, keycloak]
mocks: [email]
ttlHours: 8
ownerGroup: sandbox-devs
workingHours: Mon-Fri 07:00-19:00 Europe/Berlin
allowInternetEgress: true
quota: { cpu: "3" }
`,
    );
    const r = await w.run('instance', 'apply', '-f', file);
    expect({ code: r.code, err: r.code ? r.err : '' }).toEqual({ code: 0, err: '' });
    expect(r.out).toMatch(/^created instance web on kind: ready\n/);
    expect(w.record('web')?.spec).toEqual({
      name: 'web',
      cluster: 'kind',
      owner: 'tester',
      blocks: ['postgresql', 'keycloak'],
      mocks: ['email'],
      ttlHours: 8,
      ownerGroup: 'sandbox-devs',
      workingHours: 'Mon-Fri 07:00-19:00 Europe/Berlin',
      allowInternetEgress: true,
      quota: { cpu: '3' },
    });
    const ns = Object.values(stackJson(w, 'web').resource.kubernetes_namespace_v1)[0] as any;
    expect(ns.metadata.annotations).toMatchObject({ 'sandbox.dev/working-hours': 'Mon-Fri 07:00-19:00 Europe/Berlin' });
    expect(JSON.stringify(stackJson(w, 'web').resource.kubernetes_role_binding_v1)).toContain('sandbox-devs');
    expect(w.configText()).toBe(before);
  });

  it('merges a spec into the stored one: a field not named keeps its value, null removes one, a list replaces', async () => {
    const w = workspace();
    spec(
      w,
      'name: web\nblocks: [postgresql, valkey]\nmocks: [email, sms]\nttlHours: 8\nworkingHours: Mon-Fri 07:00-19:00 Europe/Berlin\n',
    );
    expect((await w.run('instance', 'apply', '-f', join(w.dir, 'spec.yaml'))).code).toBe(0);
    const patch = spec(
      w,
      'name: web\nmocks: [email]\nworkingHours: null\naddBlocks:\n  - { name: valkey, values: { image: { tag: "9.1" } } }\n',
      'patch.yaml',
    );
    const r = await w.run('instance', 'apply', '-f', patch, '-o', 'json');
    expect({ code: r.code, err: r.code ? r.err : '' }).toEqual({ code: 0, err: '' });
    expect(JSON.parse(r.out)).toMatchObject({ action: 'updated', changedFields: ['blocks', 'mocks', 'workingHours'] });
    expect(w.record('web')?.spec).toEqual({
      name: 'web',
      cluster: 'kind',
      owner: 'tester',
      blocks: ['postgresql', { name: 'valkey', values: { image: { tag: '9.1' } } }],
      mocks: ['email'],
      ttlHours: 8,
    });
    expect(w.record('web')?.history.map((h) => `${h.action} ${h.outcome} ${h.detail ?? ''}`.trim())).toEqual([
      'create succeeded',
      'update succeeded changed blocks, mocks, workingHours',
    ]);
  });

  it('reports problems at the lines of the spec file, the same checks as the config', async () => {
    const w = workspace();
    const file = spec(w, 'name: web\nblocks:\n  - postgresql\n  - postgress\nmocks: [email]\nttlHours: 0\nbogus: 1\n');
    const r = await w.run('instance', 'apply', '-f', file);
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      `invalid instance spec ${file}: 3 problems\n` +
        `  ${file}:4:5: blocks[1]: unknown building block "postgress"; did you mean "postgresql"?\n` +
        `  ${file}:6:11: ttlHours: must be at least 1, got 0\n` +
        `  ${file}:7:1: unknown key "bogus"\n`,
    );
    expect(w.calls()).toEqual([]);
    expect(w.record('web')).toBeUndefined();
  });

  it('reads the document `instance get -o yaml` prints, and several documents in one file', async () => {
    const w = workspace();
    const file = spec(
      w,
      'kind: Instance\nspec: { name: one, blocks: [valkey] }\nstatus: { phase: ready }\n---\nname: two\nblocks: [valkey]\n',
    );
    const r = await w.run('instance', 'apply', '-f', file);
    expect({ code: r.code, err: r.code ? r.err : '' }).toEqual({ code: 0, err: '' });
    expect([w.record('one')?.status.phase, w.record('two')?.status.phase]).toEqual(['ready', 'ready']);
  });

  it('refuses to move an instance to another cluster', async () => {
    const w = workspace();
    expect((await w.run('instance', 'apply', '-f', spec(w, 'name: web\nblocks: [valkey]\n'))).code).toBe(0);
    expect(await w.run('instance', 'apply', '-f', spec(w, 'name: web\ncluster: other\n', 'b.yaml'))).toMatchObject({
      code: 2,
      err: expect.stringMatching(/cluster: instance "web" is on cluster "kind"; an instance cannot move/),
    });
  });

  it('plans on --dry-run, recording and writing nothing', async () => {
    const w = workspace();
    const r = await w.run('instance', 'apply', '-f', spec(w, 'name: web\nblocks: [valkey]\n'), '--dry-run');
    expect(r.out).toMatch(/^planned instance web on kind \(nothing changed\)/);
    expect(w.record('web')).toBeUndefined();
  });
});

describe('updating an instance from flags', () => {
  /** The Ebury example, on a stand-in S3 backend. */
  const ebury = () => new Workspace(readFileSync(join(EXAMPLES, 'ebury.yaml'), 'utf8'));

  it('keeps what no flag names: cloud resources, blocks the template adds, mocks, size and the TTL', async () => {
    const w = ebury();
    const r = await w.run('instance', 'create', 'pr-1234', '--update', '--set', 'ledger.image.tag=pr-1234-2');
    expect({ code: r.code, err: r.code ? r.err : '' }).toEqual({ code: 0, err: '' });
    const record = JSON.parse(
      readFileSync(
        join(
          w.dir,
          's3',
          'ebury-sandbox-state-111122223333',
          'sandboxkit',
          'ebury',
          'instances',
          'pr-1234.sandboxkit.json',
        ),
        'utf8',
      ),
    );
    expect(record.spec).toMatchObject({
      ttlHours: 8,
      size: 'small',
      mocks: ['email', 'sms', 'cloud'],
      cloudResources: { source: 'mock', objectStorage: true, queue: true },
    });
    expect(record.spec.blocks.map((b: any) => (typeof b === 'string' ? b : b.name))).toEqual(['postgresql', 'ledger']);
    expect(record.spec.blocks[1].values).toMatchObject({ image: { tag: 'pr-1234-2' } });
  });

  it('keeps the fields of a deployed instance when a later update names others', async () => {
    const w = ebury();
    expect((await w.run('instance', 'create', 'fx-team', '--update')).code).toBe(0);
    const r = await w.run('instance', 'create', 'fx-team', '--update', '--ttl', '12h', '-o', 'json');
    expect({ code: r.code, err: r.code ? r.err : '' }).toEqual({ code: 0, err: '' });
    expect(JSON.parse(r.out)).toMatchObject({ action: 'updated', changedFields: ['ttlHours'] });
    const stack = stackJson(w, 'fx-team');
    expect(Object.keys(stack.resource)).toEqual(
      expect.arrayContaining(['aws_s3_bucket', 'aws_sqs_queue', 'aws_dynamodb_table']),
    );
    expect(Object.values(stack.resource.helm_release).map((h: any) => h.name)).toContain('keycloak');
  });

  it('removes a field with --unset, and refuses one the spec does not have', async () => {
    const w = workspace();
    expect((await w.run('instance', 'create', 'web', '--blocks', 'valkey', '--size', 'medium')).code).toBe(0);
    expect((await w.run('instance', 'create', 'web', '--update', '--unset', 'size')).code).toBe(0);
    expect(w.record('web')?.spec.size).toBeUndefined();
    expect(await w.run('instance', 'create', 'web', '--update', '--unset', 'sise')).toMatchObject({
      code: 2,
      err: expect.stringMatching(/--unset sise: expected a field of the instance spec .*; did you mean "size"\?/),
    });
  });
});
