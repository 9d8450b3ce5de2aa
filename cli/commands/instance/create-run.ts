import type { OutputFormat } from '../../command-kit';
import type { CliContext } from '../../context';
import { clusterFlag, clusterRequired } from '../../defaults';
import { resolveInstance } from '../../instances';
import { EXIT } from '../../io';
import { currentActor } from '../../lifecycle/actor';
import { applyInstance } from '../../lifecycle/apply';
import { parseRestoreFrom, restoreFromSpec } from '../backup';
import { printApplyResult } from './apply-print';
import { entryFromFlags, FLAG_OF } from './create-spec';
import type { CreateFlags } from './create-spec';

/** `instance create`'s options, next to the flags that set them. */
export interface CreateOptions extends CreateFlags {
  /** Apply these flags to an instance that exists (merging into its spec) instead of refusing. */
  readonly update: boolean;
  /** `<instance>` or `<instance>/<backup>`: the databases start from that instance's backups. */
  readonly restoreFrom?: string;
  readonly dryRun: boolean;
  readonly writeConfig: boolean;
  readonly wait: boolean;
  readonly deadline?: number;
}

/** `instance create`: the flags make a spec (merged into the stored one with --update), which is applied. */
export async function createCommand(ctx: CliContext, o: CreateOptions, format: OutputFormat): Promise<number> {
  const config = ctx.store.read();
  const named = clusterFlag(config, o.cluster);
  const stored = await resolveInstance(ctx, config, o.name).then(
    (ref) => ref.instance,
    () => undefined,
  );
  const cluster = named ?? (stored ? config.clusters.find((c) => c.name === stored.cluster) : undefined);
  if (!cluster) throw clusterRequired(config);
  const actor = await currentActor(ctx);
  const entry = {
    ...entryFromFlags(o, config, ctx.store.text(), stored),
    ...(o.restoreFrom
      ? { restoreFrom: await restoreFromSpec(ctx, config, cluster, parseRestoreFrom(o.restoreFrom)) }
      : {}),
  };
  const result = await applyInstance(ctx, {
    entry,
    source: { kind: 'flags', flagOf: FLAG_OF },
    mode: o.update ? 'apply' : 'create',
    dryRun: o.dryRun,
    writeConfig: o.writeConfig,
    actor,
    defaults: { cluster: cluster.name, owner: actor.name },
    wait: o.wait,
    deadline: o.deadline,
  });
  printApplyResult(ctx, result, format, !stored && o.owner === undefined ? actor : undefined);
  return EXIT.ok;
}
