import { writeFileSync } from 'fs';
import { join } from 'path';
import { buildProgram, commandPaths, packageVersion } from '../../cli/program';
import { CLI_CONFIG, Workspace } from './stand-in';

function workspace(): Workspace {
  const w = new Workspace('');
  writeFileSync(w.config, CLI_CONFIG(join(w.dir, 'kubeconfig')));
  return w;
}

const ALL = commandPaths(buildProgram(async () => undefined)).map((p) => p.join(' '));

describe('sandboxkit usage', () => {
  it('has the commands a user looks for', () => {
    expect(ALL).toEqual([
      'instance',
      'instance create',
      'instance apply',
      'instance list',
      'instance get',
      'instance status',
      'instance extend',
      'instance destroy',
      'instance test',
      'instance backup',
      'instance stop',
      'instance start',
      'shared',
      'shared apply',
      'shared plan',
      'shared destroy',
      'shared list',
      'gc',
      'serve',
      'audit',
      'bom',
      'bundle',
      'doctor',
      'init',
      'completion',
      'version',
      'help',
    ]);
  });

  it.each(
    ALL.flatMap((c) => [
      [c, '-h'],
      [c, '--help'],
    ]),
  )('"%s %s" exits 0 with its own usage and the global options', async (command, flag) => {
    const w = workspace();
    const r = await w.run(...command.split(' '), flag);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(new RegExp(`^Usage: sandboxkit ${command}(\\|\\w+)? `));
    expect(r.out).toMatch(/Global Options:\n(.*\n)*\s+--config <file>\s+sandbox config/);
    expect(r.out).toMatch(/--json\s+machine-readable output on stdout, errors included/);
    expect(r.err).toBe('');
    expect(w.calls()).toEqual([]);
  });

  it('shows the program help alone, with -h, and with help', async () => {
    const w = workspace();
    for (const argv of [[], ['-h'], ['help']]) {
      const r = await w.run(...argv);
      expect(r).toMatchObject({ code: 0, err: '' });
      expect(r.out).toMatch(
        /^Usage: sandboxkit \[options\] \[command\]\n\nCreate, apply, list, extend, stop, start, test and destroy sandbox instances/,
      );
      expect(r.out).toMatch(
        /Exit codes: 0 done, 1 an operation failed, 2 bad usage or config, 3 drift found \(audit\), 130 interrupted\./,
      );
    }
  });

  it('shows the instance commands for "instance" alone, exit 0', async () => {
    const r = await workspace().run('instance');
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(r.out).toMatch(/^Usage: sandboxkit instance \[options\] \[command\]/);
    for (const sub of ['create', 'list\\|ls', 'extend', 'destroy\\|delete', 'test'])
      expect(r.out).toMatch(new RegExp(`\\n  ${sub} `));
  });

  it('"help instance create" and "instance help create" show the create usage', async () => {
    const w = workspace();
    for (const argv of [
      ['help', 'instance', 'create'],
      ['instance', 'help', 'create'],
    ]) {
      const r = await w.run(...argv);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/^Usage: sandboxkit instance create \[options\] <name>/);
      expect(r.out).toMatch(/--set <block\.path=value>/);
    }
  });

  it('prints the version with --version, -v and version', async () => {
    const w = workspace();
    expect(packageVersion()).toMatch(/^\d+\.\d+\.\d+/);
    for (const argv of [['--version'], ['-v'], ['version']])
      expect(await w.run(...argv)).toEqual({ code: 0, out: `${packageVersion()}\n`, err: '' });
    expect(JSON.parse((await w.run('version', '--json')).out)).toEqual({ version: packageVersion() });
  });

  it.each([
    [
      ['lst'],
      /^sandboxkit: unknown command 'lst'; did you mean "sandboxkit instance list"\?\nRun 'sandboxkit --help' for usage\.\n$/,
    ],
    [
      ['instance', 'destory', 'x'],
      /^sandboxkit instance: unknown command 'destory'; did you mean "sandboxkit instance destroy"\?\nRun 'sandboxkit instance --help' for usage\.\n$/,
    ],
    [
      ['gc', '--dry-rn'],
      /^sandboxkit gc: unknown option '--dry-rn'; did you mean --dry-run\?\nRun 'sandboxkit gc --help' for usage\.\n$/,
    ],
    [
      ['instance', 'create', 'x', '--clustr', 'kind'],
      /^sandboxkit instance create: unknown option '--clustr'; did you mean --cluster\?/,
    ],
    [
      ['instance', 'apply', '--dry-run'],
      /^sandboxkit instance apply: required option '-f, --filename <file>' not specified\nRun 'sandboxkit instance apply --help'/,
    ],
    [
      ['completion', 'bsh'],
      /value 'bsh' is invalid for argument 'shell'\. expected bash, zsh, fish, got "bsh"; did you mean "bash"\?/,
    ],
    [['help', 'instanc'], /^sandboxkit help: unknown command 'instanc'; did you mean "sandboxkit help instance"\?/],
    [['audit'], /^sandboxkit audit: missing required argument 'stack'/],
    [['launch'], /^sandboxkit: unknown command 'launch'\nRun 'sandboxkit --help' for usage\.\n$/],
  ])('refuses %p with exit 2, a suggestion and where to find usage', async (argv, message) => {
    const w = workspace();
    const r = await w.run(...argv);
    expect(r).toMatchObject({ code: 2, out: '' });
    expect(r.err).toMatch(message);
    expect(w.calls()).toEqual([]);
  });

  it('prints usage errors as a JSON object on stdout with --json', async () => {
    const r = await workspace().run('gc', '--json', '--dry-rn');
    expect(r.code).toBe(2);
    expect(JSON.parse(r.out)).toEqual({
      error: {
        kind: 'usage',
        exitCode: 2,
        message: "unknown option '--dry-rn'; did you mean --dry-run?\nRun 'sandboxkit gc --help' for usage.",
      },
    });
  });

  it('prints config errors as a JSON object with every issue', async () => {
    const w = workspace();
    writeFileSync(w.config, CLI_CONFIG(join(w.dir, 'kubeconfig')).replace('owner: dev', 'owner: dev\n    ttlHours: 0'));
    const r = await w.run('instance', 'list', '--json');
    expect(r.code).toBe(2);
    expect(JSON.parse(r.out).error).toMatchObject({
      kind: 'config',
      file: w.config,
      issues: [{ path: 'instances[0].ttlHours', line: 13, column: 15 }],
    });
  });
});
