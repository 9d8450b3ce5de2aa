import { execFile } from 'child_process';
import { createHash } from 'crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import { parseAllDocuments } from 'yaml';
import { tempDir } from '../fixtures';
import { requireTool, run } from '../tools';
import { treeDigest } from '../tree-digest';

/** The chart mirror the tests render real upstream archives from: `shared/` beside the clone. */
export const CHART_MIRROR = join(__dirname, '..', '..', '..', 'shared', 'charts-mirror');
export const KUBE_VERSION = '1.34.0';
const ROOT = join(__dirname, '..', '..');
/** API groups the platform installs, so charts render what they render on a sandbox cluster. */
const PLATFORM_APIS = [
  'monitoring.coreos.com/v1',
  'gateway.networking.k8s.io/v1',
  'cert-manager.io/v1',
  'postgresql.cnpg.io/v1',
  'external-secrets.io/v1',
];

export type K8sObject = Record<string, any> & { kind: string; metadata: Record<string, any> };

const cache = new Map<string, K8sObject[] | Error>();
let valuesDir: string | undefined;

interface Render {
  readonly key: string;
  readonly args: string[];
  /** Where the output of the same helm, chart bytes, release and values is kept between runs. */
  readonly stored: string;
}

/*
 * Renders are kept between runs under node_modules/.cache, keyed by what decides them: the helm
 * version, the chart's bytes (an archive, or every file of a chart folder), the release, namespace,
 * Kubernetes version, API groups and values. A warm run reads them instead of starting helm again.
 */
const STORE = join(ROOT, 'node_modules', '.cache', 'sandboxkit', 'helm-template');
let helmVersion: string | undefined;
const chartDigests = new Map<string, string>();

function chartDigest(chart: string): string {
  let digest = chartDigests.get(chart);
  if (digest) return digest;
  digest = treeDigest(chart);
  chartDigests.set(chart, digest);
  return digest;
}

function readStored(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function store(path: string, output: string): void {
  mkdirSync(STORE, { recursive: true });
  writeFileSync(path, output);
}

/** The cache key and helm arguments of one render; the values go to a file named by the key. */
function renderOf(release: string, chart: string, namespace: string, values: unknown, nonce: string): Render {
  const text = JSON.stringify(values);
  const key = createHash('sha256').update(`${release}\0${chart}\0${namespace}\0${text}\0${nonce}`).digest('hex');
  valuesDir ??= tempDir('catalog-values-');
  const file = join(valuesDir, `${key}.json`);
  writeFileSync(file, text);
  const args = [
    'template',
    release,
    chart,
    '-n',
    namespace,
    '--kube-version',
    KUBE_VERSION,
    ...PLATFORM_APIS.flatMap((a) => ['--api-versions', a]),
    '-f',
    file,
  ];
  helmVersion ??= run(requireTool('helm'), ['version', '--short']).trim();
  const stored = createHash('sha256')
    .update(
      [helmVersion, chartDigest(chart), release, namespace, KUBE_VERSION, PLATFORM_APIS.join(','), text, nonce].join(
        '\0',
      ),
    )
    .digest('hex');
  return { key, args, stored: join(STORE, `${stored}.yaml`) };
}

function parseRender(out: string): K8sObject[] {
  return parseAllDocuments(out)
    .map((d) => d.toJS() as K8sObject | null)
    .filter((o): o is K8sObject => !!o && typeof o === 'object' && 'kind' in o);
}

/**
 * `helm template` of one release, parsed; the same release, chart and values render once per
 * test file (a different `nonce` renders again). A chart that refuses to render gives its error instead.
 */
export function helmTemplate(
  release: string,
  chart: string,
  namespace: string,
  values: unknown,
  nonce = '',
): K8sObject[] | Error {
  const text = JSON.stringify(values);
  const key = createHash('sha256').update(`${release}\0${chart}\0${namespace}\0${text}\0${nonce}`).digest('hex');
  const known = cache.get(key);
  if (known) return known;
  const r = renderOf(release, chart, namespace, values, nonce);
  let result: K8sObject[] | Error;
  const kept = readStored(r.stored);
  if (kept !== undefined) {
    result = parseRender(kept);
  } else {
    try {
      const output = run(requireTool('helm'), r.args);
      store(r.stored, output);
      result = parseRender(output);
    } catch (err) {
      result = err as Error;
    }
  }
  cache.set(key, result);
  return result;
}

export interface TemplateRequest {
  readonly release: string;
  readonly chart: string;
  readonly namespace: string;
  readonly values: unknown;
  readonly nonce?: string;
}

/**
 * Renders `requests` that are not cached yet, `concurrency` helm processes at a time, into the
 * cache `helmTemplate` reads: a test that needs many renders asks for them all first.
 */
export async function prefetchTemplates(requests: readonly TemplateRequest[], concurrency = 3): Promise<void> {
  const helm = requireTool('helm');
  const seen = new Set<string>();
  const todo = requests
    .map((q) => renderOf(q.release, q.chart, q.namespace, q.values, q.nonce ?? ''))
    .filter((r) => !cache.has(r.key) && !seen.has(r.key) && seen.add(r.key));
  const worker = async () => {
    for (let r = todo.shift(); r; r = todo.shift()) {
      const { args, stored } = r;
      const kept = readStored(stored);
      if (kept !== undefined) {
        cache.set(r.key, parseRender(kept));
        continue;
      }
      cache.set(
        r.key,
        await new Promise<K8sObject[] | Error>((done) =>
          execFile(helm, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
            if (err)
              return done(new Error(`${helm} ${args.join(' ')} failed:\n${stdout ?? ''}${stderr || err.message}`));
            store(stored, stdout);
            done(parseRender(stdout));
          }),
        ),
      );
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** The objects of a render, or a failed test naming the release. */
export function rendered(release: string, result: K8sObject[] | Error): K8sObject[] {
  if (result instanceof Error) throw new Error(`release "${release}" does not render: ${result.message}`);
  return result;
}

/** A render as comparable text, without the objects listed as `volatile` (kind/name). */
export function canonical(objects: readonly K8sObject[], volatile: ReadonlySet<string> = new Set()): string {
  return objects
    .filter((o) => !volatile.has(objectKey(o)))
    .map((o) => JSON.stringify(o))
    .sort()
    .join('\n');
}

export const objectKey = (o: K8sObject) => `${o.kind}/${o.metadata?.name}`;

/** Leaf paths of a values object: scalars, lists and empty objects, each as the keys leading to it. */
export function leafPaths(values: unknown, prefix: string[] = []): string[][] {
  if (typeof values !== 'object' || values === null || Array.isArray(values) || Object.keys(values).length === 0)
    return [prefix];
  return Object.entries(values).flatMap(([k, v]) => leafPaths(v, [...prefix, k]));
}

/** A deep copy of `values` without the leaf at `path`. */
export function withoutPath(values: Record<string, unknown>, path: readonly string[]): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(values)) as Record<string, unknown>;
  let node: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
  delete node[path[path.length - 1]];
  return copy;
}
