import { parse } from 'yaml';
import type { InstanceConfig, SandboxConfig } from '../../config/types';
import { resolveTemplates, TEMPLATE_FIELDS } from '../../config/templates';
import { BUILTIN_CATALOG } from '../../constructs/catalog/builtin';
import { mergeCatalog } from '../../constructs/catalog/merge';
import { markApplied } from '../activity';
import { instanceIndex } from '../config-store';
import type { CliContext } from '../context';
import { withFileSecrets } from '../file-secrets';
import {
  clusterOf,
  namespaceOf,
  prepareStack,
  stackOutputs,
  withInstance,
  withInstanceLock,
  type InstanceRef,
} from '../instances';
import { CliError, EXIT } from '../io';
import { apiServerProblem, checkApiServer, type ApiServerCheck } from '../kube';
import { allRecordStores, recordStore, type RecordStore } from '../records';
import { terraformChange, TerraformError, type PlannedChange } from '../terraform';
import { appendItem, replaceItem } from '../yaml-edit';
import type { Actor } from './actor';
import { deadlineSignal } from './deadline';
import { ActionRecorder } from './history';
import { removeLeftovers } from './leftovers';
import { observeNamespace, type PodCounts } from './observe';
import type { Phase } from './phase';
import { actionProblem } from './preconditions';
import { quotaPreflight } from './quota-preflight';
import { newRecord, type InstanceRecord } from './record';
import { reconcile, type NamespaceState } from './reconcile';
import { changedFields, mergeEntry, type InstanceEntry } from './spec-merge';
import { validateEntry, type SpecSource } from './spec-validate';
import { waitFor } from './wait';
import { warningsFor } from './warnings';

export interface ApplyOptions {
  /** The fields the user named: an `instances[]` entry, whole or in part. */
  readonly entry: InstanceEntry;
  readonly source: SpecSource;
  /** `create` refuses an instance that exists (`--update` turns it into `apply`); `apply` creates or merges. */
  readonly mode: 'create' | 'apply';
  /** Plan only: nothing is recorded, applied or written. */
  readonly dryRun: boolean;
  /** Also write the fields named into the config file (byte-preserving); the file is left alone otherwise. */
  readonly writeConfig: boolean;
  readonly actor: Actor;
  /** What a new instance gets when its entry does not say: the only cluster, the actor as owner. */
  readonly defaults: { readonly cluster?: string; readonly owner?: string };
  /** Wait until every pod is ready after the apply. @default false */
  readonly wait?: boolean;
  /** Deadline of the whole command (Date.now() ms); Terraform is stopped as Ctrl-C would when it passes. */
  readonly deadline?: number;
}

export interface ApplyResult {
  readonly instance: string;
  readonly cluster: string;
  readonly namespace: string;
  readonly action: 'created' | 'updated' | 'planned';
  readonly phase: Phase;
  readonly owner: string;
  readonly expiresAt?: string;
  readonly ttlHours?: number;
  readonly urls: readonly string[];
  /** Resources the plan changes (all of them with --dry-run). */
  readonly changes: readonly PlannedChange[];
  /** Top-level fields of the spec that changed. */
  readonly changedFields: readonly string[];
  readonly recordedIn: string;
  readonly config: 'written' | 'unchanged';
  /** Releases an interrupted apply had left, removed before this one. */
  readonly removedLeftovers: readonly string[];
  readonly pods?: PodCounts;
  readonly template?: string;
}

interface Existing {
  readonly record?: InstanceRecord;
  readonly store?: RecordStore;
  readonly declared?: InstanceConfig;
}

/** The instance's record and config entry, wherever they are; a `gone` record is history, not an instance. */
async function findExisting(ctx: CliContext, config: SandboxConfig, name: string, cluster?: string): Promise<Existing> {
  const declared = config.instances?.find((i) => i.name === name);
  const clusters = config.clusters.filter((c) => c.name === (declared?.cluster ?? cluster));
  const stores = clusters.length
    ? clusters.map((c) => ({ store: recordStore(ctx, config, c) }))
    : allRecordStores(ctx, config);
  for (const { store } of stores) {
    const record = await store.get(name);
    if (record) return { record, store, declared };
  }
  return { declared };
}

const TTL_DEFAULT = 48;

/** The fields of the config's template `name` that an instance would take from it, with those it `extends`. */
function templateFields(configText: string, name: unknown): string[] {
  const templates = (parse(configText) as { templates?: unknown } | null)?.templates;
  if (typeof name !== 'string' || !Array.isArray(templates)) return [];
  const probe = resolveTemplates({ templates, instances: [{ name: 'probe', template: name }] });
  const resolved = (probe.data.instances as Record<string, unknown>[] | undefined)?.[0] ?? {};
  return TEMPLATE_FIELDS.filter((f) => f in resolved);
}

