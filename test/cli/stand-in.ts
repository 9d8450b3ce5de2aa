import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'fs';
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
  private readonly knobs = join(this.dir, 'knobs');

  constructor(config: string) {
    writeFileSync(this.config, config);
    mkdirSync(this.outputs);
    mkdirSync(this.knobs);
    writeFileSync(join(this.dir, 'kubeconfig'), 'apiVersion: v1\nkind: Config\n');
    this.script('terraform', `
stack=""
for a in "$@"; do case "$a" in -chdir=*) stack=$(basename "\${a#-chdir=}");; esac; done
echo "terraform $stack $*" | sed "s#-chdir=[^ ]*##" >> "$LOG"
cmd=""; for a in "$@"; do case "$a" in -*) ;; *) cmd="$a"; break;; esac; done
case "$cmd" in
  version) echo "{\\"terraform_version\\": \\"$(cat "$KNOBS/version" 2>/dev/null || echo 1.11.4)\\"}";;
  output) cat "$OUTPUTS/$stack.json" 2>/dev/null || echo "{}";;
  apply|destroy|plan)
    if [ -f "$KNOBS/fail-$stack" ]; then echo "Error: simulated failure of $cmd in $stack" >&2; exit 1; fi
    if [ "$cmd" = plan ] && [ -f "$KNOBS/drift-$stack" ]; then cat "$KNOBS/drift-$stack"; exit 2; fi
    if [ "$cmd" = apply ]; then mkdir -p "$(dirname "$OUTPUTS")/state"; fi;;
esac
exit 0`);
    this.script('helm', `
echo "helm $*" >> "$LOG"
case "$1" in
  version) echo "v3.19.5";;
  test) if [ -f "$KNOBS/helm-fail-$2" ]; then echo "Error: pod $2-test failed" >&2; exit 1; fi; echo "TEST SUITE: $2 Phase: Succeeded";;
esac`);
  }

  private script(name: string, body: string): void {
    const path = join(this.dir, `fake-${name}`);
    writeFileSync(path, `#!/bin/sh\nLOG="${this.log}"\nOUTPUTS="${this.outputs}"\nKNOBS="${this.knobs}"\n${body}\n`);
    chmodSync(path, 0o755);
  }

  /** Makes a stand-in fail or report something: `fail-<stack>`, `drift-<stack>`, `helm-fail-<release>`, `version`. */
  knob(name: string, content = ''): void {
    writeFileSync(join(this.knobs, name), content);
  }

  /** Terraform outputs an instance stack reports. */
  deployed(instance: string, outputs: { createdAt: string; expiresAt: string }): void {
    writeFileSync(
      join(this.outputs, `instance-${instance}.json`),
      JSON.stringify({ namespace: { value: instance }, created_at: { value: outputs.createdAt }, expires_at: { value: outputs.expiresAt }, hostnames: { value: [] } }),
    );
    mkdirSync(join(this.out, 'stacks', `instance-${instance}`), { recursive: true });
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
      env: { PATH: process.env.PATH, HOME: this.dir, SANDBOXKIT_TERRAFORM: join(this.dir, 'fake-terraform'), SANDBOXKIT_HELM: join(this.dir, 'fake-helm') },
      now: () => new Date('2026-11-23T12:00:00Z'),
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
