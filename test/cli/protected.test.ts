import { mkdirSync, writeFileSync } from 'fs';
import { join } from 'path';
import { CLI_CONFIG, Workspace } from './stand-in';

const PAST = { createdAt: '2026-11-20T12:00:00Z', expiresAt: '2026-11-22T12:00:00Z' };

/** alpha (expired) and a protected staging instance on a cluster that allows it. */
function workspace(): Workspace {
  const w = new Workspace('');
  const base = CLI_CONFIG(join(w.dir, 'kubeconfig')).replace(
    'storageClasses: { blockRwo: standard }',
    'storageClasses: { blockRwo: standard }\n    allowProtectedInstances: true',
  );
  writeFileSync(
    w.config,
    `${base}  - { name: staging, cluster: kind, owner: ops, blocks: [valkey], protected: true }\n`,
  );
  w.deployed('alpha', PAST);
  writeFileSync(
    join(w.outputs, 'instance-staging.json'),
    JSON.stringify({
      namespace: { value: 'staging' },
      created_at: { value: PAST.createdAt },
      protected: { value: true },
      hostnames: { value: [] },
    }),
  );
  mkdirSync(join(w.out, 'stacks', 'instance-staging'), { recursive: true });
  w.world((x) => {
    x.namespaces.staging = {
      labels: { 'sandbox.dev/instance': 'staging', 'sandbox.dev/protected': 'true' },
      annotations: {},
    };
  });
  return w;
}

describe('protected instances on the command line', () => {
  it('list shows them as never expiring and ready', async () => {
    const w = workspace();
    const rows = JSON.parse((await w.run('instance', 'list', '--json')).out);
    expect(
      rows.map((r: { name: string; protected: boolean; expiresAt: string | null; phase: string }) => [
        r.name,
        r.protected,
        r.expiresAt,
        r.phase,
      ]),
    ).toEqual([
      ['alpha', false, PAST.expiresAt, 'expired'],
      ['staging', true, null, 'ready'],
    ]);
    const table = (await w.run('instance', 'list')).out.split('\n');
    expect(table.find((l) => l.startsWith('staging'))).toMatch(/never \(protected\)\s+ready/);
  });

  it('gc destroys the expired instance and leaves the protected one', async () => {
    const w = workspace();
    const report = JSON.parse((await w.run('gc', '--json')).out);
    expect(report.outcomes.map((o: { instance: string; result: string }) => [o.instance, o.result])).toEqual([
      ['alpha', 'destroyed'],
    ]);
    expect(w.calls().filter((c) => c.startsWith('terraform instance-staging') && !c.includes(' output '))).toEqual([]);
  });

  it('extend and instance create refuse them: only the config file defines a protected environment', async () => {
    const w = workspace();
    const extend = await w.run('instance', 'extend', 'staging', '--ttl', '2d');
    expect(extend.code).not.toBe(0);
    expect(extend.err).toMatch(/instance "staging" is protected and does not expire/);
    const create = await w.run(
      'instance',
      'create',
      'staging',
      '--cluster',
      'kind',
      '--owner',
      'ops',
      '--blocks',
      'valkey',
      '--update',
    );
    expect(create.code).not.toBe(0);
    expect(create.err).toMatch(
      /instance "staging" is protected; change it in the config file and deploy it, not from the command line/,
    );
  });
});
