import { suggest } from '../config/suggest';
import type { ClusterConfig, SandboxConfig } from '../config/types';
import { CliError } from './io';

/** The cluster `--cluster` names (with did-you-mean), else the config's only cluster; undefined when it has several. */
export function clusterFlag(config: SandboxConfig, flag: string | undefined): ClusterConfig | undefined {
  const names = config.clusters.map((c) => c.name);
  if (flag !== undefined) {
    const cluster = config.clusters.find((c) => c.name === flag);
    if (!cluster)
      throw new CliError(
        `--cluster: the config declares no cluster "${flag}" (it has ${names.join(', ')})${suggest(flag, names)}`,
      );
    return cluster;
  }
  return config.clusters.length === 1 ? config.clusters[0] : undefined;
}

/** The error for a new instance when the config has several clusters and none is named. */
export function clusterRequired(config: SandboxConfig): CliError {
  return new CliError(
    `--cluster: the config has ${config.clusters.length} clusters (${config.clusters.map((c) => c.name).join(', ')}); name the one for the new instance`,
  );
}
