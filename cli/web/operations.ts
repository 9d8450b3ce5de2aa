import type { InstanceConfig } from '../../config/types';
import { dailyCost } from '../cost';
import { entryFromFlags, FLAG_OF } from '../commands/instance/create-spec';
import type { CliContext } from '../context';
import { parseTtlHours } from '../duration';
import { resolveInstance } from '../instances';
import type { Actor } from '../lifecycle/actor';
import { applyInstance } from '../lifecycle/apply';
import { destroyInstance } from '../lifecycle/destroy';
import { extendInstance } from '../lifecycle/extend';
import { instanceDocument, type InstanceDocument } from '../lifecycle/status';
import { startInstance, stopInstance } from '../lifecycle/stop-start';
import { listInstances } from '../lifecycle/view';
import { readChecks, type InstanceChecks } from './checks';
import type { ListRow } from './list-page';

/** What the page reads and does: the CLI's own lifecycle functions (unit tests pass stand-ins). */
export interface WebOperations {
  list(): Promise<{ rows: ListRow[]; warnings: readonly string[] }>;
  document(name: string): Promise<InstanceDocument>;
  checks(doc: InstanceDocument): Promise<InstanceChecks | { readonly problem: string }>;
  /** The spec of an instance, for the decision who may act on it. */
  spec(name: string): Promise<InstanceConfig>;
  extend(name: string, ttl: string, actor: Actor): Promise<void>;
  stop(name: string, actor: Actor): Promise<void>;
  start(name: string, actor: Actor): Promise<void>;
  destroy(name: string, actor: Actor): Promise<void>;
  create(form: { name: string; template: string; cluster?: string; ttl?: string }, actor: Actor): Promise<void>;
  clusters(): string[];
  configText(): string;
}

/** The operations on the config and clusters of `ctx`, as `sandboxkit instance ...` runs them. */
export function cliOperations(ctx: CliContext): WebOperations {
  return {
    async list() {
      const config = ctx.store.read();
      const listing = await listInstances(ctx, config, { observe: true });
      const rows = listing.instances.map((v) => ({
        name: v.name,
        cluster: v.cluster,
        owner: v.owner,
        phase: v.phase,
        blocks: (v.spec?.blocks ?? []).map((b) => (typeof b === 'string' ? b : b.name)),
        expiresAt: v.expiresAt,
        protected: v.protected,
        dailyCostUsd: v.ref && v.spec ? dailyCost(v.ref.cluster, v.spec).usd : null,
        unobserved: v.observed === 'unreachable',
      }));
      return { rows, warnings: listing.warnings };
    },
    document: (name) => instanceDocument(ctx, name),
    async checks(doc) {
      const cluster = ctx.store.read().clusters.find((c) => c.name === doc.status.cluster);
      if (!cluster || !doc.status.pods) return { seeds: [], tests: [] };
      return readChecks(ctx, cluster, doc.status.namespace);
    },
    async spec(name) {
      return (await resolveInstance(ctx, ctx.store.read(), name)).instance;
    },
    async extend(name, ttl, actor) {
      await extendInstance(ctx, { name, ttlHours: parseTtlHours(ttl, '--ttl'), dryRun: false, actor });
    },
    async stop(name, actor) {
      await stopInstance(ctx, { name, dryRun: false, actor });
    },
    async start(name, actor) {
      await startInstance(ctx, { name, dryRun: false, actor });
    },
    async destroy(name, actor) {
      await destroyInstance(ctx, { name, dryRun: false, actor });
    },
    async create(form, actor) {
      const config = ctx.store.read();
      const ttlHours = form.ttl ? parseTtlHours(form.ttl, '--ttl') : undefined;
      const cluster = form.cluster ?? (config.clusters.length === 1 ? config.clusters[0].name : undefined);
      const entry = entryFromFlags(
        { name: form.name, template: form.template, cluster, owner: actor.name, ttlHours },
        config,
        ctx.store.text(),
        undefined,
      );
      await applyInstance(ctx, {
        entry,
        source: { kind: 'flags', flagOf: FLAG_OF },
        mode: 'create',
        dryRun: false,
        writeConfig: false,
        actor,
        defaults: { cluster, owner: actor.name },
      });
    },
    clusters: () => ctx.store.read().clusters.map((c) => c.name),
    configText: () => ctx.store.text(),
  };
}
