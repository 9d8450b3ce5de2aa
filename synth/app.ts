import { App } from 'cdktf';
import type { SandboxConfig } from '../config/types';
import { buildSandbox, type SandboxStacks } from '../stacks/sandbox-app';
import { useCdktfFastPaths } from './cdktf-fast-paths';
import type { StackSelection } from './shards';

/** An App with construct and token stack traces off: they cost time and memory and say nothing at synth. */
export function newApp(outdir: string): App {
  useCdktfFastPaths();
  return new App({ outdir, stackTraces: false });
}

/** Builds and synthesizes the stacks `selection` names into `outdir`, in this thread. */
export function synthesizeSelection(config: SandboxConfig, outdir: string, selection: StackSelection): SandboxStacks {
  const app = newApp(outdir);
  const stacks = buildSandbox(app, config, selection);
  app.synth();
  return stacks;
}
