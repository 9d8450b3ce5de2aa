import type { CliContext } from '../context';
import { CliError, EXIT, green, red } from '../io';
import { findInstance } from '../instances';
import { MOCKS } from '../../constructs/instance/mocks';

/** Runs the `helm test` hooks of every release of the instance and reports each. */
export async function testInstance(ctx: CliContext, name: string): Promise<number> {
  const config = ctx.store.read();
  const instance = findInstance(config, name);
  const namespace = instance.namespace ?? instance.name;
  const cluster = config.clusters.find((c) => c.name === instance.cluster)!;
  const kube = cluster.cloud === 'existing' && cluster.connection.kind === 'kubeconfig'
    ? ['--kubeconfig', cluster.connection.path.replace(/^~(?=\/)/, ctx.io.env.HOME ?? '~'), ...(cluster.connection.context ? ['--kube-context', cluster.connection.context] : [])]
    : [];
  const releases = [
    ...(instance.mocks ?? []).map((m) => MOCKS[m].chart),
    ...instance.blocks.map((b) => (typeof b === 'string' ? b : b.name)),
  ];
  const results: { release: string; passed: boolean; detail: string }[] = [];
  for (const release of releases) {
    const start = Date.now();
    ctx.io.err(`helm test ${release} ...`);
    const r = await ctx.tools.run('helm', ['test', release, '--namespace', namespace, '--timeout', '5m', ...kube]);
    if (r.code === 130) throw new CliError('interrupted', EXIT.interrupted);
    const detail = (r.code === 0 ? r.stdout : `${r.stderr}${r.stdout}`).trim().split('\n').slice(-3).join(' ');
    results.push({ release, passed: r.code === 0, detail });
    ctx.io.err(`helm test ${release}: ${r.code === 0 ? 'passed' : 'failed'} (${((Date.now() - start) / 1000).toFixed(1)}s)`);
  }
  const failed = results.filter((r) => !r.passed).length;
  if (ctx.json) ctx.io.out(JSON.stringify({ instance: name, passed: results.length - failed, failed, results }));
  else for (const r of results) ctx.io.out(`${r.release}: ${r.passed ? green(ctx.io, 'passed') : `${red(ctx.io, 'failed')} ${r.detail}`}`);
  return failed > 0 ? EXIT.failed : EXIT.ok;
}
