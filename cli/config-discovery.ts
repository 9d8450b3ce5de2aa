import { existsSync } from 'fs';
import { dirname, join, resolve } from 'path';
import { CliError } from './io';

/** The file name looked for in the working folder and its parents. */
export const CONFIG_NAME = 'sandbox.yaml';

/** The config file a command uses, and how it was chosen. */
export interface FoundConfig {
  readonly file: string;
  readonly from: '--config' | '$SANDBOX_CONFIG' | 'search';
}

/**
 * The config file: `--config`, else `$SANDBOX_CONFIG`, else `sandbox.yaml` in the working folder or the nearest
 * parent that has one (as git finds its repository). None found is an error that says where it looked and how to
 * make one.
 */
export function findConfig(flag: string | undefined, env: NodeJS.ProcessEnv, cwd: string): FoundConfig {
  if (flag) return { file: flag, from: '--config' };
  if (env.SANDBOX_CONFIG) return { file: env.SANDBOX_CONFIG, from: '$SANDBOX_CONFIG' };
  const looked: string[] = [];
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const file = join(dir, CONFIG_NAME);
    looked.push(dir);
    if (existsSync(file)) return { file, from: 'search' };
    if (dirname(dir) === dir) break;
  }
  throw new CliError(
    `no sandbox config: there is no ${CONFIG_NAME} in ${looked[0]} or its parents, no --config and no $SANDBOX_CONFIG.\nWrite one for an existing cluster with \`sandboxkit init\` (it asks kubectl's current context), or pass --config <file>.`,
  );
}
