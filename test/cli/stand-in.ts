import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { join } from 'path';
import { tempDir } from '../fixtures';
import type { Io } from '../../cli/io';
import type { InstanceRecord } from '../../cli/lifecycle/record';
import { cli } from '../../cli/main';

/**
 * A workspace for CLI tests: a config, stand-in terraform and helm
 * executables that record every call, and knobs to make them fail.
 */
export class Workspace {
  readonly dir = tempDir('cli-');
  readonly config = join(this.dir, 'sandbox.yaml');
  readonly out = join(this.dir, 'cdktf.out');
  readonly log = join(this.dir, 'calls.log');
  readonly outputs = join(this.dir, 'outputs');
  readonly knobs = join(this.dir, 'knobs');
  /** Environment variables set for the next runs, over the stand-ins'. */
  readonly env: Record<string, string | undefined> = {};
  /** The clock the CLI sees. */
  now = new Date('2026-11-23T12:00:00Z');
  /** Where the local state backend keeps state and instance records. */
  readonly state = join(this.dir, 'state');
  /** Answers typed at the terminal, in order; with none, nobody is at a terminal. */
  answers: string[] = [];
  /** Questions the CLI asked. */
  readonly asked: string[] = [];
  /** The working folder the CLI runs in. @default - the workspace */
  cwd?: string;

  /** The stand-ins' shared world: namespaces, releases, pods, events and routes of the cluster, Terraform's state. */
  readonly worldFile = join(this.dir, 'world.json');

  constructor(config: string) {
    writeFileSync(this.config, config);
    mkdirSync(this.outputs);
    mkdirSync(this.knobs);
    writeFileSync(join(this.dir, 'kubeconfig'), 'apiVersion: v1\nkind: Config\n');
    for (const tool of ['terraform', 'kubectl', 'helm']) this.node(tool);
    // The aws stand-in keeps S3 objects in a folder, for records and state keys of an s3 backend.
    this.script(
      'aws',
      `
echo "aws $*" >> "$LOG"
[ "$1" = "--version" ] && { cat "$KNOBS/aws-version" 2>/dev/null || echo "aws-cli/2.27.0 Python/3.13.2"; exit 0; }
[ -f "$KNOBS/aws-down" ] && { echo "Could not connect to the endpoint URL: https://s3.eu-west-1.amazonaws.com/" >&2; exit 255; }
S3="$(dirname "$OUTPUTS")/s3"
case "$1 $2" in
  "s3api list-objects-v2")
    bucket=""; prefix=""; while [ $# -gt 0 ]; do case "$1" in --bucket) bucket="$2"; shift;; --prefix) prefix="$2"; shift;; esac; shift; done
    keys=$(cd "$S3/$bucket" 2>/dev/null && find . -type f | sed 's#^./##' | grep "^$prefix" | sed 's/.*/{"Key":"&"}/' | paste -sd, -)
    [ -n "$keys" ] && echo "{\\"Contents\\":[$keys]}";;
  "s3 cp")
    if [ "$3" = "-" ]; then f="$S3/\${4#s3://}"; mkdir -p "$(dirname "$f")"; cat > "$f";
    elif [ "$5" = "--recursive" ]; then src="$S3/\${3#s3://}"; mkdir -p "$4"; [ -d "$src" ] && (cd "$src" && find . -name '*.sandboxkit.json' -exec cp --parents {} "$4" \\;);
    elif [ -f "$S3/\${3#s3://}" ]; then cat "$S3/\${3#s3://}";
    else echo "An error occurred (404) when calling the HeadObject operation: Not Found" >&2; exit 1; fi;;
  "s3 rm") rm -f "$S3/\${3#s3://}";;
esac
exit 0`,
    );
    for (const tool of ['az', 'gcloud']) {
      this.script(
        tool,
        `
echo "${tool} $*" >> "$LOG"
[ "$1" = "--version" ] && { cat "$KNOBS/${tool}-version" 2>/dev/null || echo "${tool} 2.70.0"; exit 0; }
exit 0`,
      );
    }
  }

  /**
   * Adds to the cluster the kubectl stand-in answers from (a JSON world, shared with terraform and helm) and, with
   * `handlers`, answers of a test's own: the body of a function of \`args\` (without --kubeconfig/--context), the
   * world \`c\` and \`{ flag, out, fail }\`, returning true when it answered. Returns a reader of the world.
   */
  kubectlCluster<T extends object>(initial: T, handlers?: string): () => T & World {
    this.world((w) => Object.assign(w, initial));
    if (handlers) {
      const file = join(this.dir, 'kubectl-handlers.js');
      writeFileSync(
        file,
        `const fs = require('fs');\nmodule.exports = (args, c, { flag, out, fail }) => {\n${handlers}\n};\n`,
      );
      this.env.FAKE_KUBECTL_HANDLERS = file;
    }
    return () => JSON.parse(readFileSync(this.worldFile, 'utf8'));
  }

  /** Reads, changes and writes the stand-ins' world. */
  world(change?: (w: World) => void): World {
    const w: World = existsSync(this.worldFile)
      ? JSON.parse(readFileSync(this.worldFile, 'utf8'))
      : { namespaces: {}, releases: {}, pods: {}, events: {}, routes: {}, workloads: [], tfstate: {}, calls: [] };
    if (change) {
      change(w);
      writeFileSync(this.worldFile, JSON.stringify(w, null, 1));
    }
    return w;
  }

