import { execFileSync, spawnSync } from 'child_process';
import { existsSync } from 'fs';
import { join } from 'path';

const ROOT = join(__dirname, '..');

/**
 * Path of a pinned tool that scripts/install-tools.sh installs. `npm test` starts the installs in the background;
 * a test that needs a tool not there yet runs the script for it, which waits for that install (or makes it). A tool
 * that cannot be installed fails the test that needs it: nothing is skipped, in CI or elsewhere.
 */
export function requireTool(name: 'helm' | 'checkov'): string {
  const local = name === 'helm' ? join(ROOT, '.tools', 'bin', 'helm') : join(ROOT, '.venv', 'bin', 'checkov');
  if (existsSync(local)) return local;
  const install = spawnSync('bash', [join(ROOT, 'scripts', 'install-tools.sh'), name], { encoding: 'utf8' });
  if (install.status === 0 && existsSync(local)) return local;
  throw new Error(`${name} is not installed, and scripts/install-tools.sh ${name} failed:\n${install.stderr}`);
}

/** Runs a tool and returns its standard output; a non-zero exit throws with its output. */
export function run(tool: string, args: readonly string[], cwd = ROOT): string {
  try {
    return execFileSync(tool, [...args], {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${tool} ${args.join(' ')} failed:\n${e.stdout ?? ''}${e.stderr ?? e.message}`, { cause: err });
  }
}
