import { synthesizeStack } from '../../stacks/synthesize';
import type { CliContext } from '../context';
import { CliError, EXIT, yellow } from '../io';
import { withFileSecrets } from '../file-secrets';
import { terraformChange, terraformInit } from '../terraform';

/** `audit` exits with this when the infrastructure differs from the code. */
export const EXIT_DRIFT = 3;

interface Change {
  readonly address: string;
  readonly action: string;
  readonly outside: boolean;
}

export interface PlanSummary {
  readonly changes: Change[];
  /** Outputs the next apply would add or change; they are no drift of any resource. */
  readonly outputs: string[];
}

/** Reads `terraform plan -json` lines: drift (changed outside the code), the changes a plan would make, and output changes. */
export function parsePlan(jsonLines: string): PlanSummary {
  const changes: Change[] = [];
  const outputs: string[] = [];
  for (const line of jsonLines.split('\n')) {
    if (!line.trim().startsWith('{')) continue;
    let msg: {
      type?: string;
      change?: { resource?: { addr?: string }; action?: string };
      outputs?: Record<string, { action?: string }>;
    };
    try {
      msg = JSON.parse(line);
    } catch {
      continue;
    }
    if (
      (msg.type === 'resource_drift' || msg.type === 'planned_change') &&
      msg.change?.resource?.addr &&
      msg.change.action !== 'noop'
    ) {
      changes.push({
        address: msg.change.resource.addr,
        action: msg.change.action ?? 'update',
        outside: msg.type === 'resource_drift',
      });
    }
    if (msg.type === 'outputs')
      outputs.push(
        ...Object.entries(msg.outputs ?? {})
          .filter(([, o]) => o.action && o.action !== 'noop')
          .map(([name]) => name),
      );
  }
  return { changes, outputs };
}

/** Drift check of one stack: exit 0 when the cloud matches the code, 3 with a summary when a resource does not. */
export async function auditStack(ctx: CliContext, stack: string): Promise<number> {
  const config = ctx.store.read();
  let dir: string;
  try {
    dir = synthesizeStack(config, ctx.outdir, stack);
  } catch (err) {
    throw new CliError(`audit: ${(err as Error).message}`);
  }
  await terraformInit(ctx, dir);
  const instance = stack.startsWith('instance-') ? stack.slice('instance-'.length) : '';
  const report = await withFileSecrets(ctx, config, instance, 'plan', (secrets) =>
    terraformChange(ctx, dir, 'plan', ['-detailed-exitcode', ...secrets]),
  );
  const { changes, outputs } = parsePlan(report.stdout);
  const drift = changes.filter((c) => c.outside);
  const planned = changes.filter((c) => !c.outside);
  const inSync = changes.length === 0;
  if (ctx.json) ctx.io.out(JSON.stringify({ stack, inSync, drift, planned, outputs }));
  else if (inSync)
    ctx.io.out(
      `${stack}: in sync with the code${outputs.length ? ` (the next apply records new outputs: ${outputs.join(', ')})` : ''}`,
    );
  else {
    ctx.io.out(
      `${stack}: ${yellow(ctx.io, `${drift.length} changed outside the code, ${planned.length} to change on the next apply`)}`,
    );
    for (const c of drift) ctx.io.out(`  changed outside: ${c.address} (${c.action})`);
    for (const c of planned) ctx.io.out(`  apply would ${c.action}: ${c.address}`);
  }
  return inSync ? EXIT.ok : EXIT_DRIFT;
}
