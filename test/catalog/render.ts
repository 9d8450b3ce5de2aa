import { createHash } from 'crypto';
import { writeFileSync } from 'fs';
import { join } from 'path';
import { parseAllDocuments } from 'yaml';
import { tempDir } from '../fixtures';
import { requireTool, run } from '../tools';

/** The chart mirror the tests render real upstream archives from: `shared/` beside the clone. */
export const CHART_MIRROR = join(__dirname, '..', '..', '..', 'shared', 'charts-mirror');
export const KUBE_VERSION = '1.34.0';
/** API groups the platform installs, so charts render what they render on a sandbox cluster. */
const PLATFORM_APIS = ['monitoring.coreos.com/v1', 'gateway.networking.k8s.io/v1', 'cert-manager.io/v1', 'postgresql.cnpg.io/v1', 'external-secrets.io/v1'];

export type K8sObject = Record<string, any> & { kind: string; metadata: Record<string, any> };

const cache = new Map<string, K8sObject[] | Error>();
let valuesDir: string | undefined;

/**
 * `helm template` of one release, parsed; the same release, chart and values render once per
 * test file (a different `nonce` renders again). A chart that refuses to render gives its error instead.
 */
export function helmTemplate(release: string, chart: string, namespace: string, values: unknown, nonce = ''): K8sObject[] | Error {
  const text = JSON.stringify(values);
  const key = createHash('sha256').update(`${release}\0${chart}\0${namespace}\0${text}\0${nonce}`).digest('hex');
  const known = cache.get(key);
  if (known) return known;
  valuesDir ??= tempDir('catalog-values-');
  const file = join(valuesDir, `${key}.json`);
  writeFileSync(file, text);
  let result: K8sObject[] | Error;
  try {
    const out = run(requireTool('helm'), ['template', release, chart, '-n', namespace, '--kube-version', KUBE_VERSION, ...PLATFORM_APIS.flatMap((a) => ['--api-versions', a]), '-f', file]);
    result = parseAllDocuments(out)
      .map((d) => d.toJS() as K8sObject | null)
      .filter((o): o is K8sObject => !!o && typeof o === 'object' && 'kind' in o);
  } catch (err) {
    result = err as Error;
  }
  cache.set(key, result);
  return result;
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
  if (typeof values !== 'object' || values === null || Array.isArray(values) || Object.keys(values).length === 0) return [prefix];
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
