import { BUILTIN_CATALOG } from '../../constructs/catalog/builtin';
import { mergeCatalog } from '../../constructs/catalog/merge';
import { deployerUser } from '../../constructs/instance/deployer-access';
import { MOCKS } from '../../constructs/instance/mocks';
import type { CliContext } from '../context';
import { CliError, EXIT, green, red, yellow } from '../io';
import { resolveInstance } from '../instances';
import { NOT_FOUND, TOOL_ENV } from '../tools';

export type TestStatus = 'passed' | 'failed' | 'no tests' | 'rejected' | 'not installed';

export interface ReleaseTest {
  readonly release: string;
  readonly status: TestStatus;
  /** Each test hook with its last phase. */
  readonly tests: readonly { readonly name: string; readonly phase: string }[];
  /** Helm's error, in full, when it reported one. */
  readonly detail?: string;
  /** Test hooks the catalog entry leaves out, with the reason. */
  readonly excluded?: readonly { readonly name: string; readonly reason: string }[];
}

const ADMISSION =
  /is forbidden|admission webhook .* denied|denied the request|violates PodSecurity|ValidatingAdmissionPolicy/i;

/**
 * Reads `helm test` for one release: the TEST SUITE and Phase lines before
 * NOTES (which Helm prints after the results), and Helm's error. A release
 * without hooks is "no tests", not passed; a hook pod that admission refused
 * is "rejected".
 */
export function parseHelmTest(release: string, code: number, stdout: string, stderr: string): ReleaseTest {
  const tests: { name: string; phase: string }[] = [];
  let none = false;
  for (const line of stdout.split('\n')) {
    if (/^NOTES:/.test(line)) break;
    const suite = /^TEST SUITE:\s*(.*)$/.exec(line);
    if (suite) {
      if (suite[1].trim() === 'None') none = true;
      else tests.push({ name: suite[1].trim(), phase: 'Unknown' });
    }
    const phase = /^Phase:\s*(\S+)/.exec(line);
    if (phase && tests.length) tests[tests.length - 1].phase = phase[1];
  }
  const error = stderr
    .split('\n')
    .map((l) => l.replace(/^\s*\*\s*/, '').trim())
    .filter((l) => l && !/^Error: \d+ errors? occurred:?$/.test(l))
    .join('\n');
  if (code === 0) {
    if (none || tests.length === 0) return { release, status: 'no tests', tests };
    const bad = tests.filter((t) => t.phase !== 'Succeeded');
    return bad.length
      ? { release, status: 'failed', tests, detail: bad.map((t) => `${t.name}: ${t.phase}`).join(', ') }
      : { release, status: 'passed', tests };
  }
  if (/release: not found/i.test(stderr)) return { release, status: 'not installed', tests, detail: error };
  if (ADMISSION.test(stderr)) return { release, status: 'rejected', tests, detail: error };
  return { release, status: 'failed', tests, detail: error || `helm exited with ${code}` };
}

/** Runs the `helm test` hooks of every release of the instance and reports each. */
export async function testInstance(ctx: CliContext, name: string): Promise<number> {
  const config = ctx.store.read();
  const { instance, cluster } = await resolveInstance(ctx, config, name);
  const namespace = instance.namespace ?? instance.name;
  const kube =
    cluster.cloud === 'existing' && cluster.connection.kind === 'kubeconfig'
      ? [
          '--kubeconfig',
          cluster.connection.path.replace(/^~(?=\/)/, ctx.io.env.HOME ?? '~'),
          ...(cluster.connection.context ? ['--kube-context', cluster.connection.context] : []),
        ]
      : [];
  const releases = [
    ...(instance.mocks ?? []).map((m) => MOCKS[m].chart),
    ...instance.blocks.map((b) => (typeof b === 'string' ? b : b.name)),
  ];
  const catalog = mergeCatalog(BUILTIN_CATALOG, config.catalog ?? []);
  const results: ReleaseTest[] = [];
  for (const release of releases) {
    const start = ctx.io.now().getTime();
    const excluded = (catalog.get(release)?.excludedTests ?? []).map((t) => ({
      name: t.name.replace(/\{block\}/g, release),
      reason: t.reason,
    }));
    ctx.io.err(`helm test ${release} ...`);
    const filters = excluded.flatMap((t) => ['--filter', `!name=${t.name}`]);
    const r = await ctx.tools.run('helm', [
      'test',
      release,
      '--namespace',
      namespace,
      '--timeout',
      '5m',
      ...filters,
      ...kube,
      // Test hooks come from the release record: they run as the instance's deployer, whose rights end at its namespace.
      '--kube-as-user',
      deployerUser(namespace),
    ]);
    if (r.code === NOT_FOUND)
      throw new CliError(
        `helm could not be started: install Helm 3 or set ${TOOL_ENV.helm}; \`sandboxkit doctor\` checks every tool this config needs`,
        EXIT.failed,
      );
    if (r.code === 130) throw new CliError('interrupted', EXIT.interrupted);
    const parsed = parseHelmTest(release, r.code, r.stdout, r.stderr);
    const result = excluded.length ? { ...parsed, excluded } : parsed;
    results.push(result);
    ctx.io.err(`helm test ${release}: ${result.status} (${((ctx.io.now().getTime() - start) / 1000).toFixed(1)}s)`);
  }
  const failed = results.filter((r) => r.status !== 'passed' && r.status !== 'no tests').length;
  const count = (s: TestStatus) => results.filter((r) => r.status === s).length;
  if (ctx.json) {
    ctx.io.out(
      JSON.stringify({ instance: name, passed: count('passed'), noTests: count('no tests'), failed, results }),
    );
  } else {
    for (const r of results) {
      const mark =
        r.status === 'passed'
          ? green(ctx.io, 'passed')
          : r.status === 'no tests'
            ? yellow(ctx.io, 'no tests')
            : red(ctx.io, r.status);
      const tests = r.tests.length ? ` (${r.tests.map((t) => t.name).join(', ')})` : '';
      ctx.io.out(`${r.release}: ${mark}${tests}${r.detail ? `\n  ${r.detail.split('\n').join('\n  ')}` : ''}`);
      for (const t of r.excluded ?? []) ctx.io.out(`  left out: ${t.name}: ${t.reason}`);
    }
    ctx.io.out(
      `${count('passed')} of ${results.length} releases passed, ${failed} failed, ${count('no tests')} without tests`,
    );
  }
  return failed > 0 ? EXIT.failed : EXIT.ok;
}
