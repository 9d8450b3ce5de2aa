import { join, resolve } from 'path';
import type { ClusterConfig, SandboxConfig } from '../../config/types';
import { sharedNamespace } from '../../constructs/shared/shared-names';
import { sharedStackName } from '../../stacks/shared-stack';
import { synthesizeStack } from '../../synth/synthesize';
import { positionOf } from '../config-position';
import type { CliContext } from '../context';
import { CliError, EXIT } from '../io';
import { withLock } from '../lock';
import { recordStore } from '../records';
import { table } from '../table';
import { terraformChange, terraformInit } from '../terraform';
import { suggest } from '../../config/suggest';

export type SharedVerb = 'apply' | 'plan' | 'destroy';

const sharedNames = (cluster: ClusterConfig) =>
  (cluster.sharedBlocks ?? []).map((b) => (typeof b === 'string' ? b : b.name));

/** The cluster by name, with shared blocks; anything else is a usage error naming the config. */
function sharedCluster(ctx: CliContext, config: SandboxConfig, name: string): ClusterConfig {
  const names = config.clusters.map((c) => c.name);
  const cluster = config.clusters.find((c) => c.name === name);
  if (!cluster)
    throw new CliError(
      `--cluster: the config declares no cluster "${name}" (it has ${names.join(', ')})${suggest(name, names)}`,
    );
  if (!cluster.sharedBlocks?.length) {
    const where = positionOf(ctx.store.file, ctx.store.text(), ['clusters', names.indexOf(name)]);
    throw new CliError(
      `cluster "${name}" (${where}) declares no sharedBlocks, so it has no stack ${sharedStackName(name)}`,
    );
  }
  return cluster;
}

/** Instances of the config and of the cluster's records that use one of its shared blocks. */
async function usersOf(ctx: CliContext, config: SandboxConfig, cluster: ClusterConfig): Promise<string[]> {
  const shared = sharedNames(cluster);
  const uses = (i: { cluster: string; uses?: readonly string[] }) =>
    i.cluster === cluster.name && (i.uses ?? []).some((b) => shared.includes(b));
  const fromConfig = (config.instances ?? []).filter(uses).map((i) => i.name);
  const { records } = await recordStore(ctx, config, cluster).list();
  const fromRecords = records
    .filter((r) => !['failed', 'gone'].includes(r.status.phase) && uses(r.spec))
    .map((r) => r.spec.name);
  return [...new Set([...fromConfig, ...fromRecords])].sort();
}

/**
 * Plans, applies or destroys the stack of a cluster's shared blocks,
 * `shared-<cluster>`, with Terraform's progress on stderr as instance
 * commands show it. Destroy refuses while instances use the blocks.
 */
export async function sharedCommand(ctx: CliContext, verb: SharedVerb, clusterName: string): Promise<number> {
  const config = ctx.store.read();
  const cluster = sharedCluster(ctx, config, clusterName);
  const stack = sharedStackName(cluster.name);
  if (verb === 'destroy') {
    const users = await usersOf(ctx, config, cluster);
    if (users.length) {
      throw new CliError(
        `${stack} is in use by ${users.map((u) => `instance "${u}"`).join(', ')}; destroy them or remove the blocks from their uses first`,
        EXIT.failed,
      );
    }
  }
  const report = await withLock(join(resolve(ctx.outdir), '.locks', `${stack}.lock`), `stack ${stack}`, async () => {
    // The stack depends on its cluster alone: synthesizing that cluster without instances is enough, and quicker.
    const dir = synthesizeStack(
      { ...config, clusters: [cluster], instances: [], instanceGroups: [] },
      ctx.outdir,
      stack,
    );
    await terraformInit(ctx, dir);
    return terraformChange(ctx, dir, verb);
  });
  const action = { apply: 'applied', plan: 'planned', destroy: 'destroyed' }[verb];
  const blocks = sharedNames(cluster);
  ctx.io.out(
    ctx.json
      ? JSON.stringify({
          stack,
          cluster: cluster.name,
          action,
          changes: verb === 'plan' ? report.planned : report.done,
          blocks,
          namespaces: blocks.map(sharedNamespace),
        })
      : `${action} ${stack}: ${blocks.map((b) => `${b} in ${sharedNamespace(b)}`).join(', ')}${verb === 'plan' ? ` (${report.planned} to change, nothing changed)` : ''}`,
  );
  return EXIT.ok;
}

/** Every cluster's shared blocks with their namespaces and the instances that use them. */
export async function listShared(ctx: CliContext): Promise<number> {
  const config = ctx.store.read();
  const rows = [];
  for (const cluster of config.clusters.filter((c) => c.sharedBlocks?.length)) {
    for (const block of sharedNames(cluster)) {
      const users = (config.instances ?? [])
        .filter((i) => i.cluster === cluster.name && i.uses?.includes(block))
        .map((i) => i.name);
      rows.push({
        cluster: cluster.name,
        stack: sharedStackName(cluster.name),
        block,
        namespace: sharedNamespace(block),
        usedBy: users,
      });
    }
  }
  if (ctx.json) ctx.io.out(JSON.stringify(rows));
  else if (rows.length === 0) ctx.io.out('no cluster of the config shares blocks (clusters[].sharedBlocks)');
  else
    table(
      ctx.io,
      ['CLUSTER', 'STACK', 'BLOCK', 'NAMESPACE', 'USED BY'],
      rows.map((r) => [r.cluster, r.stack, r.block, r.namespace, r.usedBy.join(', ') || '-']),
    );
  return EXIT.ok;
}
