import { spawnSync } from 'child_process';
import { requireTool } from '../tools';
import type { Result } from './kube';

/** kubectl with optional input and impersonation (`as`); the result whatever the exit code. */
export function kubectl(args: readonly string[], options: { input?: string; as?: string } = {}): Result {
  const r = spawnSync('kubectl', [...(options.as ? [`--as=${options.as}`] : []), ...args], {
    input: options.input,
    encoding: 'utf8',
    env: process.env,
  });
  return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** Runs kubectl and fails the test with its output when it fails. */
export function must(args: readonly string[], options: { input?: string; as?: string } = {}): string {
  const r = kubectl(args, options);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed: ${r.stderr}${r.stdout}`);
  return r.stdout;
}

/** Runs helm and fails the test with its output when it fails. */
export function helmRun(args: readonly string[]): string {
  const r = spawnSync(requireTool('helm'), args, { encoding: 'utf8', env: process.env });
  if (r.status !== 0) throw new Error(`helm ${args.join(' ')} failed: ${r.stderr}${r.stdout}`);
  return r.stdout;
}
