import { markApplied } from '../activity';
import { instanceIndex } from '../config-store';
import type { CliContext } from '../context';
import { withFileSecrets } from '../file-secrets';
import { expiryAddress, prepareStack, stackOutputs, withInstance, withInstanceLock } from '../instances';
import { CliError, EXIT } from '../io';
import { terraformChange, type PlannedChange } from '../terraform';
import { setItemField } from '../yaml-edit';
import type { Actor } from './actor';
import { ActionRecorder } from './history';
import { adoptedRecord } from './record';
import { assertAction, findTarget } from './target';

export interface ExtendOptions {
  readonly name: string;
  readonly ttlHours: number;
  readonly dryRun: boolean;
  readonly actor: Actor;
  /** Also set ttlHours of the instance's entry in the config file. @default false */
  readonly writeConfig?: boolean;
}

export interface ExtendResult {
  readonly instance: string;
  readonly action: 'extended' | 'planned';
  readonly ttlHours: number;
  readonly previousExpiresAt?: string;
  readonly expiresAt?: string;
  readonly changes: readonly PlannedChange[];
  readonly config: 'written' | 'unchanged';
}

/**
 * Moves the instance's expiry to now + TTL. The expiry is a `time_offset` that Terraform computes once; it is
 * replaced (`terraform apply -replace`) so that the expiry moves even when the TTL stays the same. A failed create
 * is refused with the command that fixes it, and an instance never deployed is refused rather than created.
 */
export async function extendInstance(ctx: CliContext, opts: ExtendOptions): Promise<ExtendResult> {
  const config = ctx.store.read();
  if (config.instances?.find((i) => i.name === opts.name)?.protected)
    throw new CliError(
      `instance "${opts.name}" is protected and does not expire; there is nothing to extend`,
      EXIT.usage,
    );
  const target = await findTarget(ctx, config, opts.name, { require: true });
  assertAction('extend', target);
  if (!target.ref.record && !target.observation.namespace)
    throw new CliError(
      `instance "${opts.name}" has not been deployed (no record and no namespace ${target.namespace}), so there is nothing to extend; deploy it with: sandboxkit instance apply -f <spec>`,
      EXIT.failed,
    );
  const spec = { ...target.ref.instance, ttlHours: opts.ttlHours };
  const ref = { name: opts.name, config: withInstance(config, spec) };
  const dir = await prepareStack(ctx, ref);
  const replace = [`-replace=${expiryAddress(dir)}`];
  const previousExpiresAt = target.status.expiresAt;
  if (opts.dryRun) {
    const plan = await withFileSecrets(ctx, ref.config, opts.name, 'plan', (secrets) =>
      terraformChange(ctx, dir, 'plan', [...replace, ...secrets]),
    );
    return {
      instance: opts.name,
      action: 'planned',
      ttlHours: opts.ttlHours,
      previousExpiresAt,
      changes: plan.changes,
      config: 'unchanged',
    };
  }
  const outcome = await withInstanceLock(ctx, opts.name, async () => {
    const now = ctx.io.now();
    const latest = await target.ref.store.get(opts.name);
    const base =
      latest && latest.status.phase !== 'gone'
        ? latest
        : adoptedRecord(
            target.ref.instance,
            target.status.phase === 'stopped' ? 'stopped' : 'ready',
            now,
            previousExpiresAt,
          );
    const recorder = new ActionRecorder(target.ref.store, { ...base, spec }, opts.actor, 'extend', () => ctx.io.now());
    let report;
    try {
      report = await withFileSecrets(ctx, ref.config, opts.name, 'apply', (secrets) =>
        terraformChange(ctx, dir, 'apply', [...replace, ...secrets]),
      );
    } catch (err) {
      await recorder.fail((err as Error).message, base.status.phase);
      throw err;
    }
    const outputs = await stackOutputs(ctx, dir, report.outputs);
    const expiresAt = outputs?.expiresAt ?? new Date(now.getTime() + opts.ttlHours * 3_600_000).toISOString();
    // An instance that had expired (its namespace still there) is ready again; a stopped one stays stopped.
    const phase = base.status.phase === 'stopped' ? 'stopped' : base.status.phase === 'failed' ? 'failed' : 'ready';
    await recorder.succeed(
      phase,
      `ttlHours ${target.ref.instance.ttlHours ?? 48} -> ${opts.ttlHours}, expires ${expiresAt}`,
      {
        expiresAt,
      },
    );
    await markApplied(ctx, target.ref.cluster, target.namespace);
    return { report, expiresAt };
  });
  let written: ExtendResult['config'] = 'unchanged';
  if (opts.writeConfig && target.ref.inConfig) {
    await ctx.store.update((text) => {
      const i = instanceIndex(text, opts.name);
      return i >= 0 ? setItemField('instances', i, 'ttlHours', opts.ttlHours) : undefined;
    });
    written = 'written';
  }
  return {
    instance: opts.name,
    action: 'extended',
    ttlHours: opts.ttlHours,
    previousExpiresAt,
    expiresAt: outcome.expiresAt,
    changes: outcome.report.changes,
    config: written,
  };
}
