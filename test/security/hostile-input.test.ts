import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { join } from 'path';
import { parse, stringify } from 'yaml';
import { runMain, tempDir } from '../fixtures';

const ROOT = join(__dirname, '..', '..');
const EXAMPLE = readFileSync(join(ROOT, 'examples', 'sandbox.yaml'), 'utf8');
const MUTATIONS = 250;
/**
 * A run that takes longer than this counts as a hang. It is a bound, not a
 * speed target: a normal run takes well under a second, and the bound leaves
 * room for a machine busy with other work.
 */
const HANG_SECONDS = 120;

/** mulberry32: a small seeded generator, so that every failure can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Path = (string | number)[];

/** Every path to a value inside `value`. */
function paths(value: unknown, prefix: Path = []): Path[] {
  if (value === null || typeof value !== 'object') return [prefix];
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  return [prefix, ...entries.flatMap(([k, v]) => paths(v, [...prefix, k]))];
}

function get(root: any, path: Path): any {
  return path.reduce((node, key) => node?.[key], root);
}

function set(root: any, path: Path, value: unknown): void {
  if (path.length === 0) return;
  const parent = get(root, path.slice(0, -1));
  if (parent && typeof parent === 'object') parent[path[path.length - 1]] = value;
}

const WEIRD_STRINGS = [
  '',
  ' ',
  '../../etc/passwd',
  'a/b',
  '..',
  'C:\\temp',
  'Ünïcødé-名前',
  '🦄🦄',
  '\u202e\u200bhidden',
  'x'.repeat(100_000),
  '${var.secret}',
  '%{if}',
  'null',
  '-1',
  'UPPER',
];
const WEIRD_VALUES = [null, true, false, 0, -1, -999999, 1e308, 1.5, [], {}, [[[]]], { a: { b: { c: {} } } }];

function deep(levels: number): unknown {
  let v: unknown = 'leaf';
  for (let i = 0; i < levels; i++) v = { nested: v };
  return v;
}

/** One random mutation of the example config, as the text of a file. */
function mutate(next: () => number): { what: string; text: string } {
  const config = parse(EXAMPLE);
  const all = paths(config).filter((p) => p.length > 0);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)];
  const path = pick(all);
  switch (Math.floor(next() * 7)) {
    case 0:
      set(config, path, undefined);
      return { what: `delete ${path.join('.')}`, text: stringify(config) };
    case 1:
      set(config, path, pick(WEIRD_VALUES));
      return { what: `wrong type at ${path.join('.')}`, text: stringify(config) };
    case 2:
      set(config, path, pick(WEIRD_STRINGS));
      return { what: `weird string at ${path.join('.')}`, text: stringify(config) };
    case 3: {
      const list = pick(['clusters', 'instances'] as const);
      config[list].push(JSON.parse(JSON.stringify(pick(config[list]))));
      return { what: `duplicate entry in ${list}`, text: stringify(config) };
    }
    case 4:
      set(config, path, deep(50 + Math.floor(next() * 200)));
      return { what: `deep nesting at ${path.join('.')}`, text: stringify(config) };
    case 5: {
      const parent = get(config, path.slice(0, -1));
      if (parent && typeof parent === 'object' && !Array.isArray(parent))
        parent[pick(['colour', 'x-extra', '__proto__', 'constructor'])] = 'surprise';
      return { what: `unknown key under ${path.slice(0, -1).join('.')}`, text: stringify(config) };
    }
    default: {
      const text = stringify(config);
      const cut = Math.floor(next() * text.length);
      return { what: `truncated at byte ${cut}`, text: text.slice(0, cut) };
    }
  }
}

/** Runs the app on `text` and checks it ended cleanly either way. */
function runOn(what: string, text: string | Buffer): 'synth' | 'refused' {
  const dir = tempDir('hostile-');
  try {
    return checkRun(what, dir, text);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function checkRun(what: string, dir: string, text: string | Buffer): 'synth' | 'refused' {
  const file = join(dir, 'sandbox.yaml');
  writeFileSync(file, text);
  const out = join(dir, 'cdktf.out');
  const start = Date.now();
  const { code, stderr } = runMain(file, out);
  const seconds = (Date.now() - start) / 1000;
  const context = `${what}: exit ${code}, ${stderr.slice(0, 300)}`;
  const hang =
    seconds > HANG_SECONDS
      ? `${what} ran for ${seconds.toFixed(0)}s, past the ${HANG_SECONDS}s bound: treated as a hang`
      : undefined;
  expect({ context, hang }).toEqual({ context, hang: undefined });
  if (code === 0) {
    const stacks = readdirSync(join(out, 'stacks'));
    expect({ context, complete: stacks.every((s) => existsSync(join(out, 'stacks', s, 'cdk.tf.json'))) }).toEqual({
      context,
      complete: true,
    });
    return 'synth';
  }
  expect({
    context,
    code,
    clean: /^(invalid sandbox config|synth failed for)/.test(stderr),
    stackTrace: /\n\s+at .+:\d+:\d+\)?/.test(stderr),
    wrote: existsSync(out),
  }).toEqual({
    context,
    code: 1,
    clean: true,
    stackTrace: false,
    wrote: false,
  });
  return 'refused';
}

describe('hostile input', () => {
  it(
    `ends each of ${MUTATIONS} random mutations of the example in a synth or a clean error`,
    () => {
      const next = random(20261123);
      const outcomes = { synth: 0, refused: 0 };
      for (let i = 0; i < MUTATIONS; i++) {
        const { what, text } = mutate(next);
        outcomes[runOn(`#${i} ${what}`, text)]++;
      }
      // Both outcomes must occur, or the mutations test only one path.
      expect(outcomes.synth).toBeGreaterThan(10);
      expect(outcomes.refused).toBeGreaterThan(100);
    },
    30 * 60_000,
  );

  it.each([
    [
      'an alias bomb',
      [
        'a: &a ["x","x","x","x","x","x","x","x","x"]',
        ...Array.from(
          { length: 8 },
          (_, i) =>
            `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9)
              .fill(`*${String.fromCharCode(97 + i)}`)
              .join(',')}]`,
        ),
      ].join('\n'),
    ],
    ['100,000 levels of nesting', `${'['.repeat(100_000)}${']'.repeat(100_000)}`],
    ['an empty file', ''],
    ['binary garbage', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 256))],
    ['a 50 MB file', Buffer.alloc(50 * 1024 * 1024, 'a: b\n')],
    ['a YAML document stream', `${EXAMPLE}\n---\n${EXAMPLE}`],
  ])(
    'refuses %s cleanly',
    (what, text) => {
      expect(runOn(what, text)).toBe('refused');
    },
    10 * 60_000,
  );
});
