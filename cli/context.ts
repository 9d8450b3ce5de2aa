import type { ConfigStore } from './config-store';
import type { Io } from './io';
import type { ToolRunner } from './tools';

/** Everything a command works with. */
export interface CliContext {
  readonly io: Io;
  readonly tools: ToolRunner;
  /** The config file, found when a command first asks for it (--config, $SANDBOX_CONFIG, sandbox.yaml above). */
  readonly store: ConfigStore;
  /** `--config` as given, for commands that write a config (init). */
  readonly configFlag?: string;
  /** Where stacks are synthesized, `cdktf.out` by default. */
  readonly outdir: string;
  /** Print JSON on stdout instead of tables. */
  readonly json: boolean;
  /** Pass on what tools print that is noise when all goes well (`terraform init`). */
  readonly verbose: boolean;
}
