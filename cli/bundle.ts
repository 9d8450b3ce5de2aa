import { createHash } from 'crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'fs';
import { isAbsolute, join, resolve } from 'path';
import { parse, stringify } from 'yaml';
import type { SandboxConfig } from '../config/types';
import { billOfMaterials, type Bom, type BomChart } from './bill-of-materials';
import { CliError, EXIT } from './io';

/** One chart of a Helm repository index, as `helm repo index` writes it; only the fields Helm needs are required. */
export interface IndexEntry {
  readonly apiVersion: string;
  readonly name: string;
  readonly version: string;
  readonly urls: readonly string[];
  readonly digest: string;
  readonly [field: string]: unknown;
}

export interface RepositoryIndex {
  readonly apiVersion: 'v1';
  readonly entries: Record<string, IndexEntry[]>;
}

/** What a bundle is made of: a config's charts, pulled from one source mirror. */
export interface BundleTarget {
  readonly instances: readonly string[];
  readonly clusters: readonly string[];
}

export interface BundleResult {
  readonly dir: string;
  readonly charts: readonly BomChart[];
  /**
   * Lines of images.txt: each image by its source name, followed by its name in the registry mirror when the cluster
   * has one (`<source> <mirror>`), so that a copy tool can fill the mirror from it.
   */
  readonly images: readonly string[];
  readonly unknownImages: readonly string[];
}

/** Where chart archives come from: a Helm repository over HTTP(S), or a folder of archives. */
export interface ChartSourceMirror {
  readonly where: string;
  /** The archive of `name` at `version`, and the index entry the source has for it, if it has an index. */
  fetch(name: string, version: string): Promise<{ archive: Buffer; entry?: Record<string, unknown> }>;
}

const ARCHIVE = (name: string, version: string) => `${name}-${version}.tgz`;

function readIndex(text: string, where: string): RepositoryIndex {
  const index = parse(text) as RepositoryIndex | null;
  if (!index || typeof index !== 'object' || typeof index.entries !== 'object')
    throw new CliError(`${where} is not a Helm repository index (no entries)`, EXIT.failed);
  return index;
}

const entryOf = (index: RepositoryIndex | undefined, name: string, version: string) =>
  index?.entries[name]?.find((e) => String(e.version) === version);

/** A folder of archives, with or without an index.yaml. */
export function folderSource(folder: string): ChartSourceMirror {
  if (!existsSync(folder)) throw new CliError(`chart source folder ${folder} does not exist`);
  const indexFile = join(folder, 'index.yaml');
  const index = existsSync(indexFile) ? readIndex(readFileSync(indexFile, 'utf8'), indexFile) : undefined;
  return {
    where: folder,
    async fetch(name, version) {
      const entry = entryOf(index, name, version);
      const url = entry?.urls[0];
      const file = url && !/^[a-z]+:\/\//i.test(url) ? join(folder, url) : join(folder, ARCHIVE(name, version));
      if (!existsSync(file))
        throw new CliError(`chart ${name} ${version} is not in ${folder} (expected ${file})`, EXIT.failed);
      return { archive: readFileSync(file), entry };
    },
  };
}

/** A Helm repository over HTTP(S): its index.yaml, then each archive its entry names. */
export function httpSource(url: string, get: (url: string) => Promise<Buffer> = httpGet): ChartSourceMirror {
  const base = url.replace(/\/+$/, '');
  let index: Promise<RepositoryIndex> | undefined;
  return {
    where: base,
    async fetch(name, version) {
      index ??= get(`${base}/index.yaml`).then((b) => readIndex(b.toString('utf8'), `${base}/index.yaml`));
      const entry = entryOf(await index, name, version);
      if (!entry) throw new CliError(`chart ${name} ${version} is not in the index of ${base}`, EXIT.failed);
      const archiveUrl = new URL(entry.urls[0] ?? ARCHIVE(name, version), `${base}/`).toString();
      return { archive: await get(archiveUrl), entry };
    },
  };
}

async function httpGet(url: string): Promise<Buffer> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (err) {
    throw new CliError(`cannot reach ${url}: ${(err as Error).message}`, EXIT.failed);
  }
  if (!response.ok) throw new CliError(`${url} answered ${response.status} ${response.statusText}`, EXIT.failed);
  return Buffer.from(await response.arrayBuffer());
}

