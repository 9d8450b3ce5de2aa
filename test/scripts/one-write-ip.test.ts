import { spawnSync } from 'child_process';
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'fs';
import { join } from 'path';
import { tempDir } from '../fixtures';

const WRAPPER_DIR = join(__dirname, '..', '..', 'scripts', 'one-write');

/**
 * A stand-in `ip` that prints three routes the way iproute2 does, one flush each, pausing between them
 * so a reader that stops after the first line has always gone before the second is written.
 */
function fakeIp(): string {
  const dir = join(tempDir('one-write-'), 'bin');
  mkdirSync(dir);
  const ip = join(dir, 'ip');
  writeFileSync(
    ip,
    [
      '#!/usr/bin/env bash',
      'echo "$*" >> "$(dirname "$0")/calls"',
      '[[ $1 == fail ]] && { echo "RTNETLINK answers: File exists" >&2; exit 2; }',
      'for net in 10.96.0.0/16 10.244.0.0/16 10.250.0.0/16; do echo "blackhole $net "; sleep 0.2; done',
      '',
    ].join('\n'),
  );
  chmodSync(ip, 0o755);
  return dir;
}

/** up.sh's own route check, with `dirs` first on PATH. */
function routeCheck(dirs: readonly string[]) {
  return spawnSync(
    'bash',
    ['-c', 'set -euo pipefail; ip route show type blackhole 2>/dev/null | grep -q "^blackhole 10.96.0.0/16"'],
    { env: { ...process.env, PATH: [...dirs, process.env.PATH].join(':') }, encoding: 'utf8' },
  );
}

describe('scripts/one-write/ip (what realk8s up.sh sees as ip)', () => {
  test('the route check fails with an ip that flushes each route and passes through the wrapper', () => {
    const real = fakeIp();
    expect(routeCheck([real]).status).not.toBe(0);
    expect(routeCheck([WRAPPER_DIR, real]).status).toBe(0);
  });

  test('passes the arguments, the output, the errors and the exit status of the real ip through', () => {
    const real = fakeIp();
    const env = { ...process.env, PATH: [WRAPPER_DIR, real, process.env.PATH].join(':') };
    const shown = spawnSync('ip', ['route', 'show', 'type', 'blackhole'], { env, encoding: 'utf8' });
    expect(shown.status).toBe(0);
    expect(shown.stdout).toBe('blackhole 10.96.0.0/16 \nblackhole 10.244.0.0/16 \nblackhole 10.250.0.0/16 \n');
    const failed = spawnSync('ip', ['fail', 'route', 'add'], { env, encoding: 'utf8' });
    expect(failed.status).toBe(2);
    expect(failed.stderr).toContain('File exists');
    expect(spawnSync('cat', [join(real, 'calls')], { encoding: 'utf8' }).stdout).toBe(
      'route show type blackhole\nfail route add\n',
    );
  });

  test('says so when no real ip is on PATH', () => {
    const tools = tempDir('no-ip-');
    for (const tool of ['bash', 'dirname', 'cat']) {
      const found = spawnSync('bash', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
      symlinkSync(found, join(tools, tool));
    }
    const result = spawnSync(join(WRAPPER_DIR, 'ip'), ['route'], {
      env: { ...process.env, PATH: `${WRAPPER_DIR}:${tools}` },
      encoding: 'utf8',
    });
    expect(result.status).toBe(127);
    expect(result.stderr).toContain('iproute2 is not installed');
  });
});
