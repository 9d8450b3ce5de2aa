import { existsSync, mkdirSync, renameSync, rmSync } from 'fs';
import { dirname, join, resolve } from 'path';
import { App } from 'cdktf';
import type { SandboxConfig } from '../config/types';
import { buildSandbox, type SandboxStacks } from './sandbox-app';
import { useCdktfFastPaths } from './cdktf-fast-paths';

export interface SynthResult {
  readonly outdir: string;
  readonly stacks: readonly string[];
}

/**
 * Builds every stack of `config` and writes them to `outdir`. Output goes to a
 * sibling folder first and replaces `outdir` only when the whole synth worked,
 * so a failed run leaves the previous output untouched.
 */
export function synthesize(config: SandboxConfig, outdir: string): SynthResult {
  const target = resolve(outdir);
  const staging = `${target}.staging-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(dirname(target), { recursive: true });
  try {
    const app = newApp(staging);
    const stacks = buildSandbox(app, config);
    app.synth();
    swapInto(staging, target);
    return { outdir: target, stacks: stackNames(stacks) };
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    throw err;
  }
}

/**
 * Synthesizes only `stackName` and replaces just its folder under
 * `<outdir>/stacks/`, so commands working on different instances at the same
 * time never overwrite each other's output. Returns the stack's folder.
 */
export function synthesizeStack(config: SandboxConfig, outdir: string, stackName: string): string {
  const target = resolve(outdir);
  const staging = `${target}.staging-${process.pid}-${stackName}`;
  rmSync(staging, { recursive: true, force: true });
  try {
    const app = newApp(staging);
    const stacks = buildSandbox(app, config);
    if (!stackNames(stacks).includes(stackName)) throw new Error(`no stack named "${stackName}" in the config`);
    app.synth();
    const dest = join(target, 'stacks', stackName);
    mkdirSync(dirname(dest), { recursive: true });
    swapInto(join(staging, 'stacks', stackName), dest);
    return dest;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** An App with construct and token stack traces off: they cost time and memory and say nothing at synth. */
export function newApp(outdir: string): App {
  useCdktfFastPaths();
  return new App({ outdir, stackTraces: false });
}

function swapInto(staging: string, target: string): void {
  const old = `${target}.old-${process.pid}`;
  if (existsSync(target)) renameSync(target, old);
  renameSync(staging, target);
  rmSync(old, { recursive: true, force: true });
}

function stackNames(stacks: SandboxStacks): string[] {
  return [...stacks.states.keys(), ...stacks.clusters.keys(), ...stacks.platforms.keys(), ...stacks.shared.keys(), ...stacks.instances.keys()];
}
