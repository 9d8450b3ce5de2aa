import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { basename, join } from 'path';
import { parse } from 'yaml';
import type { SandboxConfig } from '../../config/types';
import { BUILTIN_CATALOG } from '../../constructs/catalog/builtin';
import { mergeCatalog } from '../../constructs/catalog/merge';
import { SandboxHelmRelease } from '../../constructs/helm-release';
import { instanceStackName, platformStackName } from '../../stacks/names';
import { buildSandbox } from '../../stacks/sandbox-app';
import { newApp } from '../../stacks/synthesize';
import type { CliContext } from '../context';
import { CliError, EXIT } from '../io';
import { findInstance, reducedConfig } from '../instances';

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

/** Image pulled by every `helm test` hook of our charts. */
const TEST_IMAGE = 'docker.io/curlimages/curl:8.12.1';

const imageRef = (i: ImageValue) => `${i.registry ? `${i.registry}/` : ''}${i.repository}:${i.tag}`;

/** Every image a packaged chart's values pin. */
function packagedImages(dir: string): string[] {
  const values = parse(readFileSync(join(dir, 'values.yaml'), 'utf8')) as { image?: ImageValue; images?: Record<string, ImageValue> };
  return values.image ? [imageRef(values.image)] : Object.values(values.images ?? {}).map(imageRef);
}

/** The image name under a mirror: the registry host is replaced, the path kept. */
export function mirrored(image: string, mirror: string | undefined): string {
  if (!mirror) return image;
  const [first, ...rest] = image.split('/');
  const hasRegistry = rest.length > 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  return `${mirror}/${hasRegistry ? rest.join('/') : image}`;
}

/**
 * Everything an instance, or a cluster's platform, pulls: the Helm releases of
 * its stack (built in a throwaway app, so the list is what a deploy installs)
 * with their images from the catalog and our charts' values.
 */
export function billOfMaterials(config: SandboxConfig, target: { instance?: string; cluster?: string }): Bom {
  const clusterName = target.instance ? findInstance(config, target.instance).cluster : (target.cluster ?? '');
  if (!config.clusters.some((c) => c.name === clusterName)) {
    throw new CliError(`unknown cluster "${clusterName}"; the config has ${config.clusters.map((c) => c.name).join(', ')}`);
  }
  const scoped = target.instance ? reducedConfig(config, target.instance) : { ...config, clusters: config.clusters.filter((c) => c.name === clusterName), instances: [] };
  const stackName = target.instance ? instanceStackName(target.instance) : platformStackName(clusterName);
  const outdir = mkdtempSync(join(tmpdir(), 'sandboxkit-bom-'));
  try {
    const app = newApp(outdir);
    const stacks = buildSandbox(app, scoped);
    const stack = [...stacks.platforms.values(), ...stacks.instances.values()].find((s) => s.node.id === stackName)!;
    const releases = stack.node.findAll().filter((c): c is SandboxHelmRelease => c instanceof SandboxHelmRelease);
    const catalog = mergeCatalog(BUILTIN_CATALOG, config.catalog ?? []);
    const charts: BomChart[] = [];
    const images = new Set<string>();
    for (const r of releases) {
      if (r.source.kind === 'local') {
        charts.push({ repository: 'sandboxkit (packaged)', name: basename(r.source.chart), version: r.version });
        packagedImages(r.source.chart).forEach((i) => images.add(i));
        images.add(TEST_IMAGE);
      } else {
        charts.push({ repository: r.source.repository!, name: r.source.chart, version: r.version });
        catalog.get(r.release.nameInput ?? '')?.images.forEach((i) => images.add(i));
      }
    }
    const mirror = config.clusters.find((c) => c.name === clusterName)?.platform?.registryMirror;
    return { scope: target.instance ? `instance ${target.instance}` : `cluster ${clusterName}`, charts, images: [...images].sort().map((i) => mirrored(i, mirror)) };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
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
