import { execFileSync, spawn } from 'child_process';
import { existsSync, mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

/** The project root: the suite runs the built CLI and synth from here. */
export const ROOT = join(__dirname, '..', '..');

export interface Result {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command to its end; never throws. */
export function exec(
  cmd: string,
  args: readonly string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {},
): Result {
  try {
    const stdout = execFileSync(cmd, [...args], {
      cwd: opts.cwd ?? ROOT,
      env: opts.env ?? process.env,
      input: opts.input,
      encoding: 'utf8',
      stdio: ['pipe', 'pipe', 'pipe'],
      maxBuffer: 256 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr: '' };
  } catch (err) {
    const e = err as { status?: number; stdout?: string; stderr?: string; message: string };
    return { code: e.status ?? 1, stdout: e.stdout ?? '', stderr: e.stderr ?? e.message };
  }
}

/** Runs a command that must work; its output is in the error when it does not. */
export function must(
  cmd: string,
  args: readonly string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {},
): string {
  const r = exec(cmd, args, opts);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** Runs several commands at once (two instances created concurrently); resolves with each result. */
export function execAll(
  commands: readonly { cmd: string; args: readonly string[]; cwd?: string; env?: NodeJS.ProcessEnv }[],
): Promise<Result[]> {
  return Promise.all(
    commands.map(
      (c) =>
        new Promise<Result>((resolve) => {
          const child = spawn(c.cmd, [...c.args], {
            cwd: c.cwd ?? ROOT,
            env: c.env ?? process.env,
            stdio: ['ignore', 'pipe', 'pipe'],
          });
          let stdout = '';
          let stderr = '';
          child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
          child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
          child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
        }),
    ),
  );
}

export const kubectl = (...args: string[]) => must('kubectl', args);
export const kubectlJson = (...args: string[]): any => JSON.parse(kubectl(...args, '-o', 'json'));
/** Items of a list, or [] when the kind or namespace does not exist. */
export function items(...args: string[]): any[] {
  const r = exec('kubectl', ['get', ...args, '-o', 'json']);
  return r.code === 0 ? JSON.parse(r.stdout).items : [];
}
export const exists = (...args: string[]) => exec('kubectl', ['get', ...args]).code === 0;

/** `kubectl auth can-i` as another user: true or false, from the API server's RBAC. */
export function canI(user: string, verb: string, resource: string, namespace?: string): boolean {
  const r = exec('kubectl', ['auth', 'can-i', verb, resource, `--as=${user}`, ...(namespace ? ['-n', namespace] : [])]);
  return r.stdout.trim() === 'yes';
}

/** Terraform in a stack's folder, as a command for `execAll`. */
export const terraformCommand = (dir: string, ...args: string[]) => ({
  cmd: 'terraform',
  args,
  cwd: dir,
  env: { ...process.env, TF_IN_AUTOMATION: '1' },
});

export function terraform(dir: string, ...args: string[]): string {
  const c = terraformCommand(dir, ...args);
  return must(c.cmd, c.args, c);
}

/** `terraform destroy` of several stacks at once, as independent users would; throws with each failure's output. */
export async function destroyAll(dirs: readonly string[]): Promise<void> {
  const results = await execAll(
    dirs.map((d) => terraformCommand(d, 'destroy', '-auto-approve', '-input=false', '-no-color')),
  );
  const failed = results.flatMap((r, i) => (r.code ? [`${dirs[i]}: exited ${r.code}\n${r.stdout}\n${r.stderr}`] : []));
  if (failed.length) throw new Error(`terraform destroy failed:\n${failed.join('\n')}`);
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Polls `check` until it returns true; throws with `what` after `seconds`. */
export async function waitFor(what: string, seconds: number, check: () => boolean): Promise<void> {
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`gave up after ${seconds}s waiting for ${what}`);
}

/** Which cluster the suite runs on: the shared control plane here, or any kubeconfig. */
export const TEST_CLUSTER = process.env.SANDBOXKIT_TEST_CLUSTER ?? 'kubeconfig';
/** Where charts come from: the mirror served by scripts/test-cluster.sh. */
export function chartMirror(): string {
  const url = process.env.SANDBOXKIT_CHART_MIRROR_URL;
  if (!url) throw new Error('SANDBOXKIT_CHART_MIRROR_URL is not set: run the suite with `npm run test:cluster`');
  return url;
}

/**
 * A suite's own folder: its config file, the synthesized output, a stack's folder in it, and the
 * compiled command line run on that config and output.
 */
export function suiteWorkspace(prefix: string) {
  const work = tempDir(prefix);
  const configFile = join(work, 'sandbox.yaml');
  const outdir = join(work, 'cdktf.out');
  const stackDir = (stack: string) => join(outdir, 'stacks', stack);
  const cliArgs = (args: readonly string[]) => [
    join(ROOT, 'dist', 'cli', 'main.js'),
    ...args,
    '--config',
    configFile,
    '--out',
    outdir,
  ];
  return {
    work,
    configFile,
    outdir,
    stackDir,
    cli: (...args: string[]): Result => exec('node', cliArgs(args)),
    /** The command line as a command for `execAll`. */
    cliCommand: (...args: string[]) => ({ cmd: 'node', args: cliArgs(args) }),
    /** Synthesizes every stack of the config, as `cdktf synth` does. */
    synth: () =>
      must('node', [join(ROOT, 'dist', 'main.js'), '--config', configFile], {
        env: { ...process.env, CDKTF_OUTDIR: outdir },
      }),
    /** Best-effort cleanup after a failed test: destroys each of `stacks` that Terraform initialized, in order. */
    destroyLeftovers: (...stacks: string[]) => {
      for (const dir of stacks.map(stackDir)) {
        if (existsSync(join(dir, '.terraform')))
          exec('terraform', ['destroy', '-auto-approve', '-input=false', '-no-color'], {
            cwd: dir,
            env: { ...process.env, TF_IN_AUTOMATION: '1' },
          });
      }
    },
  };
}

/** A config's cluster entry for the cluster the suite runs on: `existing`, reached through KUBECONFIG. */
export const suiteCluster = (name: string, ingressDomain: string) => ({
  name,
  cloud: 'existing',
  ingressDomain,
  connection: { kind: 'kubeconfig', path: process.env.KUBECONFIG },
  storageClasses: { blockRwo: 'standard' },
});
