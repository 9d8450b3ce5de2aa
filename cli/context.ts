import type { ConfigStore } from './config-store';
import type { Io } from './io';
import type { ToolRunner } from './tools';

/** Everything a command works with. */
export interface CliContext {
  readonly io: Io;
  readonly tools: ToolRunner;
  readonly store: ConfigStore;
  /** Where stacks are synthesized, `cdktf.out` by default. */
  readonly outdir: string;
  /** Print JSON on stdout instead of tables. */
  readonly json: boolean;
}
