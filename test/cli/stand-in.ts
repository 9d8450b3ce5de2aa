import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { join } from 'path';
import { tempDir } from '../fixtures';
import type { Io } from '../../cli/io';
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

  constructor(config: string) {
    writeFileSync(this.config, config);
    mkdirSync(this.outputs);
    mkdirSync(this.knobs);
    writeFileSync(join(this.dir, 'kubeconfig'), 'apiVersion: v1\nkind: Config\n');
    this.script(
      'terraform',
      `
stack=""
for a in "$@"; do case "$a" in -chdir=*) stack=$(basename "\${a#-chdir=}");; esac; done
echo "terraform $stack $*" | sed "s#-chdir=[^ ]*##" >> "$LOG"
cmd=""; for a in "$@"; do case "$a" in -*) ;; *) cmd="$a"; break;; esac; done
replace=""; for a in "$@"; do case "$a" in -replace=*) replace="\${a#-replace=}";; esac; done
for a in "$@"; do case "$a" in -var-file=*) cp "\${a#-var-file=}" "$KNOBS/var-file-$stack";; esac; done
event() { echo "{\\"type\\":\\"$1\\",\\"hook\\":{\\"resource\\":{\\"addr\\":\\"$2\\"},\\"action\\":\\"$3\\",\\"elapsed_seconds\\":1}}"; }
case "$cmd" in
  version) echo "{\\"terraform_version\\": \\"$(cat "$KNOBS/version" 2>/dev/null || echo 1.11.4)\\"}";;
  init)
    echo "Initializing the backend..."
    if [ -f "$KNOBS/offline" ]; then cat "$KNOBS/offline" >&2; exit 1; fi
    echo "Terraform has been successfully initialized!";;
  output) cat "$OUTPUTS/$stack.json" 2>/dev/null || echo "{}";;
  apply|destroy|plan)
    if [ -f "$KNOBS/slow" ]; then sleep "$(cat "$KNOBS/slow")"; fi
    echo '{"type":"version","terraform":"1.11.4"}'
    if [ "$cmd" = plan ]; then
      if [ -f "$KNOBS/drift-$stack" ]; then cat "$KNOBS/drift-$stack"; exit 2; fi
      echo '{"type":"planned_change","change":{"resource":{"addr":"kubernetes_namespace_v1.ns"},"action":"create"}}'
      exit 0
    fi
    action=create; [ "$cmd" = destroy ] && action=delete
    echo '{"type":"change_summary","changes":{"add":2,"change":0,"remove":0,"operation":"plan"}}'
    event apply_start kubernetes_namespace_v1.ns $action
    event apply_complete kubernetes_namespace_v1.ns $action
    if [ -f "$KNOBS/fail-$stack" ]; then
      echo "{\\"@level\\":\\"error\\",\\"@message\\":\\"Error: simulated failure of $cmd in $stack\\",\\"type\\":\\"diagnostic\\",\\"diagnostic\\":{\\"severity\\":\\"error\\",\\"summary\\":\\"simulated failure of $cmd in $stack\\",\\"detail\\":\\"the stand-in was told to fail\\",\\"address\\":\\"helm_release.block\\"}}"
      echo "terraform: a line on stderr" >&2
      exit 1
    fi
    event apply_complete helm_release.block $action
    if [ "$cmd" = destroy ]; then rm -f "$OUTPUTS/$stack.json"; exit 0; fi
    expires="$(cat "$KNOBS/expires" 2>/dev/null || echo 2026-11-25T12:00:00Z)"
    if [ -n "$replace" ] || [ ! -f "$OUTPUTS/$stack.json" ]; then
      echo "{\\"namespace\\":{\\"value\\":\\"x\\"},\\"created_at\\":{\\"value\\":\\"2026-11-23T12:00:00Z\\"},\\"expires_at\\":{\\"value\\":\\"$expires\\"},\\"hostnames\\":{\\"value\\":[]}}" > "$OUTPUTS/$stack.json"
    fi;;
esac
exit 0`,
    );
    this.script(
      'helm',
      `
echo "helm $*" >> "$LOG"
case "$1" in
  version) echo "$(cat "$KNOBS/helm-version" 2>/dev/null || echo v3.19.5+g1a2b3c4)";;
  test)
    if [ -f "$KNOBS/helm-out-$2" ]; then cat "$KNOBS/helm-out-$2"; else printf 'NAME: %s\\nSTATUS: deployed\\nTEST SUITE:     %s-test\\nPhase:          Succeeded\\nNOTES:\\nPhase: of the moon\\n' "$2" "$2"; fi
    if [ -f "$KNOBS/helm-err-$2" ]; then cat "$KNOBS/helm-err-$2" >&2; fi
    exit "$(cat "$KNOBS/helm-exit-$2" 2>/dev/null || echo 0)";;
esac`,
    );
    // The aws stand-in keeps S3 objects in a folder, for records and state keys of an s3 backend.
    this.script(
      'aws',
      `
echo "aws $*" >> "$LOG"
[ "$1" = "--version" ] && { cat "$KNOBS/aws-version" 2>/dev/null || echo "aws-cli/2.27.0 Python/3.13.2"; exit 0; }
S3="$(dirname "$OUTPUTS")/s3"
case "$1 $2" in
  "s3api list-objects-v2")
    bucket=""; prefix=""; while [ $# -gt 0 ]; do case "$1" in --bucket) bucket="$2"; shift;; --prefix) prefix="$2"; shift;; esac; shift; done
    keys=$(cd "$S3/$bucket" 2>/dev/null && find . -type f | sed 's#^./##' | grep "^$prefix" | sed 's/.*/{"Key":"&"}/' | paste -sd, -)
    [ -n "$keys" ] && echo "{\\"Contents\\":[$keys]}";;
  "s3 cp")
    if [ "$3" = "-" ]; then f="$S3/\${4#s3://}"; mkdir -p "$(dirname "$f")"; cat > "$f";
    elif [ -f "$S3/\${3#s3://}" ]; then cat "$S3/\${3#s3://}";
    else echo "An error occurred (404) when calling the HeadObject operation: Not Found" >&2; exit 1; fi;;
  "s3 rm") rm -f "$S3/\${3#s3://}";;
esac
exit 0`,
    );
    this.script(
      'kubectl',
      `
echo "kubectl $*" >> "$LOG"
[ "$1" = "version" ] && { echo '{"clientVersion":{"gitVersion":"v1.34.1"}}'; exit 0; }
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
   * Replaces the kubectl stand-in with a node script that answers from a JSON cluster state
   * (`initial` plus every call it got). `handlers` is the script's body: it has the state `c`,
   * `args` without `--kubeconfig`/`--context`, `flag(name)` and `save()`; the state is saved after it.
   * Returns a reader of the state.
   */
  kubectlCluster<T extends object>(initial: T, handlers: string): () => T & { calls: string[] } {
    const file = join(this.dir, 'cluster.json');
    writeFileSync(file, JSON.stringify({ ...initial, calls: [] }));
    const kubectl = join(this.dir, 'fake-kubectl');
    writeFileSync(
      kubectl,
      `#!/usr/bin/env node
const fs = require('fs');
const file = process.env.FAKE_CLUSTER;
const c = JSON.parse(fs.readFileSync(file, 'utf8'));
let args = process.argv.slice(2);
c.calls.push(args.join(' '));
while (args[0] === '--kubeconfig' || args[0] === '--context') args = args.slice(2);
const flag = (name) => args[args.indexOf(name) + 1];
const save = () => fs.writeFileSync(file, JSON.stringify(c));
${handlers}
save();
`,
    );
    chmodSync(kubectl, 0o755);
    this.env.SANDBOXKIT_KUBECTL = kubectl;
    this.env.FAKE_CLUSTER = file;
    return () => JSON.parse(readFileSync(file, 'utf8'));
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

  /** Terraform outputs an instance stack reports. */
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
  }

  /** The record the CLI keeps of an instance in the local state backend, if any. */
  record(instance: string):
    | {
        status: string;
        instance: { name: string; ttlHours?: number; blocks: unknown[] };
        expiresAt: string;
        createdAt: string;
      }
    | undefined {
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
        ...this.env,
      },
      now: () => this.now,
    };
    const code = await cli(['--config', this.config, '--out', this.out, ...argv], io);
    return { code, out, err };
  }
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
