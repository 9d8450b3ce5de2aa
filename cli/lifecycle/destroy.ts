import { rmSync } from 'fs';
import { instanceIndex } from '../config-store';
import type { CliContext } from '../context';
import { withFileSecrets } from '../file-secrets';
import { prepareStack, withInstanceLock, type InstanceRef } from '../instances';
import { terraformChange, TerraformError, type PlannedChange } from '../terraform';
import { removeItem } from '../yaml-edit';
import type { Actor } from './actor';
import { deadlineSignal } from './deadline';
import { ActionRecorder } from './history';
import { removeLeftovers } from './leftovers';
import { adoptedRecord } from './record';
import { findTarget, type Target } from './target';
import { waitFor } from './wait';
import { warningsFor } from './warnings';

export interface DestroyOptions {
  readonly name: string;
  readonly dryRun: boolean;
  readonly actor: Actor;
  /** Also remove the instance's entry from the config file. @default false */
  readonly writeConfig?: boolean;
  /** Wait until the namespace is gone. @default false */
  readonly wait?: boolean;
  readonly deadline?: number;
}

export interface DestroyResult {
  readonly instance: string;
  readonly cluster: string;
  readonly namespace: string;
  readonly action: 'destroyed' | 'planned';
  readonly changes: readonly PlannedChange[];
  readonly config: 'written' | 'unchanged';
}

/** What destroy is about to remove, for a confirmation prompt. */
export async function destroyTarget(ctx: CliContext, name: string, detail = false): Promise<Target> {
  return findTarget(ctx, ctx.store.read(), name, { require: true, detail });
}

/**
 * Destroys one instance whose target is known; the caller holds its lock. The record moves to `destroying`, then
 * to `gone` with the action in its history (the record stays as the instance's history; its state is removed).
 */
export async function destroyLocked(
  ctx: CliContext,
  target: Target,
  actor: Actor,
  action: 'destroy' | 'gc',
  signal?: AbortSignal,
): Promise<readonly PlannedChange[]> {
  const ref: InstanceRef = target.ref;
  const dir = await prepareStack(ctx, ref);
  const now = ctx.io.now();
  const latest = await ref.store.get(ref.name);
  const base = latest && latest.status.phase !== 'gone' ? latest : adoptedRecord(ref.instance, 'ready', now);
  const recorder = new ActionRecorder(ref.store, base, actor, action, () => ctx.io.now());
  await recorder.begin('destroying');
  const destroy = (extra: string[]) =>
    withFileSecrets(ctx, ref.config, ref.name, 'destroy', (secrets) =>
      terraformChange(ctx, dir, 'destroy', [...extra, ...secrets], signal),
    );
  // With its namespace there, the state is what exists: no refresh of every resource first. Should the
  // state be stale after all, the destroy runs again with the refresh.
  const whole = Boolean(target.observation.namespace && !target.observation.namespace.terminating);
  let report;
  try {
    report = await destroy(whole ? ['-refresh=false'] : []).catch((err) => {
      if (!whole || !(err instanceof TerraformError)) throw err;
      ctx.io.err(`destroy ${ref.name} without a refresh failed; again with one`);
      return destroy([]);
    });
  } catch (err) {
    const events = await warningsFor(ctx, ref.cluster, target.namespace);
    await recorder.fail(`${(err as Error).message}${events}`);
    throw events ? Object.assign(err as Error, { message: `${(err as Error).message}${events}` }) : err;
  }
  // A killed apply may have left the namespace outside the state, where Terraform's destroy does not see it.
  const removed = await removeLeftovers(ctx, ref.cluster, dir, ref.name, target.namespace);
  await ref.store.forgetState(ref.name);
  await recorder.succeed(
    'gone',
    removed.length ? `also removed ${removed.join(', ')}, left outside the state` : undefined,
  );
  rmSync(dir, { recursive: true, force: true });
  return report.changes;
}

/**
 * Destroys the instance (Terraform destroy of its stack), keeps its record as `gone` with who destroyed it and
 * when, and removes its state. The config file is changed only with `writeConfig`.
 */
export async function destroyInstance(ctx: CliContext, opts: DestroyOptions, known?: Target): Promise<DestroyResult> {
  const target = known ?? (await destroyTarget(ctx, opts.name));
  const base = {
    instance: opts.name,
    cluster: target.ref.cluster.name,
    namespace: target.namespace,
  };
  if (opts.dryRun) {
    const dir = await prepareStack(ctx, target.ref);
    const plan = await withFileSecrets(ctx, target.ref.config, opts.name, 'destroy', (secrets) =>
      terraformChange(ctx, dir, 'plan', ['-destroy', ...secrets]),
    );
    return { ...base, action: 'planned', changes: plan.changes, config: 'unchanged' };
  }
  const signal = deadlineSignal(opts.deadline);
  const changes = await withInstanceLock(ctx, opts.name, () =>
    destroyLocked(ctx, target, opts.actor, 'destroy', signal),
  );
  if (opts.wait)
    await waitFor(ctx, target.ref.cluster, target.namespace, 'gone', opts.deadline ?? Date.now() + 5 * 60_000);
  let written: DestroyResult['config'] = 'unchanged';
  if (opts.writeConfig && target.ref.inConfig) {
    await ctx.store.update((text) => {
      const i = instanceIndex(text, opts.name);
      return i >= 0 ? removeItem('instances', i) : undefined;
    });
    written = 'written';
  }
  return { ...base, action: 'destroyed', changes, config: written };
}
