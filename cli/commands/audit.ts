import { synthesizeStack } from '../../stacks/synthesize';
import type { CliContext } from '../context';
import { CliError, EXIT, yellow } from '../io';
import { terraform } from '../instances';

/** `audit` exits with this when the infrastructure differs from the code. */
export const EXIT_DRIFT = 3;

interface Change {
  readonly address: string;
  readonly action: string;
  readonly outside: boolean;
}

/** Reads `terraform plan -json` lines: drift (changed outside the code) and the changes a plan would make. */
export function parsePlan(jsonLines: string): Change[] {
  const changes: Change[] = [];
  for (const line of jsonLines.split('\n')) {
    if (!line.trim().startsWith('{')) continue;
    const msg = JSON.parse(line) as { type?: string; change?: { resource?: { addr?: string }; action?: string } };
    if ((msg.type === 'resource_drift' || msg.type === 'planned_change') && msg.change?.resource?.addr) {
      changes.push({ address: msg.change.resource.addr, action: msg.change.action ?? 'update', outside: msg.type === 'resource_drift' });
    }
  }
  return changes;
}

/** Drift check of one stack: exit 0 when the cloud matches the code, 3 with a summary when it does not. */
export async function auditStack(ctx: CliContext, stack: string): Promise<number> {
  const config = ctx.store.read();
  let dir: string;
  try {
    dir = synthesizeStack(config, ctx.outdir, stack);
  } catch (err) {
    throw new CliError(`audit: ${(err as Error).message}`);
  }
  await terraform(ctx, dir, ['init', '-input=false', '-no-color'], `init ${stack}`);
  ctx.io.err(`plan ${stack} ...`);
  const result = await ctx.tools.run('terraform', [`-chdir=${dir}`, 'plan', '-detailed-exitcode', '-input=false', '-no-color', '-json']);
  if (result.code === 130) throw new CliError('interrupted', EXIT.interrupted);
  if (result.code !== 0 && result.code !== 2) throw new CliError(`plan ${stack} failed:\n${result.stderr.trim().split('\n').slice(-10).join('\n')}`, EXIT.failed);
  const changes = parsePlan(result.stdout);
  const drift = changes.filter((c) => c.outside);
  const planned = changes.filter((c) => !c.outside);
  if (ctx.json) ctx.io.out(JSON.stringify({ stack, inSync: result.code === 0, drift, planned }));
  else if (result.code === 0) ctx.io.out(`${stack}: in sync with the code`);
  else {
    ctx.io.out(`${stack}: ${yellow(ctx.io, `${drift.length} changed outside the code, ${planned.length} to change on the next apply`)}`);
    for (const c of drift) ctx.io.out(`  changed outside: ${c.address} (${c.action})`);
    for (const c of planned) ctx.io.out(`  apply would ${c.action}: ${c.address}`);
  }
  return result.code === 0 ? EXIT.ok : EXIT_DRIFT;
}
