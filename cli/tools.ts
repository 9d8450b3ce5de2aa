import { spawn } from 'child_process';
import { accessSync, constants } from 'fs';
import { delimiter, join, resolve } from 'path';
import type { Io } from './io';

export interface ToolResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The programs the CLI starts: Terraform and Helm, the cloud CLIs that reach remote state, and the credential plugins doctor checks. */
export type ToolName =
  'terraform' | 'helm' | 'kubectl' | 'aws' | 'az' | 'gcloud' | 'kubelogin' | 'gke-gcloud-auth-plugin' | 'git';

export interface RunOptions {
  readonly cwd?: string;
  /** Called for every complete line as it arrives, stdout and stderr in the order the tool wrote them. */
  readonly onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Written to the tool's standard input. @default - no input */
  readonly input?: string;
  /**
   * Stops the tool as Ctrl-C would (SIGINT, so that Terraform releases its lock), e.g. when a --timeout passes;
   * should it still run after {@link ABORT_GRACE_MS}, a second SIGINT (Terraform then exits at once, leaving what
   * was in flight for the next run to find), and SIGKILL after as long again.
   */
  readonly signal?: AbortSignal;
}

/** How the CLI runs tools; the only place that starts processes. */
export interface ToolRunner {
  run(tool: ToolName, args: readonly string[], options?: RunOptions): Promise<ToolResult>;
}

/** The environment variable that names each tool's binary. */
export const TOOL_ENV: Record<ToolName, string> = {
  terraform: 'SANDBOXKIT_TERRAFORM',
  helm: 'SANDBOXKIT_HELM',
  kubectl: 'SANDBOXKIT_KUBECTL',
  aws: 'SANDBOXKIT_AWS',
  az: 'SANDBOXKIT_AZ',
  gcloud: 'SANDBOXKIT_GCLOUD',
  kubelogin: 'SANDBOXKIT_KUBELOGIN',
  'gke-gcloud-auth-plugin': 'SANDBOXKIT_GKE_AUTH_PLUGIN',
  git: 'SANDBOXKIT_GIT',
};

/** How long an aborted tool gets to stop after each interrupt. */
export const ABORT_GRACE_MS = 20_000;

/** Exit code of a tool that could not be started. */
export const NOT_FOUND = 127;

/** The first executable called `name` in `dirs`. */
function findIn(dirs: readonly string[], name: string): string | undefined {
  for (const dir of dirs) {
    if (!dir) continue;
    const path = join(dir, name);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

/** The first executable called `name` on PATH. */
export function which(name: string, env: NodeJS.ProcessEnv): string | undefined {
  return findIn((env.PATH ?? '').split(delimiter), name);
}

/**
 * The binary for a tool: its SANDBOXKIT_* variable, else the tool on PATH
 * (OpenTofu's `tofu` when there is no `terraform`), else the project's own
 * `.tools/bin`, where `npm test` installs Helm.
 */
export function toolBinary(tool: ToolName, env: NodeJS.ProcessEnv, cwd = process.cwd()): string {
  const fromEnv = env[TOOL_ENV[tool]];
  if (fromEnv) return fromEnv;
  const names = tool === 'terraform' ? ['terraform', 'tofu'] : [tool];
  for (const name of names) {
    const found = which(name, env) ?? findIn([resolve(cwd, '.tools', 'bin')], name);
    if (found) return found;
  }
  return tool;
}

/**
 * Runs tools as child processes. Output is passed on line by line while the
 * tool runs; Ctrl-C is passed on to the running child, which gets the chance
 * to release its state lock before the CLI exits.
 */
export class ProcessRunner implements ToolRunner {
  constructor(private readonly io: Io) {}

  run(tool: ToolName, args: readonly string[], options: RunOptions = {}): Promise<ToolResult> {
    const binary = toolBinary(tool, this.io.env);
    return new Promise((resolvePromise) => {
      const child = spawn(binary, [...args], {
        cwd: options.cwd,
        env: this.io.env,
        stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      const pending = { stdout: '', stderr: '' };
      const take = (stream: 'stdout' | 'stderr', chunk: string, flush = false) => {
        const text = pending[stream] + chunk;
        const lines = text.split('\n');
        pending[stream] = flush ? '' : lines.pop()!;
        for (const line of lines) if (!flush || line !== '') options.onLine?.(line.replace(/\r$/, ''), stream);
      };
      child.stdout!.on('data', (d: Buffer) => {
        stdout += d.toString();
        take('stdout', d.toString());
      });
      child.stderr!.on('data', (d: Buffer) => {
        stderr += d.toString();
        take('stderr', d.toString());
      });
      if (options.input !== undefined) child.stdin!.end(options.input);
      const forward = () => child.kill('SIGINT');
      process.on('SIGINT', forward);
      const escalation: NodeJS.Timeout[] = [];
      const abort = () => {
        forward();
        escalation.push(setTimeout(forward, ABORT_GRACE_MS).unref());
        escalation.push(setTimeout(() => child.kill('SIGKILL'), 2 * ABORT_GRACE_MS).unref());
      };
      options.signal?.addEventListener('abort', abort, { once: true });
      child.on('error', (err) => {
        process.off('SIGINT', forward);
        options.signal?.removeEventListener('abort', abort);
        escalation.forEach(clearTimeout);
        const code = (err as NodeJS.ErrnoException).code === 'ENOENT' ? NOT_FOUND : 126;
        resolvePromise({ code, stdout, stderr: `${stderr}${binary}: ${err.message}` });
      });
      child.on('close', (code, signal) => {
        process.off('SIGINT', forward);
        options.signal?.removeEventListener('abort', abort);
        escalation.forEach(clearTimeout);
        take('stdout', '', true);
        take('stderr', '', true);
        resolvePromise({ code: code ?? (signal === 'SIGINT' ? 130 : 1), stdout, stderr });
      });
    });
  }
}
