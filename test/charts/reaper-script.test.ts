import { execFileSync } from 'child_process';
import { chmodSync, readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { tempDir } from '../fixtures';

const SCRIPT = join(__dirname, '..', '..', 'charts', 'instance-reaper', 'files', 'reap.sh');

interface Workload {
  readonly kind: 'deployment' | 'statefulset';
  readonly name: string;
  readonly replicas: number;
  readonly saved?: number;
}

/**
 * Runs the reaper script against a stand-in kubectl that answers from the
 * given namespaces and records every other call.
 */
function reap(namespaces: { name: string; expires?: string; hours?: string; workloads?: Workload[] }[], dryRun = false): string[] {
  const dir = tempDir('reaper-');
  const log = join(dir, 'calls.log');
  const listing = namespaces.map((n) => `${n.name}|${n.expires ?? ''}|${n.hours ?? ''}`).join('\n');
  const workloads = (ns: string, kind: string) =>
    (namespaces.find((n) => n.name === ns)?.workloads ?? [])
      .filter((w) => w.kind === kind)
      .map((w) => `${w.name}|${w.replicas}|${w.saved ?? ''}`)
      .join('\n');
  const cases = namespaces
    .flatMap((n) => ['deployment', 'statefulset'].map((k) => `  "get ${k} -n ${n.name}") printf '%s\\n' '${workloads(n.name, k)}';;`))
    .join('\n');
  const kubectl = join(dir, 'kubectl');
  writeFileSync(
    kubectl,
    `#!/bin/sh
case "$1 $2 $3 $4" in
  "get namespaces -l sandbox.dev/instance") printf '%s\\n' '${listing}';;
${cases}
  *) echo "$*" >> ${log};;
esac
`,
  );
  chmodSync(kubectl, 0o755);
  execFileSync('sh', [SCRIPT], { env: { PATH: `${dir}:/usr/bin:/bin`, DRY_RUN: String(dryRun), INSTANCE_LABEL: 'sandbox.dev/instance' }, encoding: 'utf8' });
  try {
    return readFileSync(log, 'utf8').trim().split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

const ALWAYS = 'Mon-Sun 00:00-23:59 Etc/UTC';
const NEVER = 'Mon-Sun 00:00-00:00 Etc/UTC';

describe('instance reaper script', () => {
  it('deletes namespaces whose expiry has passed and leaves the others', () => {
    expect(reap([{ name: 'old', expires: '2000-01-01T00:00:00Z' }, { name: 'fresh', expires: '2999-01-01T00:00:00Z' }, { name: 'no-expiry' }])).toEqual([
      'delete namespace old --wait=false',
    ]);
  });

  it('scales workloads to zero outside working hours, remembering their replicas', () => {
    const calls = reap([{ name: 'sleepy', expires: '2999-01-01T00:00:00Z', hours: NEVER, workloads: [{ kind: 'deployment', name: 'web', replicas: 2 }, { kind: 'statefulset', name: 'db', replicas: 0 }] }]);
    expect(calls).toEqual(['annotate deployment/web -n sleepy --overwrite sandbox.dev/replicas-before-sleep=2', 'scale deployment/web -n sleepy --replicas=0']);
  });

  it('wakes workloads inside working hours to the replicas they had', () => {
    const calls = reap([{ name: 'awake', hours: ALWAYS, workloads: [{ kind: 'statefulset', name: 'db', replicas: 0, saved: 3 }, { kind: 'deployment', name: 'web', replicas: 1 }] }]);
    expect(calls).toEqual(['scale statefulset/db -n awake --replicas=3', 'annotate statefulset/db -n awake sandbox.dev/replicas-before-sleep-']);
  });

  it('changes nothing in dry-run mode', () => {
    expect(reap([{ name: 'old', expires: '2000-01-01T00:00:00Z' }], true)).toEqual([]);
  });
});
