import { existsSync, rmSync } from 'fs';
import { join, resolve } from 'path';
import type { InstanceConfig, SandboxConfig } from '../config/types';
import { instanceStackName } from '../stacks/names';
import { synthesizeStack } from '../stacks/synthesize';
import type { CliContext } from './context';
import { CliError, EXIT } from './io';

/** The instance and its cluster only: their stack is the same as in the whole config, and quicker to build. */
export function reducedConfig(config: SandboxConfig, name: string): SandboxConfig {
  const instance = findInstance(config, name);
  return { ...config, clusters: config.clusters.filter((c) => c.name === instance.cluster), instances: [instance] };
}

export function findInstance(config: SandboxConfig, name: string): InstanceConfig {
  const instance = config.instances?.find((i) => i.name === name);
  if (!instance) {
    const known = (config.instances ?? []).map((i) => i.name).join(', ') || 'none';
    throw new CliError(`unknown instance "${name}"; the config has ${known}`);
  }
  return instance;
}

export function stackDir(ctx: CliContext, name: string): string {
  return join(resolve(ctx.outdir), 'stacks', instanceStackName(name));
}

/** Runs one Terraform command in a stack folder, reporting elapsed time on stderr. */
export async function terraform(ctx: CliContext, dir: string, args: readonly string[], label: string): Promise<string> {
  const start = Date.now();
  ctx.io.err(`${label} ...`);
  const result = await ctx.tools.run('terraform', [`-chdir=${dir}`, ...args]);
  const seconds = ((Date.now() - start) / 1000).toFixed(1);
  if (result.code === 130) throw new CliError(`${label} interrupted after ${seconds}s`, EXIT.interrupted);
  if (result.code !== 0) {
    const tail = `${result.stderr}${result.stdout}`.trim().split('\n').slice(-15).join('\n');
    throw new CliError(`${label} failed after ${seconds}s:\n${tail}`, EXIT.failed);
  }
  ctx.io.err(`${label} done (${seconds}s)`);
  return result.stdout;
}

/** Synthesizes the instance's stack and applies it (or plans it, for a dry run). */
export async function deployInstance(ctx: CliContext, config: SandboxConfig, name: string, dryRun: boolean): Promise<string> {
  const dir = synthesizeStack(reducedConfig(config, name), ctx.outdir, instanceStackName(name));
  await terraform(ctx, dir, ['init', '-input=false', '-no-color'], `init ${instanceStackName(name)}`);
  if (dryRun) return terraform(ctx, dir, ['plan', '-input=false', '-no-color'], `plan ${instanceStackName(name)}`);
  return terraform(ctx, dir, ['apply', '-auto-approve', '-input=false', '-no-color'], `apply ${instanceStackName(name)}`);
}

/** Destroys the instance's resources; its stack is synthesized again so that destroy knows them. */
export async function destroyInstance(ctx: CliContext, config: SandboxConfig, name: string): Promise<void> {
  const dir = synthesizeStack(reducedConfig(config, name), ctx.outdir, instanceStackName(name));
  await terraform(ctx, dir, ['init', '-input=false', '-no-color'], `init ${instanceStackName(name)}`);
  await terraform(ctx, dir, ['destroy', '-auto-approve', '-input=false', '-no-color'], `destroy ${instanceStackName(name)}`);
}

/** Removes what a destroyed instance leaves on this machine: its stack folder and its local state file. */
export function forgetInstance(ctx: CliContext, config: SandboxConfig, name: string): void {
  const instance = findInstance(config, name);
  const cluster = config.clusters.find((c) => c.name === instance.cluster);
  const state = cluster?.state ?? config.state ?? { backend: 'local' as const };
  if (state.backend === 'local') {
    const file = join(resolve(ctx.outdir), '..', state.directory ?? 'state', `${instanceStackName(name)}.tfstate`);
    for (const f of [file, `${file}.backup`]) rmSync(f, { force: true });
  }
  rmSync(stackDir(ctx, name), { recursive: true, force: true });
}

export interface InstanceOutputs {
  readonly namespace?: string;
  readonly createdAt?: string;
  readonly expiresAt?: string;
  readonly hostnames: readonly string[];
}

/** The instance's Terraform outputs, or undefined when it has no deployed stack here. */
export async function readOutputs(ctx: CliContext, name: string): Promise<InstanceOutputs | undefined> {
  const dir = stackDir(ctx, name);
  if (!existsSync(dir)) return undefined;
  const result = await ctx.tools.run('terraform', [`-chdir=${dir}`, 'output', '-json', '-no-color']);
  if (result.code !== 0) return undefined;
  let raw: Record<string, { value: unknown }>;
  try {
    raw = JSON.parse(result.stdout || '{}');
  } catch {
    return undefined;
  }
  if (Object.keys(raw).length === 0) return undefined;
  const str = (k: string) => (typeof raw[k]?.value === 'string' ? (raw[k].value as string) : undefined);
  return {
    namespace: str('namespace'),
    createdAt: str('created_at'),
    expiresAt: str('expires_at'),
    hostnames: Array.isArray(raw.hostnames?.value) ? (raw.hostnames.value as string[]) : [],
  };
}

/** Whether outputs say the instance has expired at `now`. */
export function isExpired(outputs: InstanceOutputs | undefined, now: Date): boolean {
  return outputs?.expiresAt !== undefined && Date.parse(outputs.expiresAt) <= now.getTime();
}
