import { execFileSync } from 'child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { parseConfig } from '../../config/load';
import { completionScript } from '../../cli/commands/completion';
import { clusterNameOf } from '../../cli/commands/init-run';
import { buildProgram } from '../../cli/program';
import { CLI_CONFIG, Workspace } from './stand-in';

function workspace(): Workspace {
  const w = new Workspace('');
  writeFileSync(w.config, CLI_CONFIG(join(w.dir, 'kubeconfig')));
  return w;
}

describe('where the config comes from', () => {
  it('finds sandbox.yaml in the working folder or a parent, says which, and keeps stacks and state beside it', async () => {
    const w = workspace();
    w.cwd = join(w.dir, 'services', 'payments');
    mkdirSync(w.cwd, { recursive: true });
    const r = await w.runBare('instance', 'create', 'beta', '--blocks', 'valkey');
    expect({ code: r.code, err: r.code ? r.err : '' }).toEqual({ code: 0, err: '' });
    expect(r.err.split('\n')[0]).toBe(`config: ${w.config}`);
    expect(existsSync(join(w.dir, 'cdktf.out', 'stacks', 'instance-beta', 'cdk.tf.json'))).toBe(true);
    expect(w.record('beta')?.status.phase).toBe('ready');
  });

  it('takes $SANDBOX_CONFIG, then --config, without saying so', async () => {
    const w = workspace();
    w.env.SANDBOX_CONFIG = w.config;
    w.cwd = '/';
    const r = await w.runBare('instance', 'list', '--offline', '-o', 'name');
    expect(r).toMatchObject({ code: 0, out: 'alpha\n', err: '' });
    w.env.SANDBOX_CONFIG = '/nonexistent.yaml';
    expect((await w.runBare('--config', w.config, 'instance', 'list', '--offline', '-o', 'name')).out).toBe('alpha\n');
  });

  it('says where it looked and what to do when there is none', async () => {
    const w = workspace();
    w.cwd = '/';
    expect(await w.runBare('instance', 'list')).toMatchObject({
      code: 2,
      err: "sandboxkit: no sandbox config: there is no sandbox.yaml in / or its parents, no --config and no $SANDBOX_CONFIG.\nWrite one for an existing cluster with `sandboxkit init` (it asks kubectl's current context), or pass --config <file>.\n",
    });
  });
});

describe('sandboxkit init', () => {
  it('writes a commented starter config for the current context, valid as written, that create then uses', async () => {
    const w = new Workspace('');
    const folder = join(w.dir, 'project');
    mkdirSync(folder);
    w.cwd = folder;
    w.env.SANDBOXKIT_KUBECTL = join(w.dir, 'fake-kubectl');
    w.env.KUBECONFIG = join(w.dir, 'kubeconfig');
    const r = await w.runBare('init');
    expect({ code: r.code, err: r.code ? r.err : '' }).toEqual({ code: 0, err: '' });
    const file = join(folder, 'sandbox.yaml');
    expect(r.out.split('\n')[0]).toBe(`wrote ${file} for context kind-kind (https://127.0.0.1:6443)`);
    const text = readFileSync(file, 'utf8');
    expect(text).toMatch(/^# sandboxkit config/);
    expect(text).toMatch(/ {6}path: .*kubeconfig\n {6}context: kind-kind\n/);
    expect(text).toMatch(/ {6}blockRwo: standard\n/);
    expect(parseConfig(text, file).clusters[0]).toMatchObject({ name: 'kind-kind', cloud: 'existing' });
    expect(await w.runBare('init')).toMatchObject({
      code: 2,
      err: expect.stringMatching(/sandbox\.yaml exists; pass --force/),
    });
    const created = await w.runBare('instance', 'create', 'demo', '--template', 'starter');
    expect({ code: created.code, err: created.code ? created.err : '' }).toEqual({ code: 0, err: '' });
  });

  it('names the cluster after the last part of the context', () => {
    expect(clusterNameOf('kind-kind')).toBe('kind-kind');
    expect(clusterNameOf('arn:aws:eks:eu-west-1:111122223333:cluster/Dev_Main')).toBe('dev-main');
    expect(clusterNameOf('gke_proj_europe-west1_42')).toBe('gke-proj-europe-west1-42');
    expect(clusterNameOf('7up')).toBe('c-7up');
  });
});

describe('sandboxkit completion', () => {
  const program = buildProgram(async () => undefined);

  /** Asks bash's completion function what it offers for the words typed so far. */
  function complete(words: string[]): string[] {
    const dir = new Workspace('').dir;
    const script = join(dir, 'completion.bash');
    writeFileSync(script, completionScript(program, 'bash'));
    // The instance names come from the CLI itself; this stand-in answers as `instance list -o name` would.
    writeFileSync(
      join(dir, 'sandboxkit'),
      '#!/bin/sh\n[ "$*" = "instance list -o name --offline" ] && printf "alpha\\nweb\\n"\n',
    );
    chmodSync(join(dir, 'sandboxkit'), 0o755);
    const line = `source ${script}; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _sandboxkit; printf '%s\\n' "\${COMPREPLY[@]}"`;
    return execFileSync('bash', ['-c', line], { encoding: 'utf8', env: { PATH: `${dir}:${process.env.PATH}` } })
      .split('\n')
      .filter(Boolean);
  }

  it('completes commands, subcommands, options and instance names in bash', () => {
    expect(complete(['sandboxkit', 'inst'])).toEqual(['instance']);
    expect(complete(['sandboxkit', 'instance', 'st'])).toEqual(['status', 'stop', 'start']);
    expect(complete(['sandboxkit', 'instance', 'create', 'x', '--up'])).toEqual(['--update']);
    expect(complete(['sandboxkit', '--config', 'a.yaml', 'instance', 'destroy', ''])).toEqual(['alpha', 'web']);
    expect(complete(['sandboxkit', 'instance', 'get', 'web', '-o', 'y'])).toEqual(['yaml']);
    expect(complete(['sandboxkit', 'completion', ''])).toEqual(['bash', 'zsh', 'fish']);
  });

  it('prints a script for each shell from the same command tree', async () => {
    const w = workspace();
    const zsh = (await w.run('completion', 'zsh')).out;
    expect(zsh).toMatch(/^#compdef sandboxkit\n/);
    expect(zsh).toMatch(/autoload -U \+X bashcompinit && bashcompinit/);
    expect(zsh).toContain('complete -F _sandboxkit sandboxkit');
    const fish = (await w.run('completion', 'fish')).out;
    expect(fish).toContain("complete -c sandboxkit -f -n 'not __fish_seen_subcommand_from ");
    expect(fish).toContain("-a 'apply' -d 'create or update instances from a spec file");
    expect(fish).toContain("-a '(sandboxkit instance list -o name --offline 2>/dev/null)'");
    expect(fish).toMatch(/complete -c sandboxkit -n '__fish_seen_subcommand_from destroy' -l yes -s y -d /);
  });
});
