import type { ClusterConfig, InstanceConfig, SandboxConfig } from '../../config/types';
import { BUILTIN_CATALOG } from '../../constructs/catalog/builtin';
import { mergeCatalog } from '../../constructs/catalog/merge';
import { isCloudNativePgCluster } from '../../constructs/instance/database-backup';
import { DNS_LABEL } from '../../constructs/names';
import type { CliContext } from '../context';
import { CliError, EXIT } from '../io';
import { resolveInstance } from '../instances';
import { kubectl } from '../kube';

/** The CloudNativePG blocks of an instance: the Clusters it backs up, by name. */
export function databaseBlocks(config: SandboxConfig, instance: InstanceConfig): string[] {
  const catalog = mergeCatalog(BUILTIN_CATALOG, config.catalog ?? []);
  return instance.blocks
    .map((b) => (typeof b === 'string' ? b : b.name))
    .filter((b) => isCloudNativePgCluster(catalog.get(b)));
}

/** `YYYYMMDDhhmmss` of a time, for backup names that sort by when they were taken. */
const stamp = (t: Date) => t.toISOString().replace(/[-:T]/g, '').slice(0, 14);

export interface BackupResult {
  readonly instance: string;
  readonly namespace: string;
  /** One Backup per CloudNativePG Cluster of the instance. */
  readonly backups: readonly { readonly name: string; readonly cluster: string }[];
}

/**
 * An on-demand base backup of every CloudNativePG database of the instance: a `Backup` per Cluster, which the
 * operator runs to the instance's folder of the cluster's backup store.
 */
export async function backupInstance(ctx: CliContext, name: string, backupName?: string): Promise<number> {
  const { instance, cluster, config } = await resolveInstance(ctx, ctx.store.read(), name);
  if (!instance.backup)
    throw new CliError(
      `instance "${name}" has no backup: add \`backup: {}\` (or a schedule) to it and deploy it first`,
      EXIT.usage,
    );
  const namespace = instance.namespace ?? instance.name;
  const clusters = databaseBlocks(config, instance);
  if (backupName && clusters.length > 1)
    throw new CliError(
      `--name: instance "${name}" has ${clusters.length} databases (${clusters.join(', ')}); leave --name out to back up each`,
      EXIT.usage,
    );
  if (backupName && (!DNS_LABEL.test(backupName) || backupName.length > 63))
    throw new CliError(`--name: must be a DNS label of at most 63 characters, got "${backupName}"`, EXIT.usage);
  const when = stamp(ctx.io.now());
  const backups = clusters.map((c) => ({ name: backupName ?? `${c}-${when}`, cluster: c }));
  for (const b of backups) {
    const manifest = {
      apiVersion: 'postgresql.cnpg.io/v1',
      kind: 'Backup',
      metadata: {
        name: b.name,
        namespace,
        labels: { 'app.kubernetes.io/managed-by': 'sandboxkit', 'cnpg.io/cluster': b.cluster },
      },
      spec: { cluster: { name: b.cluster }, method: 'barmanObjectStore' },
    };
    await kubectl(ctx, cluster, ['create', '-f', '-', '-o', 'name'], JSON.stringify(manifest));
  }
  const result: BackupResult = { instance: name, namespace, backups };
  if (ctx.json) ctx.io.out(JSON.stringify(result));
  else
    ctx.io.out(
      `started ${backups.map((b) => `backup/${b.name}`).join(', ')} of instance ${name}; \`kubectl get backups -n ${namespace}\` shows when it completes`,
    );
  return EXIT.ok;
}

/** What `--restore-from <source>[/<backup>]` names. */
export interface RestoreSpec {
  readonly instance: string;
  readonly backup?: string;
}

export function parseRestoreFrom(spec: string): RestoreSpec {
  const [instance, backup, ...rest] = spec.split('/');
  const label = (s: string | undefined) => !!s && DNS_LABEL.test(s) && s.length <= 63;
  if (!label(instance) || rest.length || (backup !== undefined && !label(backup))) {
    throw new CliError(
      `--restore-from ${spec}: expected <instance> or <instance>/<backup>, e.g. staging or staging/postgresql-20261123020000`,
      EXIT.usage,
    );
  }
  return { instance, backup };
}

/**
 * The `restoreFrom` of a new instance: from the source's latest WAL, or up to the end of one of its backups,
 * read from the Backup's status (the source's namespace must still hold it).
 */
export async function restoreFromSpec(
  ctx: CliContext,
  config: SandboxConfig,
  cluster: ClusterConfig,
  spec: RestoreSpec,
): Promise<NonNullable<InstanceConfig['restoreFrom']>> {
  if (!spec.backup) return { instance: spec.instance };
  const source = config.instances?.find((i) => i.name === spec.instance);
  const namespace = source?.namespace ?? spec.instance;
  const backup = JSON.parse(
    await kubectl(ctx, cluster, ['get', 'backups.postgresql.cnpg.io', spec.backup, '-n', namespace, '-o', 'json']),
  ) as { status?: { phase?: string; stoppedAt?: string } };
  const stoppedAt = backup.status?.stoppedAt;
  if (backup.status?.phase !== 'completed' || !stoppedAt) {
    throw new CliError(
      `--restore-from ${spec.instance}/${spec.backup}: the backup has not completed (phase: ${backup.status?.phase ?? 'none yet'}); wait for it, or restore from ${spec.instance} alone (its latest WAL)`,
      EXIT.failed,
    );
  }
  return { instance: spec.instance, targetTime: new Date(stoppedAt).toISOString().replace(/\.000Z$/, 'Z') };
}
