import type { OutputFormat } from '../../command-kit';
import type { CliContext } from '../../context';
import { EXIT } from '../../io';
import { currentActor } from '../../lifecycle/actor';
import { destroyInstance, destroyTarget } from '../../lifecycle/destroy';
import { changeLines, printStructured } from './print';

/** `instance destroy`'s options. */
export interface DestroyCommandOptions {
  readonly name: string;
  /** Destroy without asking. */
  readonly yes: boolean;
  readonly dryRun: boolean;
  readonly writeConfig: boolean;
  readonly wait: boolean;
  readonly deadline?: number;
}

/**
 * `instance destroy`: asks first when someone is at a terminal (not with `--yes`); a script or CI, with nobody to
 * ask, destroys as `kubectl delete` does. `--dry-run` shows what would be destroyed.
 */
export async function destroyCommand(ctx: CliContext, o: DestroyCommandOptions, format: OutputFormat): Promise<number> {
  // What a confirmation shows (the releases) is read only when someone will be asked.
  const target = await destroyTarget(ctx, o.name, !o.dryRun && !o.yes && ctx.io.interactive);
  if (!o.dryRun && !o.yes && ctx.io.interactive) {
    const what = `instance ${o.name} on cluster ${target.ref.cluster.name} (namespace ${target.namespace}, ${target.status.phase}${target.observation.releases ? `, ${target.observation.releases.length} releases` : ''})`;
    const answer = (await ctx.io.ask(`Destroy ${what}? Type the instance name to confirm: `)).trim();
    if (answer !== o.name) {
      ctx.io.err('not destroyed');
      return EXIT.failed;
    }
  }
  const result = await destroyInstance(
    ctx,
    {
      name: o.name,
      dryRun: o.dryRun,
      actor: await currentActor(ctx),
      writeConfig: o.writeConfig,
      wait: o.wait,
      deadline: o.deadline,
    },
    target,
  );
  if (printStructured(ctx, format, result)) return EXIT.ok;
  if (result.action === 'planned') {
    const [summary, ...lines] = changeLines(result.changes);
    ctx.io.out(`planned destroying instance ${o.name} (nothing changed): ${summary}`);
    for (const l of lines) ctx.io.out(l);
    return EXIT.ok;
  }
  ctx.io.out(`destroyed instance ${o.name}${result.config === 'written' ? ' and removed it from the config' : ''}`);
  return EXIT.ok;
}
