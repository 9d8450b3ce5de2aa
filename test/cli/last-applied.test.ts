import { writeFileSync } from 'fs';
import { join } from 'path';
import { CLI_CONFIG, Workspace } from './stand-in';

const FUTURE = { createdAt: '2026-11-23T10:00:00Z', expiresAt: '2026-11-25T10:00:00Z' };
const STAMP = /^kubectl .* annotate namespace (\S+) --overwrite sandbox\.dev\/last-applied-at=(\S+)$/;

function workspace(): Workspace {
  const w = new Workspace('');
  writeFileSync(w.config, CLI_CONFIG(join(w.dir, 'kubeconfig')));
  return w;
}
const stamps = (w: Workspace) => w.calls().flatMap((c) => (STAMP.exec(c) ? [STAMP.exec(c)!.slice(1)] : []));

describe('the apply stamp the idle reaper reads', () => {
  it('is set on the namespace after create applies, with the CLI clock, never before the apply', async () => {
    const w = workspace();
    w.now = new Date('2026-11-23T15:30:00.250Z');
    const r = await w.run(
      'instance',
      'create',
      'beta',
      '--cluster',
      'kind',
      '--owner',
      'dev',
      '--blocks',
      'postgresql',
      '--ttl',
      '24h',
    );
    expect(r.code).toBe(0);
    expect(r.err).not.toMatch(/warning/);
    expect(stamps(w)).toEqual([['beta', '2026-11-23T15:30:00Z']]);
    const calls = w.calls();
    expect(calls.findIndex((c) => STAMP.test(c))).toBeGreaterThan(calls.findIndex((c) => / apply /.test(c)));
  });

  it('is set after extend replaces the expiry', async () => {
    const w = workspace();
    w.deployed('alpha', FUTURE);
    expect((await w.run('instance', 'extend', 'alpha', '--ttl', '48h')).code).toBe(0);
    expect(stamps(w)).toEqual([['alpha', '2026-11-23T12:00:00Z']]);
  });

  it('is not set by a dry run or a failed apply', async () => {
    const w = workspace();
    expect(
      (
        await w.run(
          'instance',
          'create',
          'beta',
          '--cluster',
          'kind',
          '--owner',
          'dev',
          '--blocks',
          'postgresql',
          '--ttl',
          '24h',
          '--dry-run',
        )
      ).code,
    ).toBe(0);
    w.knob('fail-instance-gamma');
    expect(
      (
        await w.run(
          'instance',
          'create',
          'gamma',
          '--cluster',
          'kind',
          '--owner',
          'dev',
          '--blocks',
          'postgresql',
          '--ttl',
          '24h',
        )
      ).code,
    ).not.toBe(0);
    expect(stamps(w)).toEqual([]);
  });

  it('warns, and keeps the successful apply, when kubectl cannot set it', async () => {
    const w = workspace();
    w.env.SANDBOXKIT_KUBECTL = join(w.dir, 'no-such-kubectl');
    const r = await w.run(
      'instance',
      'create',
      'beta',
      '--cluster',
      'kind',
      '--owner',
      'dev',
      '--blocks',
      'postgresql',
      '--ttl',
      '24h',
    );
    expect(r.code).toBe(0);
    expect(r.err).toMatch(
      /warning: could not record the apply on namespace beta \(kubectl could not be started.*\); an idle reaper counts from the previous apply/,
    );
    expect(w.record('beta')).toMatchObject({ status: { phase: 'ready' } });
  });
});