/** The entry to write into the config file: the fields named, over the file's own entry when it has one. */
function configEntry(configText: string, name: string, entry: InstanceEntry): InstanceEntry {
  const raw = (parse(configText) as { instances?: Record<string, unknown>[] } | null)?.instances?.find(
    (i) => i?.name === name,
  );
  return mergeEntry(raw, entry);
}

/**
 * Creates or updates an instance from a spec: the fields named are merged into the stored spec (a field not named
 * keeps its value), validated as the config file's entries are, checked against the cluster (its API server
 * answers, the values fit the quota), recorded in the cluster's state backend, applied with only this instance's
 * stack, and the record moved to its new phase with the action in its history. The config file is written only
 * when asked. Nothing is printed: progress goes to stderr through the context, the outcome is returned.
 */
export async function applyInstance(ctx: CliContext, opts: ApplyOptions): Promise<ApplyResult> {
  const config = ctx.store.read();
  const configText = ctx.store.text();
  const name = String(opts.entry.name ?? '');
  const named = typeof opts.entry.cluster === 'string' ? opts.entry.cluster : undefined;
  const existing = await findExisting(ctx, config, name, named ?? opts.defaults.cluster);
  const stored = existing.record?.status.phase === 'gone' ? undefined : existing.record;
  if (existing.declared?.protected)
    throw new CliError(
      `instance "${name}" is protected; change it in the config file and deploy it, not from the command line`,
      EXIT.usage,
    );
  const base: InstanceConfig | undefined = stored?.spec ?? existing.declared;
  if (base && named && named !== base.cluster)
    throw new CliError(`cluster: instance "${name}" is on cluster "${base.cluster}"; an instance cannot move`);
  if (base && opts.entry.restoreFrom !== undefined && stored)
    throw new CliError(
      `restoreFrom (--restore-from): instance "${name}" exists; a restore creates a new instance (destroy this one first, or choose another name)`,
      EXIT.usage,
    );
  const withDefaults: InstanceEntry = base
    ? opts.entry
    : {
        ...(opts.defaults.cluster && !named ? { cluster: opts.defaults.cluster } : {}),
        ...(opts.defaults.owner && opts.entry.owner === undefined ? { owner: opts.defaults.owner } : {}),
        ...opts.entry,
      };
  const merged = mergeEntry(
    base as InstanceEntry | undefined,
    withDefaults,
    templateFields(configText, opts.entry.template),
  );
  const { instance: spec, config: validated } = validateEntry(ctx.store.file, configText, merged, opts.source);
  const cluster = clusterOf(config, spec.cluster, `instance "${name}"`);
  const scoped = withInstance(validated, spec);
  const ref: Pick<InstanceRef, 'name' | 'config'> = { name, config: scoped };
  const namespace = namespaceOf(spec);

  // The cluster is asked while the stack is synthesized: whether it answers, and what is there of the instance.
  const reachable = checkApiServer(ctx, cluster);
  const present = observeNamespace(ctx, cluster, namespace);
  let check: ApiServerCheck | undefined;
  const dir = await prepareStack(ctx, ref, async () => {
    check = await reachable;
    const problem = apiServerProblem(check);
    if (problem)
      throw new CliError(
        `${problem}\nNothing was planned or applied. Start the cluster or fix clusters[].connection; \`sandboxkit doctor\` checks every cluster.`,
        EXIT.failed,
      );
  });
  const observed = await present;
  const ns: NamespaceState = observed.problems.length && !observed.namespace ? 'unknown' : observed.namespace;
  const now = ctx.io.now();
  const current = reconcile(stored, ns, now, spec.protected === true);
  const isNew = !stored;
  const retry = current.failedAction === 'create' || current.phase === 'pending' || current.phase === 'creating';
  const action = isNew || retry ? 'create' : 'update';
  if (opts.mode === 'create' && isNew && existing.declared)
    throw new CliError(
      `instance "${name}" is declared in the config (${ctx.store.file}); pass --update to apply these flags to it, or use \`sandboxkit instance apply -f\``,
      EXIT.failed,
    );
  if (opts.mode === 'create' || action === 'update') {
    const refused = actionProblem(opts.mode === 'create' && !isNew ? 'create' : action, {
      name,
      phase: isNew ? 'gone' : current.phase,
      failedAction: current.failedAction,
      reason: current.reason,
    });
    if (refused) throw new CliError(refused, EXIT.failed);
  }

  const quota = await quotaPreflight(ctx, {
    dir,
    spec,
    catalog: mergeCatalog(BUILTIN_CATALOG, validated.catalog ?? []),
    kubeVersion: check?.version,
  });
  if (quota.length)
    throw new CliError(
      `the values of instance "${name}" do not fit its guardrails, so nothing was planned or applied:\n  ${quota.join('\n  ')}`,
      EXIT.usage,
    );

  // A create changes no field of an earlier spec; an update names the fields whose value it changes.
  const fields = stored ? changedFields(base as InstanceEntry | undefined, spec as unknown as InstanceEntry) : [];
  const template = typeof merged.template === 'string' ? merged.template : stored?.status.template;
  const result = {
    instance: name,
    cluster: cluster.name,
    namespace,
    owner: spec.owner,
    ttlHours: spec.protected ? undefined : (spec.ttlHours ?? TTL_DEFAULT),
    changedFields: fields,
    recordedIn: recordStore(ctx, config, cluster).where,
    template,
  };
  if (opts.dryRun) {
    const plan = await withFileSecrets(ctx, scoped, name, 'plan', (secrets) =>
      terraformChange(ctx, dir, 'plan', secrets),
    );
    return {
      ...result,
      action: 'planned',
      phase: isNew ? 'pending' : current.phase,
      urls: stored?.status.urls ?? [],
      changes: plan.changes,
      config: 'unchanged',
      removedLeftovers: [],
    };
  }

  const store = recordStore(ctx, config, cluster);
  const signal = deadlineSignal(opts.deadline);
  const applied = await withInstanceLock(ctx, name, async () => {
    const latest = await store.get(name);
    const start =
      latest && latest.status.phase !== 'gone'
        ? { ...latest, spec }
        : newRecord(spec, existing.declared ? 'config' : 'cli', ctx.io.now(), {}, latest?.history ?? []);
    const recorder = new ActionRecorder(store, start, opts.actor, action, () => ctx.io.now());
    const ttl = spec.ttlHours ?? TTL_DEFAULT;
    await recorder.begin(action === 'create' ? 'creating' : 'updating', {
      ...(template ? { template } : {}),
      ...(spec.protected
        ? {}
        : { expiresAt: latest?.status.expiresAt ?? new Date(ctx.io.now().getTime() + ttl * 3_600_000).toISOString() }),
    });
    const removed =
      // Only the retry of a create this record began removes what it left; a namespace the record knows nothing of stays.
      action === 'create' && stored && observed.namespace
        ? await removeLeftovers(ctx, cluster, dir, name, namespace)
        : [];
    let report;
    try {
      report = await withFileSecrets(ctx, scoped, name, 'apply', (secrets) =>
        terraformChange(ctx, dir, 'apply', secrets, signal),
      );
    } catch (err) {
      const events = err instanceof TerraformError ? await warningsFor(ctx, cluster, namespace) : '';
      const message = `${(err as Error).message}${events}`;
      await recorder.fail(message);
      if (err instanceof TerraformError) throw new TerraformError(message, err.changedSomething);
      throw err;
    }
    const outputs = await stackOutputs(ctx, dir, report.outputs);
    const urls = (outputs?.hostnames ?? []).map((h) => `https://${h}`);
    // The stamp and the record are independent: written at the same time.
    await Promise.all([
      recorder.succeed('ready', fields.length ? `changed ${fields.join(', ')}` : undefined, {
        urls,
        ...(outputs?.expiresAt ? { expiresAt: outputs.expiresAt } : {}),
      }),
      markApplied(ctx, cluster, namespace),
    ]);
    return { report, urls, expiresAt: outputs?.expiresAt ?? recorder.record.status.expiresAt, removed };
  });
  const pods = opts.wait
    ? await waitFor(ctx, cluster, namespace, 'ready', opts.deadline ?? Date.now() + 5 * 60_000)
    : undefined;
  let written: 'written' | 'unchanged' = 'unchanged';
  if (opts.writeConfig) {
    const entry = configEntry(ctx.store.text(), name, withDefaults);
    await ctx.store.update((text) => {
      const i = instanceIndex(text, name);
      return i >= 0 ? replaceItem('instances', i, entry) : appendItem('instances', entry);
    });
    written = 'written';
  }
  return {
    ...result,
    action: action === 'create' ? 'created' : 'updated',
    phase: 'ready',
    expiresAt: applied.expiresAt,
    urls: applied.urls,
    changes: applied.report.changes,
    config: written,
    removedLeftovers: applied.removed,
    ...(pods ? { pods } : {}),
  };
}