  private node(tool: string): void {
    const path = join(this.dir, `fake-${tool}`);
    writeFileSync(
      path,
      `#!/bin/sh\nLOG="${this.log}" OUTPUTS="${this.outputs}" KNOBS="${this.knobs}" FAKE_WORLD="${this.worldFile}" FAKE_TOOL=${tool} exec node ${join(__dirname, 'stand-in-tools.js')} "$@"\n`,
    );
    chmodSync(path, 0o755);
  }

  private script(name: string, body: string): void {
    const path = join(this.dir, `fake-${name}`);
    writeFileSync(path, `#!/bin/sh\nLOG="${this.log}"\nOUTPUTS="${this.outputs}"\nKNOBS="${this.knobs}"\n${body}\n`);
    chmodSync(path, 0o755);
  }

  /**
   * Makes a stand-in fail or report something: `fail-<stack>`, `drift-<stack>`, `offline` (init fails with
   * this text), `slow` (seconds an apply takes), `expires` (expiry an apply writes), `helm-<release>` (helm test
   * output: stdout, then a line `---stderr---` and stderr, then `---exit N`), `version`.
   */
  knob(name: string, content = ''): void {
    writeFileSync(join(this.knobs, name), content);
  }

  /** Takes a knob away again. */
  unknob(name: string): void {
    rmSync(join(this.knobs, name), { force: true });
  }

  /**
   * An instance deployed outside these tests' commands: its Terraform outputs, its stack folder, its namespace
   * in the cluster with the expiry annotation, and its state.
   */
  deployed(instance: string, outputs: { createdAt: string; expiresAt: string }): void {
    writeFileSync(
      join(this.outputs, `instance-${instance}.json`),
      JSON.stringify({
        namespace: { value: instance },
        created_at: { value: outputs.createdAt },
        expires_at: { value: outputs.expiresAt },
        hostnames: { value: [] },
      }),
    );
    mkdirSync(join(this.out, 'stacks', `instance-${instance}`), { recursive: true });
    this.world((w) => {
      w.namespaces[instance] = {
        labels: { 'sandbox.dev/instance': instance, 'sandbox.dev/cluster': 'kind' },
        annotations: { 'sandbox.dev/expires-at': outputs.expiresAt },
      };
      w.tfstate[`instance-${instance}`] = ['kubernetes_namespace_v1.ns'];
    });
  }

  /** The record the CLI keeps of an instance in the local state backend, if any. */
  record(instance: string): InstanceRecord | undefined {
    const file = join(this.state, `instance-${instance}.sandboxkit.json`);
    return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined;
  }

  calls(): string[] {
    return existsSync(this.log) ? readFileSync(this.log, 'utf8').trim().split('\n').filter(Boolean) : [];
  }

  configText(): string {
    return readFileSync(this.config, 'utf8');
  }

  async run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
    return this.cli(['--config', this.config, '--out', this.out, ...argv]);
  }

  /** Runs the CLI as a user would, without --config and --out: it finds its config on its own. */
  runBare(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
    return this.cli(argv);
  }

  private async cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    const io: Io = {
      out: (t) => (out += `${t}\n`),
      err: (t) => (err += `${t}\n`),
      color: false,
      env: {
        PATH: process.env.PATH,
        HOME: this.dir,
        SANDBOXKIT_TERRAFORM: join(this.dir, 'fake-terraform'),
        SANDBOXKIT_HELM: join(this.dir, 'fake-helm'),
        SANDBOXKIT_KUBECTL: join(this.dir, 'fake-kubectl'),
        SANDBOXKIT_AWS: join(this.dir, 'fake-aws'),
        SANDBOXKIT_AZ: join(this.dir, 'fake-az'),
        SANDBOXKIT_GCLOUD: join(this.dir, 'fake-gcloud'),
        USER: 'tester',
        FAKE_NOW: this.now.toISOString(),
        ...this.env,
      },
      now: () => this.now,
      interactive: this.answers.length > 0,
      ask: async (question) => {
        this.asked.push(question);
        return this.answers.shift() ?? '';
      },
      cwd: this.cwd ?? this.dir,
    };
    const code = await cli(argv, io);
    return { code, out, err };
  }
}

export interface World {
  namespaces: Record<
    string,
    { labels: Record<string, string>; annotations: Record<string, string>; terminating?: boolean }
  >;
  releases: Record<string, { name: string; namespace: string; status: string; revision: number; chart: string }>;
  pods: Record<string, any[]>;
  events: Record<string, any[]>;
  routes: Record<string, { block: string; host: string }[]>;
  workloads: any[];
  tfstate: Record<string, string[]>;
  calls: string[];
}

export const CLI_CONFIG = (kubeconfig: string) => `# Sandbox config used by the CLI tests.
clusters:
  - name: kind
    cloud: existing
    connection: { kind: kubeconfig, path: ${kubeconfig}, context: kind-kind }
    storageClasses: { blockRwo: standard }
    platform: { registryMirror: mirror.internal:5000 }
instances:
  # the first instance
  - name: alpha
    cluster: kind
    owner: dev
    blocks: [postgresql]
    mocks: [email]
`;
