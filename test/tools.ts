import { execFileSync } from 'child_process';
import { existsSync } from 'fs';
import { join } from 'path';

const ROOT = join(__dirname, '..');

/**
 * Path of a pinned tool that scripts/install-tools.sh installs. A missing tool
 * fails the test that needs it: nothing is skipped, in CI or elsewhere.
 */
export function requireTool(name: 'helm' | 'checkov'): string {
  const local = name === 'helm' ? join(ROOT, '.tools', 'bin', 'helm') : join(ROOT, '.venv', 'bin', 'checkov');
  if (existsSync(local)) return local;
  try {
    return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error(`${name} is not installed: run "bash scripts/install-tools.sh" (npm test runs it first)`);
  }
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
