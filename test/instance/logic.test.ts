import type { CatalogEntry, MatchExpression } from '../../constructs/catalog/types';
import { matchesExpression } from '../../constructs/instance/match';
import { resolveBlocks, type BlockInput } from '../../constructs/instance/resolver';
import { compareVersions } from '../../constructs/instance/semver';
import { fillPlaceholders, mergeValues, setPath } from '../../constructs/instance/values';
import { wireValues } from '../../constructs/instance/wiring';
import { readFileSync } from 'fs';
import { join } from 'path';
import { parse } from 'yaml';
import { BUILTIN_CATALOG } from '../../constructs/catalog/builtin';
import { mockFootprint } from '../../constructs/instance/mocks';
import { bytes, cpuMillis } from '../../constructs/instance/quantity';
import { blockFootprint } from '../../constructs/instance/quota-check';
import { seedValues } from '../../constructs/instance/seed-data';

const labels = { kind: 'database', 'provides-postgresql': 'true', version: '16.4.0' };
const expr = (operator: MatchExpression['operator'], key: string, values?: string[]): MatchExpression => ({
  key,
  operator,
  values,
});

function entry(name: string, extra: Partial<CatalogEntry> = {}): CatalogEntry {
  return {
    name,
    labels: { kind: name, version: '1.0.0' },
    chart: { repository: 'https://charts.example.org', name, version: '1.0.0' },
    resources: { cpu: '100m', memory: '128Mi' },
    images: [],
    ...extra,
  };
}
const block = (e: CatalogEntry, values = {}): BlockInput => ({ name: e.name, entry: e, values });
const vars = { instance: 'i', namespace: 'ns', domain: 'example.org' };

describe('match expressions', () => {
  it.each([
    ['In matches', expr('In', 'kind', ['cache', 'database']), true],
    ['In misses', expr('In', 'kind', ['cache']), false],
    ['NotIn matches', expr('NotIn', 'kind', ['cache']), true],
    ['NotIn misses', expr('NotIn', 'kind', ['database']), false],
    ['NotIn on a missing key', expr('NotIn', 'tier', ['gold']), true],
    ['Exists', expr('Exists', 'provides-postgresql'), true],
    ['Exists misses', expr('Exists', 'provides-mysql'), false],
    ['DoesNotExist', expr('DoesNotExist', 'provides-mysql'), true],
    ['DoesNotExist misses', expr('DoesNotExist', 'kind'), false],
    ['Gt by version, not by text', expr('Gt', 'version', ['9.6.0']), true],
    ['Gt equal is false', expr('Gt', 'version', ['16.4.0']), false],
    ['Lt by version', expr('Lt', 'version', ['16.10.0']), true],
    ['Lt misses', expr('Lt', 'version', ['16.4']), false],
    ['Gt on a missing key', expr('Gt', 'release', ['1.0.0']), false],
  ])('%s', (_name, e, expected) => {
    expect(matchesExpression(labels, e)).toBe(expected);
  });

  it('compares versions numerically, with a pre-release before its release', () => {
    expect(compareVersions('1.10.0', '1.9.9')).toBe(1);
    expect(compareVersions('v2.0', '2.0.0')).toBe(0);
    expect(compareVersions('2.0.0-rc.1', '2.0.0')).toBe(-1);
    expect(() => compareVersions('latest', '1.0')).toThrow(/cannot compare versions "latest" and "1.0"/);
  });
});

describe('values', () => {
  it('merges objects deeply and replaces arrays unless told to append', () => {
    const base = { a: { b: 1, list: [1] }, keep: true };
    expect(mergeValues(base, { a: { c: 2, list: [2] } })).toEqual({ a: { b: 1, c: 2, list: [2] }, keep: true });
    expect(mergeValues(base, { a: { list: [2] } }, true)).toEqual({ a: { b: 1, list: [1, 2] }, keep: true });
    expect(base).toEqual({ a: { b: 1, list: [1] }, keep: true });
  });

  it('appends to a text that ends in a line break when appending, and replaces other text', () => {
    const base = { config: 'services:\n- a\n', name: 'x' };
    expect(mergeValues(base, { config: '- b\n', name: 'y' }, true)).toEqual({
      config: 'services:\n- a\n- b\n',
      name: 'y',
    });
    expect(mergeValues(base, { config: '- b\n' })).toEqual({ config: '- b\n', name: 'x' });
  });

  it('sets dot paths, with list indexes, without touching the input', () => {
    const input = { auth: { user: 'x' } };
    expect(setPath(input, 'auth.existingSecret', 's')).toEqual({ auth: { user: 'x', existingSecret: 's' } });
    expect(setPath({}, 'ingress.hosts[0].host', 'h')).toEqual({ ingress: { hosts: [{ host: 'h' }] } });
    expect(input).toEqual({ auth: { user: 'x' } });
  });

  it('fills placeholders in nested strings and leaves unknown ones', () => {
    expect(fillPlaceholders({ a: ['{block}.{namespace}', '{unknown}'] }, { block: 'b', namespace: 'n' })).toEqual({
      a: ['b.n', '{unknown}'],
    });
  });

  it('wires the facts a block asks for and reports the ones it lacks', () => {
    const e = entry('app', { inject: { smtpHost: 'mail.host', smsApiUrl: 'sms.url' } });
    expect(wireValues(e, { mail: { port: 25 } }, { smtpHost: 'mock-email.ns' })).toEqual({
      values: { mail: { port: 25, host: 'mock-email.ns' } },
      missing: ['smsApiUrl'],
    });
  });
});

