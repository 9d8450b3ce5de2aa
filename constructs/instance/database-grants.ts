import { perConsumerProblem } from '../catalog/database-offer';
import { MANAGED_DATABASE_URI, type ManagedDatabase, type ManagedDatabaseConsumer } from './managed-database';
import type { BlockInput, ResolvedBlock } from './resolver';
import { fillPlaceholders, mergeValues } from './values';
import type { WiringFacts } from './wiring';

/** A block's own database on the instance's provider of its engine. */
export interface DatabaseGrant {
  /** The providing block; none when the instance's managed server provides. */
  readonly provider?: BlockInput;
  /** The Secret with the block's user and password, `<block>-database`. */
  readonly secret: string;
  /** What the consuming block is wired with: host, port, database, user and Secret. */
  readonly facts: WiringFacts;
  /** Keys of the Secret besides the generated `password`, in which `{password}` stands for it. */
  readonly keys: Readonly<Record<string, string>>;
}

/**
 * For every block that needs a database: the instance's provider of that engine, the Secret with
 * the block's own user and password, and the facts the block is wired with. Two providers of one
 * engine are an error; a block with no provider of its engine gets none.
 */
export function databaseGrants(
  where: string,
  inputs: readonly BlockInput[],
  namespace: string,
  managed?: ManagedDatabase,
): Map<string, DatabaseGrant> {
  const grants = new Map<string, DatabaseGrant>();
  for (const consumer of inputs) {
    const engine = consumer.entry.needs?.database;
    if (!engine) continue;
    const providers = inputs.filter((b) => b.name !== consumer.name && b.entry.provides?.database?.engine === engine);
    if (managed?.engine === engine) {
      if (providers.length) {
        throw new Error(
          `${where}: block "${consumer.name}" needs a ${engine} database, and both block "${providers[0].name}" ` +
            `and the instance's managed database provide one; keep one`,
        );
      }
      grants.set(
        consumer.name,
        databaseGrant(consumer, managed.host, managed.port, MANAGED_DATABASE_URI[managed.engine]),
      );
      continue;
    }
    if (providers.length === 0) continue;
    if (providers.length > 1) {
      const names = providers.map((p) => `"${p.name}"`).join(' and ');
      throw new Error(
        `${where}: block "${consumer.name}" needs a ${engine} database, and ${names} both provide one; keep one`,
      );
    }
    const provider = providers[0];
    const offer = provider.entry.provides!.database!;
    const problem = perConsumerProblem(offer.perConsumer);
    if (problem) throw new Error(`${where}: block "${provider.name}" provides.database.perConsumer ${problem}`);
    const host = `${fillPlaceholders(offer.service, { block: provider.name })}.${namespace}.svc.cluster.local`;
    grants.set(consumer.name, { ...databaseGrant(consumer, host, offer.port, offer.uri), provider });
  }
  return grants;
}

/** A consumer's own database, user and Secret on the server at `host`. */
function databaseGrant(consumer: BlockInput, host: string, port: number, uriTemplate: string): DatabaseGrant {
  const secret = `${consumer.name}-database`;
  const uri = fillPlaceholders(uriTemplate, {
    username: consumer.name,
    host,
    port: String(port),
    database: consumer.name,
  });
  const uriKey = consumer.entry.needs?.databaseUriKey;
  return {
    secret,
    keys: {
      username: consumer.name,
      database: consumer.name,
      host,
      port: String(port),
      uri,
      ...(uriKey ? { [uriKey]: uri } : {}),
    },
    facts: {
      databaseHost: host,
      databasePort: String(port),
      databaseName: consumer.name,
      databaseUser: consumer.name,
      databaseSecret: secret,
    },
  };
}

/**
 * The users of the managed server: each consumer whose grant is on it, with its own database and those influences
 * ask the server for on its behalf (`databases: [{ name, owner }]` in `managedValues`, the server's resolved values).
 */
export function managedDatabaseConsumers(
  where: string,
  grants: ReadonlyMap<string, DatabaseGrant>,
  managedValues: Readonly<Record<string, unknown>>,
): ManagedDatabaseConsumer[] {
  return [...grants]
    .filter(([, g]) => !g.provider)
    .map(([consumer, g]) => ({
      user: consumer,
      secret: g.secret,
      databases: [consumer, ...extraDatabases(where, managedValues, consumer)],
    }));
}

/** Further databases influences ask the managed server for on behalf of `consumer` (`databases: [{ name, owner }]`). */
function extraDatabases(where: string, values: Readonly<Record<string, unknown>>, consumer: string): string[] {
  const listed = Array.isArray(values.databases) ? (values.databases as unknown[]) : [];
  return listed.flatMap((d) => {
    const db = d as { name?: unknown; owner?: unknown };
    if (db.owner !== consumer || typeof db.name !== 'string' || db.name === consumer) return [];
    // The users job quotes the name as an identifier; only plain names keep that quoting sound.
    if (!/^[a-z][a-z0-9_-]{0,62}$/.test(db.name))
      throw new Error(
        `${where}: block "${consumer}" asks the managed database for a database named "${db.name}"; ` +
          `names are lower-case letters, digits, "_" and "-"`,
      );
    return [db.name];
  });
}

/** The `{db…}` placeholders a consuming block's values may use. */
export function databasePlaceholders(facts: WiringFacts): Record<string, string> {
  return {
    dbhost: facts.databaseHost!,
    dbport: facts.databasePort!,
    dbname: facts.databaseName!,
    dbuser: facts.databaseUser!,
    dbsecret: facts.databaseSecret!,
  };
}

/** Each provider's values with a database and user of their own for each of its consumers. */
export function withConsumerDatabases(
  blocks: readonly ResolvedBlock[],
  grants: ReadonlyMap<string, DatabaseGrant>,
): ResolvedBlock[] {
  return blocks.map((block) => {
    let values = block.values;
    for (const [consumer, grant] of grants) {
      if (grant.provider?.name !== block.name) continue;
      const addition = fillPlaceholders(block.entry.provides!.database!.perConsumer, {
        consumer,
        secret: grant.secret,
        block: block.name,
      });
      values = mergeValues(values, addition, true);
    }
    return { ...block, values };
  });
}
