import { readFileSync } from 'fs';
import { join } from 'path';
import { parse } from 'yaml';
import type { SandboxConfig } from '../../config/types';
import { BUILTIN_CATALOG } from '../../constructs/catalog/builtin';
import { mergeCatalog } from '../../constructs/catalog/merge';
import { PACKAGE_CHARTS_DIR } from '../../constructs/helm-release';
import { MOCKS } from '../../constructs/instance/mocks';
import { CAPACITY_CHARTS, PLATFORM_CHARTS } from '../../constructs/platform/charts';
import type { CliContext } from '../context';
import { CliError, EXIT } from '../io';
import { findInstance } from '../instances';

export interface BomChart {
  readonly repository: string;
  readonly name: string;
  readonly version: string;
}

export interface Bom {
  readonly scope: string;
  readonly charts: BomChart[];
  readonly images: string[];
}

interface ImageValue {
  readonly registry?: string;
  readonly repository: string;
  readonly tag: string;
}

const imageRef = (i: ImageValue) => `${i.registry ? `${i.registry}/` : ''}${i.repository}:${i.tag}`;

/** A packaged chart's version and every image its values pin. */
function packagedChart(name: string): { chart: BomChart; images: string[] } {
  const dir = join(PACKAGE_CHARTS_DIR, name);
  const chart = parse(readFileSync(join(dir, 'Chart.yaml'), 'utf8')) as { name: string; version: string };
  const values = parse(readFileSync(join(dir, 'values.yaml'), 'utf8')) as { image?: ImageValue; images?: Record<string, ImageValue> };
  const images = values.image ? [imageRef(values.image)] : Object.values(values.images ?? {}).map(imageRef);
  return { chart: { repository: 'sandboxkit (packaged)', name: chart.name, version: chart.version }, images };
}

/** The image name under a mirror: the registry host is replaced, the path kept. */
export function mirrored(image: string, mirror: string | undefined): string {
  if (!mirror) return image;
  const [first, ...rest] = image.split('/');
  const hasRegistry = rest.length > 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  return `${mirror}/${hasRegistry ? rest.join('/') : image}`;
}

/** Everything an instance, or a cluster's platform, pulls: charts with versions and images. */
export function billOfMaterials(config: SandboxConfig, target: { instance?: string; cluster?: string }): Bom {
  const charts: BomChart[] = [];
  const images = new Set<string>();
  const add = (c: { chart: BomChart; images: string[] }) => {
    charts.push(c.chart);
    c.images.forEach((i) => images.add(i));
  };
  let clusterName: string;
  if (target.instance) {
    const instance = findInstance(config, target.instance);
    clusterName = instance.cluster;
    const catalog = mergeCatalog(BUILTIN_CATALOG, config.catalog ?? []);
    for (const b of instance.blocks) {
      const entry = catalog.get(typeof b === 'string' ? b : b.name)!;
      add({ chart: { ...entry.chart }, images: [...entry.images] });
    }
    for (const m of instance.mocks ?? []) add(packagedChart(MOCKS[m].chart));
    if (instance.datasets?.length) add(packagedChart('seed-data'));
    images.add('docker.io/curlimages/curl:8.12.1');
  } else {
    clusterName = target.cluster ?? '';
    if (!config.clusters.some((c) => c.name === clusterName)) {
      throw new CliError(`unknown cluster "${clusterName}"; the config has ${config.clusters.map((c) => c.name).join(', ')}`);
    }
    for (const c of [...PLATFORM_CHARTS, ...CAPACITY_CHARTS]) charts.push({ ...c });
    add(packagedChart('instance-reaper'));
  }
  const mirror = config.clusters.find((c) => c.name === clusterName)?.platform?.registryMirror;
  return { scope: target.instance ? `instance ${target.instance}` : `cluster ${clusterName}`, charts, images: [...images].sort().map((i) => mirrored(i, mirror)) };
}

export function bomCommand(ctx: CliContext, target: { instance?: string; cluster?: string }): number {
  const bom = billOfMaterials(ctx.store.read(), target);
  if (ctx.json) {
    ctx.io.out(JSON.stringify(bom));
    return EXIT.ok;
  }
  ctx.io.out(`bill of materials of ${bom.scope}\n\nCHART  VERSION  REPOSITORY`);
  for (const c of bom.charts) ctx.io.out(`${c.name}  ${c.version}  ${c.repository}`);
  ctx.io.out('\nIMAGE');
  for (const i of bom.images) ctx.io.out(i);
  return EXIT.ok;
}