describe('dependency resolution', () => {
  const db = entry('db', { labels: { kind: 'database', 'provides-postgresql': 'true', version: '16.4.0' } });
  const needsDb = { matchExpressions: [expr('Exists', 'provides-postgresql'), expr('Gt', 'version', ['14.0.0'])] };
  const app = entry('app', { requires: { strong: [needsDb] } });

  it('orders blocks after the blocks they strongly require', () => {
    const r = resolveBlocks('i', [block(app), block(db)], vars);
    expect(r.blocks.map((b) => b.name)).toEqual(['db', 'app']);
    expect(r.blocks.find((b) => b.name === 'app')!.dependsOn).toEqual(['db']);
  });

  it('fails on an unmet strong requirement, naming the block and the expression', () => {
    const old = entry('db', { labels: { kind: 'database', 'provides-postgresql': 'true', version: '12.0.0' } });
    expect(() => resolveBlocks('i', [block(app), block(old)], vars)).toThrow(
      /instance "i": block "app" requires provides-postgresql Exists, version Gt 14.0.0, which no other block provides/,
    );
  });

  it('fails on a cycle, naming both blocks', () => {
    const a = entry('a', {
      labels: { kind: 'a', version: '1.0.0' },
      requires: { strong: [{ matchExpressions: [expr('In', 'kind', ['b'])] }] },
    });
    const b = entry('b', {
      labels: { kind: 'b', version: '1.0.0' },
      requires: { strong: [{ matchExpressions: [expr('In', 'kind', ['a'])] }] },
    });
    expect(() => resolveBlocks('i', [block(a), block(b)], vars)).toThrow(
      /blocks "a" and "b" require each other \(cycle a -> b -> a\); "a" needs kind In b/,
    );
  });

  it('warns about unmet weak requirements without failing', () => {
    const web = entry('web', {
      requires: { weak: [{ description: 'metrics scraping', matchExpressions: [expr('In', 'kind', ['monitoring'])] }] },
    });
    expect(resolveBlocks('i', [block(web)], vars).warnings).toEqual([
      'instance "i": block "web" works better with metrics scraping (kind In monitoring), which no block of the instance provides',
    ]);
  });

  it('merges influences into the blocks they target, appending lists', () => {
    const monitoring = entry('monitoring', { labels: { kind: 'monitoring', version: '1.0.0' } });
    const scraped = (port: number) => ({
      target: { matchExpressions: [expr('In', 'kind', ['monitoring'])] },
      values: { scrape: [{ job: '{block}', target: `{block}.{namespace}:${port}` }] },
    });
    const one = entry('one', { influences: [scraped(1)] });
    const two = entry('two', { influences: [scraped(2)] });
    const r = resolveBlocks('i', [block(monitoring, { scrape: [{ job: 'self' }] }), block(one), block(two)], vars);
    expect(r.blocks.find((b) => b.name === 'monitoring')!.values).toEqual({
      scrape: [{ job: 'self' }, { job: 'one', target: 'one.ns:1' }, { job: 'two', target: 'two.ns:2' }],
    });
  });
});

describe('seed values', () => {
  const base = { instanceName: 'i', namespace: 'ns', variant: 'demo' };
  const postgres = BUILTIN_CATALOG.find((e) => e.name === 'postgresql')!;

  it("target the provider's own Service and seed account", () => {
    expect(
      seedValues({ ...base, blockName: 'postgresql', entry: postgres, dataset: postgres.datasets!.minimal }).target,
    ).toEqual({
      engine: 'postgresql',
      host: 'postgresql-rw.ns.svc.cluster.local',
      port: 5432,
      database: 'app',
      username: 'app',
      passwordSecret: { name: 'postgresql-app', key: 'password' },
    });
  });

  it('refuse a dataset the block cannot load', () => {
    const archive = { format: 'mongodb-archive' as const, source: { url: 'https://example.org/a.archive' } };
    expect(() => seedValues({ ...base, blockName: 'postgresql', entry: postgres, dataset: archive })).toThrow(
      /dataset "demo" of block "postgresql" is mongodb-archive, which a postgresql database cannot load/,
    );
    const fixtures = { format: 'http-fixtures' as const, source: { configMap: { 'a.json': '{}' } } };
    expect(() => seedValues({ ...base, blockName: 'postgresql', entry: postgres, dataset: fixtures })).toThrow(
      /is http-fixtures, but the block serves no HTTP/,
    );
    expect(() =>
      seedValues({ ...base, blockName: 'app', entry: entry('app'), dataset: postgres.datasets!.minimal }),
    ).toThrow(/provides no database/);
  });
});

describe('quota footprints', () => {
  it('count each mock with the resources of its chart, one pod', () => {
    const values = parse(readFileSync(join(__dirname, '..', '..', 'charts', 'mock-email', 'values.yaml'), 'utf8'));
    expect(mockFootprint('email')).toEqual({
      requestsCpuMillis: cpuMillis(values.resources.requests.cpu, 'cpu'),
      requestsMemoryBytes: bytes(values.resources.requests.memory, 'memory'),
      limitsCpuMillis: cpuMillis(values.resources.limits.cpu, 'cpu'),
      limitsMemoryBytes: bytes(values.resources.limits.memory, 'memory'),
      pods: 1,
    });
  });

  it("take a block's limits and pods from its entry, limits defaulting to the requests and pods to one", () => {
    const e = entry('app', { resources: { cpu: '100m', memory: '128Mi' } });
    expect(blockFootprint({ name: 'app', entry: e })).toEqual({
      requestsCpuMillis: 100,
      requestsMemoryBytes: 128 * 1024 ** 2,
      limitsCpuMillis: 100,
      limitsMemoryBytes: 128 * 1024 ** 2,
      pods: 1,
    });
  });
});
