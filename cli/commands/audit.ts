import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { suggest } from '../../config/suggest';
import type { ClusterConfig, SandboxConfig } from '../../config/types';
import { clusterStackName, platformStackName } from '../../stacks/names';
import { sharedStackName } from '../../stacks/shared-stack';
import type { CliContext } from '../context';
import { withFileSecrets } from '../file-secrets';
import { prepareNamedStack, resolveInstance, stateAddresses } from '../instances';
import { CliError, EXIT, yellow } from '../io';
import { requireApiServer } from '../kube';
import { allRecordStores } from '../records';
import { auditReport, type AuditReport, type PlanJson } from '../plan-report';
import { terraformChange } from '../terraform';

/** `audit` exits with this when the infrastructure differs from the code. */
export const EXIT_DRIFT = 3;

/** The stack to audit: the config it is built from, and the cluster whose API server it talks to. */
interface AuditTarget {
  readonly config: SandboxConfig;
  readonly cluster?: ClusterConfig;
  readonly instance: string;
}

/** Every stack name the config and the instance records know, for suggestions. */
async function stackNames(ctx: CliContext, config: SandboxConfig): Promise<string[]> {
  const names = config.clusters.flatMap((c) => [
    clusterStackName(c.name),
    platformStackName(c.name),
    ...(c.sharedBlocks?.length ? [sharedStackName(c.name)] : []),
  ]);
  const instances = new Set((config.instances ?? []).map((i) => i.name));
  for (const { store } of allRecordStores(ctx, config)) {
    try {
      for (const r of (await store.list()).records) if (r.status.phase !== 'gone') instances.add(r.spec.name);
    } catch {
      // an unreadable backend only costs suggestions
    }
  }
  return [...names, ...[...instances].map((i) => `instance-${i}`)];
}

async function targetOf(ctx: CliContext, config: SandboxConfig, stack: string): Promise<AuditTarget> {
  const instanceName = stack.startsWith('instance-') ? stack.slice('instance-'.length) : '';
  if (instanceName) {
    const ref = await resolveInstance(ctx, config, instanceName).catch(() => undefined);
    if (ref) return { config: ref.config, cluster: ref.cluster, instance: instanceName };
  }
  const cluster = config.clusters.find((c) =>
    [platformStackName(c.name), sharedStackName(c.name), clusterStackName(c.name)].includes(stack),
  );
  const names = await stackNames(ctx, config);
  if (!cluster && !names.includes(stack))
    throw new CliError(
      `audit: no stack named "${stack}" in the config or the instance records${suggest(stack, names)}`,
    );
  // A cluster stack creates the cluster; its API server may not be there yet.
  return { config, cluster: cluster && stack !== clusterStackName(cluster.name) ? cluster : undefined, instance: '' };
}

/** Plans the stack into a file and reads it back as JSON: what the next apply would change, and why. */
async function planReport(ctx: CliContext, dir: string, target: AuditTarget): Promise<AuditReport> {
  const tmp = mkdtempSync(join(tmpdir(), 'sandboxkit-audit-'));
  try {
    const plan = join(tmp, 'plan.bin');
    await withFileSecrets(ctx, target.config, target.instance, 'plan', (secrets) =>
      terraformChange(ctx, dir, 'plan', ['-detailed-exitcode', `-out=${plan}`, ...secrets]),
    );
    const shown = await ctx.tools.run('terraform', [`-chdir=${dir}`, 'show', '-json', '-no-color', plan]);
    if (shown.code !== 0) throw new CliError(`terraform show of the plan failed: ${shown.stderr.trim()}`, EXIT.failed);
    return auditReport(JSON.parse(shown.stdout) as PlanJson);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

const show = (v: unknown) => (v === undefined || v === null ? 'unset' : JSON.stringify(v));

/**
 * Drift check of one stack: exit 0 when the infrastructure matches the code, 3 with what differs when a resource
 * does not (changed outside the code, or changed in the code and not applied), 1 when the stack was never applied.
 * Provider noise is not drift: a refresh that reads a value back in another form, fields the cluster owns, and
 * the annotations the CLI stamps on a namespace (ignored by the stack).
 */
export async function auditStack(ctx: CliContext, stack: string): Promise<number> {
  const config = ctx.store.read();
  const target = await targetOf(ctx, config, stack);
  let dir: string;
  try {
    dir = await prepareNamedStack(ctx, target.config, stack, async () => {
      if (target.cluster) await requireApiServer(ctx, target.cluster);
    });
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError(`audit: ${(err as Error).message}`);
  }
  if ((await stateAddresses(ctx, dir)).length === 0)
    throw new CliError(
      `${stack} has not been applied (its state holds no resource), so there is nothing to audit; deploy it first`,
      EXIT.failed,
    );
  const { changes, outputs } = await planReport(ctx, dir, target);
  const outside = changes.filter((c) => c.outside);
  const planned = changes.filter((c) => !c.outside);
  const inSync = changes.length === 0;
  if (ctx.json) ctx.io.out(JSON.stringify({ stack, inSync, drift: outside, planned, outputs }, null, 2));
  else if (inSync)
    ctx.io.out(
      `${stack}: in sync with the code${outputs.length ? ` (the next apply records new outputs: ${outputs.join(', ')})` : ''}`,
    );
  else {
    ctx.io.out(
      `${stack}: ${yellow(ctx.io, `${outside.length} changed outside the code, ${planned.length} to change on the next apply`)}`,
    );
    for (const c of outside) {
      ctx.io.out(
        `  changed outside: ${c.address}${c.action === 'create' ? ' was deleted; the next apply creates it again' : ` (the next apply would ${c.action} it)`}`,
      );
      for (const a of c.attributes.slice(0, 10)) ctx.io.out(`    ${a.path}: ${show(a.before)} -> ${show(a.after)}`);
    }
    for (const c of planned) {
      ctx.io.out(`  apply would ${c.action}: ${c.address}`);
      for (const a of c.attributes.slice(0, 10)) ctx.io.out(`    ${a.path}: ${show(a.before)} -> ${show(a.after)}`);
    }
  }
  return inSync ? EXIT.ok : EXIT_DRIFT;
}
