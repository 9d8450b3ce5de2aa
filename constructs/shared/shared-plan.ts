import type { CatalogEntry, DatabaseEngine } from '../catalog/types';
import { perConsumerProblem } from '../catalog/database-offer';
import { matchesRequirement } from '../instance/match';
import { resolveBlocks } from '../instance/resolver';
import { fillPlaceholders, mergeValues } from '../instance/values';
import { sharedNamespace } from './shared-names';

/** Host name every shared block's hostname lies under: `<block>.shared.<domain>`. */
export const SHARED_HOSTNAME_LABEL = 'shared';

/** An instance that uses some of the cluster's shared blocks, with the catalog entries of its own blocks. */
export interface SharedBlockUser {
  readonly instance: string;
  readonly namespace: string;
  readonly uses: readonly string[];
  readonly blocks: readonly { readonly name: string; readonly entry: CatalogEntry }[];
}

/** A shared block's database of its own on another shared block of the cluster. */
export interface SharedDatabaseGrant {
  /** The shared block that provides the engine. */
  readonly provider: string;
  readonly engine: DatabaseEngine;
  /** `<consumer>-database`, in both namespaces: the consumer reads it, the provider's operator sets the password. */
  readonly secret: string;
  readonly host: string;
  readonly port: number;
  /** The connection URI with `{password}` standing for the generated password. */
  readonly uri: string;
}

export interface PlannedSharedBlock {
  readonly name: string;
  readonly entry: CatalogEntry;
  readonly values: Readonly<Record<string, unknown>>;
  /** Shared blocks this one requires; they install first. */
  readonly dependsOn: readonly string[];
  readonly database?: SharedDatabaseGrant;
}

export interface SharedPlan {
  /** The cluster's shared blocks in install order. */
  readonly blocks: readonly PlannedSharedBlock[];
  readonly warnings: readonly string[];
}

export interface SharedPlanProps {
  readonly cluster: string;
  readonly domain: string;
  readonly blocks: readonly { readonly name: string; readonly values?: Readonly<Record<string, unknown>> }[];
  readonly catalog: ReadonlyMap<string, CatalogEntry>;
  /** Instances of the config that use the cluster's shared blocks; their blocks' influences reach those. */
  readonly users: readonly SharedBlockUser[];
}

/**
 * Plans a cluster's shared blocks as one graph: requirements between them become install order, influences between
 * them apply (each with its own namespace), the influences of the instances' blocks on the shared blocks they use
 * apply too, and a shared block that needs a database gets one of its own on the shared block of that engine.
 */
export function planSharedBlocks(props: SharedPlanProps): SharedPlan {
  const where = `shared blocks of cluster "${props.cluster}"`;
  const inputs = props.blocks.map(({ name, values }) => {
    const entry = props.catalog.get(name);
    if (!entry) throw new Error(`${where}: "${name}" is not in the catalog`);
    const namespace = sharedNamespace(name);
    const vars = { instance: SHARED_HOSTNAME_LABEL, namespace, domain: props.domain, block: name };
    return { name, entry, values: mergeValues(fillPlaceholders(entry.values ?? {}, vars), values ?? {}), vars };
  });
  const resolution = resolveBlocks(`shared-${props.cluster}`, inputs, { domain: props.domain });
  const values = new Map(resolution.blocks.map((b) => [b.name, b.values]));

  // What the instances' blocks ask of the shared blocks they use.
  for (const user of props.users) {
    for (const block of user.blocks) {
      for (const influence of block.entry.influences ?? []) {
        for (const target of user.uses) {
          const entry = props.catalog.get(target);
          if (!entry || !values.has(target) || !matchesRequirement(entry.labels, influence.target)) continue;
          const vars = { instance: user.instance, namespace: user.namespace, domain: props.domain, block: block.name };
          values.set(target, mergeValues(values.get(target)!, fillPlaceholders(influence.values, vars), true));
        }
      }
    }
  }

  const grants = new Map<string, SharedDatabaseGrant>();
  for (const consumer of inputs) {
    const engine = consumer.entry.needs?.database;
    if (!engine) continue;
    const providers = inputs.filter((p) => p.name !== consumer.name && p.entry.provides?.database?.engine === engine);
    if (providers.length !== 1)
      throw new Error(
        `${where}: "${consumer.name}" needs a ${engine} database, and ${providers.length ? `${providers.map((p) => `"${p.name}"`).join(' and ')} both provide one` : 'no shared block provides one'}; share exactly one block of that engine`,
      );
    const provider = providers[0];
    const offer = provider.entry.provides!.database!;
    const problem = perConsumerProblem(offer.perConsumer);
    if (problem) throw new Error(`${where}: "${provider.name}" provides.database.perConsumer ${problem}`);
    const secret = `${consumer.name}-database`;
    const host = `${fillPlaceholders(offer.service, { block: provider.name })}.${sharedNamespace(provider.name)}.svc.cluster.local`;
    const uri = fillPlaceholders(offer.uri, {
      username: consumer.name,
      host,
      port: String(offer.port),
      database: consumer.name,
    });
    grants.set(consumer.name, { provider: provider.name, engine, secret, host, port: offer.port, uri });
    const addition = fillPlaceholders(offer.perConsumer, { consumer: consumer.name, secret, block: provider.name });
    values.set(provider.name, mergeValues(values.get(provider.name)!, addition, true));
  }

  return {
    blocks: resolution.blocks.map((b) => {
      const grant = grants.get(b.name);
      const filled = grant
        ? fillPlaceholders(values.get(b.name)!, {
            dbhost: grant.host,
            dbport: String(grant.port),
            dbname: b.name,
            dbuser: b.name,
            dbsecret: grant.secret,
          })
        : values.get(b.name)!;
      return {
        name: b.name,
        entry: b.entry,
        values: filled,
        dependsOn: [...new Set([...b.dependsOn, ...(grant ? [grant.provider] : [])])],
        database: grant,
      };
    }),
    warnings: resolution.warnings,
  };
}
