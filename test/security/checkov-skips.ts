import { readFileSync } from 'fs';
import { join } from 'path';
import { parse } from 'yaml';
import type { SandboxConfig } from '../../config/types';

export interface Skip {
  readonly id: string;
  readonly reason: string;
  readonly option?: string;
}

interface SkipFile {
  readonly terraform: Skip[];
  /** Checks checkov crashes on, which therefore never report. */
  readonly crashes: Skip[];
  readonly options: Skip[];
  readonly kubernetes: Skip[];
}

export const SKIPS: SkipFile = parse(readFileSync(join(__dirname, '..', '..', 'security', 'checkov.yaml'), 'utf8'));

/** The options of `config` that option-dependent skips name. */
export function activeOptions(config: SandboxConfig): Set<string> {
  const on = new Set<string>();
  for (const state of [config.state, ...config.clusters.map((c) => c.state)]) {
    if (state && state.backend !== 'local' && state.create) on.add('state-bootstrap');
  }
  for (const c of config.clusters) {
    if (c.cloud === 'aws' && (c.publicAccessCidrs?.length ?? 0) > 0) on.add('aws-public-endpoint');
    if (c.cloud === 'azure' && c.privateCluster === false && (c.authorizedIpRanges?.length ?? 0) > 0)
      on.add('azure-public-api');
    if (c.cloud === 'gcp' && c.mode === 'autopilot') on.add('gcp-autopilot');
  }
  const cloudOf = new Map(config.clusters.map((c) => [c.name, c.cloud]));
  for (const i of config.instances ?? []) {
    const r = i.cloudResources;
    if (!r || (r.source ?? 'cloud') !== 'cloud') continue;
    const cloud = cloudOf.get(i.cluster);
    if (cloud === 'aws' && r.objectStorage) on.add('instance-object-storage');
    if (cloud === 'azure') on.add('azure-instance-storage');
    if (cloud === 'gcp' && r.objectStorage) on.add('gcp-instance-bucket');
  }
  if (config.instances?.some((i) => i.database?.source === 'managed')) on.add('instance-managed-database');
  return on;
}

/** Check ids to skip for the Terraform of `config`. */
export function terraformSkips(config: SandboxConfig): string[] {
  const on = activeOptions(config);
  return [...SKIPS.terraform.map((s) => s.id), ...SKIPS.options.filter((s) => on.has(s.option!)).map((s) => s.id)];
}
