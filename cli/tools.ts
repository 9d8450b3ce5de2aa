import { spawn } from 'child_process';
import type { Io } from './io';

export interface ToolResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export type ToolName = 'terraform' | 'helm';

/** How the CLI runs Terraform and Helm; the only place that starts processes. */
export interface ToolRunner {
  run(tool: ToolName, args: readonly string[], options?: { readonly cwd?: string; readonly quiet?: boolean }): Promise<ToolResult>;
}

/** The binary for a tool: SANDBOXKIT_TERRAFORM / SANDBOXKIT_HELM, else terraform (or tofu) and helm on PATH. */
export function toolBinary(tool: ToolName, env: NodeJS.ProcessEnv): string {
  if (tool === 'terraform') return env.SANDBOXKIT_TERRAFORM || 'terraform';
  return env.SANDBOXKIT_HELM || 'helm';
}

/**
 * Runs tools as child processes. Ctrl-C is passed on to the running child,
 * which gets the chance to release its state lock before the CLI exits.
 */
export class ProcessRunner implements ToolRunner {
  constructor(private readonly io: Io) {}

  run(tool: ToolName, args: readonly string[], options: { cwd?: string; quiet?: boolean } = {}): Promise<ToolResult> {
    return new Promise((resolve) => {
      const child = spawn(toolBinary(tool, this.io.env), [...args], { cwd: options.cwd, env: this.io.env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const forward = () => child.kill('SIGINT');
      process.on('SIGINT', forward);
      child.on('error', (err) => {
        process.off('SIGINT', forward);
        resolve({ code: 127, stdout, stderr: `${stderr}${toolBinary(tool, this.io.env)}: ${err.message}` });
      });
      child.on('close', (code, signal) => {
        process.off('SIGINT', forward);
        resolve({ code: code ?? (signal === 'SIGINT' ? 130 : 1), stdout, stderr });
      });
    });
  }
}