/** The source named by `--from` (a URL or a folder, relative to `cwd`). */
export function sourceMirror(from: string, cwd: string): ChartSourceMirror {
  if (/^https?:\/\//.test(from)) return httpSource(from);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(from))
    throw new CliError(
      `bundle: --from must be an http(s):// URL or a folder, got "${from}" (an OCI registry has no index to copy)`,
    );
  return folderSource(isAbsolute(from) ? from : resolve(cwd, from));
}

/** The config without chart mirrors: a bundle lists charts by their upstream names, wherever the config installs them from. */
function unmirrored(config: SandboxConfig): SandboxConfig {
  return {
    ...config,
    clusters: config.clusters.map((c) => ({
      ...c,
      platform: c.platform ? { ...c.platform, chartMirror: undefined } : c.platform,
    })) as SandboxConfig['clusters'],
  };
}

/** The images.txt lines of one bill of materials: `<source>`, or `<source> <mirror>` under a registry mirror. */
const imageLines = (bom: Bom) => bom.mirror?.map((m) => `${m.source} ${m.mirror}`) ?? bom.images;

/** Every chart and image the targets need: a cluster means its platform and every instance the config puts on it. */
export function bundleContents(config: SandboxConfig, target: BundleTarget): Omit<BundleResult, 'dir'> {
  const plain = unmirrored(config);
  const boms = [
    ...target.clusters.flatMap((cluster) => [
      billOfMaterials(plain, { cluster }),
      ...(config.instances ?? [])
        .filter((i) => i.cluster === cluster)
        .map((i) => billOfMaterials(plain, { instance: i.name })),
    ]),
    ...target.instances.map((instance) => billOfMaterials(plain, { instance })),
  ];
  const charts = new Map<string, BomChart>();
  for (const c of boms.flatMap((b) => b.charts))
    if (c.repository !== 'sandboxkit (packaged)') charts.set(`${c.name}@${c.version}`, c);
  return {
    charts: [...charts.values()].sort((a, b) => `${a.name}@${a.version}`.localeCompare(`${b.name}@${b.version}`)),
    images: [...new Set(boms.flatMap(imageLines))].sort(),
    unknownImages: [...new Set(boms.flatMap((b) => b.unknownImages))].sort(),
  };
}

/**
 * Writes a bundle into `dir`: every remote chart archive the targets install, an index.yaml that makes the folder a
 * Helm repository (so `platform.chartMirror: <dir>` installs from it, as a folder or served over HTTP), and the
 * images to mirror into a registry (images.txt: a source name per line, and its name in the mirror after it). A folder that already holds a bundle keeps its charts and images.
 */
export async function writeBundle(
  dir: string,
  contents: Omit<BundleResult, 'dir'>,
  source: ChartSourceMirror,
): Promise<BundleResult> {
  const indexFile = join(dir, 'index.yaml');
  const existing = existsSync(indexFile) ? readIndex(readFileSync(indexFile, 'utf8'), indexFile) : undefined;
  const entries: Record<string, IndexEntry[]> = { ...(existing?.entries ?? {}) };
  const pulled: { file: string; archive: Buffer; entry: IndexEntry }[] = [];
  for (const chart of contents.charts) {
    const { archive, entry } = await source.fetch(chart.name, chart.version);
    const file = ARCHIVE(chart.name, chart.version);
    // Metadata (apiVersion, appVersion, dependencies, …) as the source lists it; location and digest are this bundle's.
    const { urls: _urls, digest: _digest, ...metadata } = entry ?? {};
    pulled.push({
      file,
      archive,
      entry: {
        apiVersion: 'v2',
        ...metadata,
        name: chart.name,
        version: chart.version,
        urls: [file],
        digest: createHash('sha256').update(archive).digest('hex'),
      },
    });
  }
  mkdirSync(dir, { recursive: true });
  for (const p of pulled) {
    writeFileSync(join(dir, p.file), p.archive);
    entries[p.entry.name] = [
      ...(entries[p.entry.name] ?? []).filter((e) => String(e.version) !== p.entry.version),
      p.entry,
    ].sort((a, b) => String(a.version).localeCompare(String(b.version)));
  }
  const sorted = Object.fromEntries(
    Object.keys(entries)
      .sort()
      .map((k) => [k, entries[k]]),
  );
  writeFileSync(indexFile, stringify({ apiVersion: 'v1', entries: sorted }));
  const imagesFile = join(dir, 'images.txt');
  const before = existsSync(imagesFile) ? readFileSync(imagesFile, 'utf8').split('\n').filter(Boolean) : [];
  const images = [...new Set([...before, ...contents.images])].sort();
  writeFileSync(imagesFile, `${images.join('\n')}\n`);
  return { dir, charts: contents.charts, images, unknownImages: contents.unknownImages };
}
