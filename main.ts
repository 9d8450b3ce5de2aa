// First: compiled code kept between runs, cdktf's zip library loaded only if used.
import './synth/process-start';
import { ConfigError, loadConfig } from './config/load';
import { formatWarning } from './synth/warnings';
import { synthesize } from './synth/synthesize';

/** Config file: `--config <file>`, else SANDBOX_CONFIG, else the example. */
export function configPath(argv: readonly string[], env: NodeJS.ProcessEnv): string {
  const flag = argv.indexOf('--config');
  if (flag >= 0 && argv[flag + 1]) return argv[flag + 1];
  return env.SANDBOX_CONFIG || 'examples/sandbox.yaml';
}

/** Validates the config, then synthesizes every stack; returns the process exit code. */
export function main(argv: readonly string[], env: NodeJS.ProcessEnv): number {
  const file = configPath(argv, env);
  try {
    const config = loadConfig(file);
    const result = synthesize(config, env.CDKTF_OUTDIR || 'cdktf.out');
    for (const w of result.warnings) process.stderr.write(`${formatWarning(w)}\n`);
    if (!env.CDKTF_OUTDIR) {
      process.stdout.write(`synthesized ${result.stacks.length} stacks from ${file} into ${result.outdir}\n`);
    }
    return 0;
  } catch (err) {
    const message = err instanceof ConfigError ? err.message : `synth failed for ${file}: ${(err as Error).message}`;
    process.stderr.write(`${message}\n`);
    return 1;
  }
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2), process.env);
}
