import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { basename, join } from 'path';
import { parse } from 'yaml';
import type { SandboxConfig } from '../../config/types';
import { BUILTIN_CATALOG } from '../../constructs/catalog/builtin';
import { mergeCatalog } from '../../constructs/catalog/merge';
import { SandboxHelmRelease } from '../../constructs/helm-release';
import { ManagedDatabaseUsers } from '../../constructs/instance/managed-database';
import { instanceStackName, platformStackName } from '../../stacks/names';
import { buildSandbox } from '../../stacks/sandbox-app';
import { newApp } from '../../synth/synthesize';
import type { CliContext } from '../context';
import { CliError, EXIT } from '../io';
import { resolveInstance, withInstance } from '../instances';
import { PLATFORM_IMAGES } from '../platform-images';
import { entryWithBarmanImage, isCloudNativePgCluster } from '../../constructs/instance/database-backup';
import { table } from '../table';

export interface BomChart {
  readonly repository: string;
  readonly name: string;
  readonly version: string;
}

export interface Bom {
  readonly scope: string;
  readonly charts: BomChart[];
  readonly images: string[];
  /** Charts whose images the CLI does not know: render them with `helm template` to list them. */
  readonly unknownImages: string[];
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
  const values = parse(readFileSync(join(dir, 'values.yaml'), 'utf8')) as {
    image?: ImageValue;
    images?: Record<string, ImageValue>;
  };
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
  const instance = target.instance ? config.instances?.find((i) => i.name === target.instance) : undefined;
  if (target.instance && !instance) throw new CliError(`unknown instance "${target.instance}"`);
  const clusterName = instance ? instance.cluster : (target.cluster ?? '');
  if (!config.clusters.some((c) => c.name === clusterName)) {
    throw new CliError(
      `unknown cluster "${clusterName}"; the config has ${config.clusters.map((c) => c.name).join(', ')}`,
    );
  }
  // An instance group's member is built with its group, as in the whole config.
  const scoped = instance
    ? withInstance(config, instance)
    : { ...config, clusters: config.clusters.filter((c) => c.name === clusterName), instances: [] };
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
    const seen = new Set<string>();
    const unknownImages: string[] = [];
    for (const r of releases) {
      const key = `${r.source.kind === 'local' ? r.source.chart : `${r.source.repository}/${r.source.chart}`}@${r.version}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if (r.source.kind === 'local') {
        charts.push({ repository: 'sandboxkit (packaged)', name: basename(r.source.chart), version: r.version });
        packagedImages(r.source.chart).forEach((i) => images.add(i));
        images.add(TEST_IMAGE);
      } else {
        charts.push({ repository: r.source.repository!, name: r.source.chart, version: r.version });
        const entry = catalog.get(r.release.nameInput ?? '');
        // A backed-up (or restored) database runs the image variant with the barman-cloud tools.
        const backedUp = entry && (instance?.backup || instance?.restoreFrom) && isCloudNativePgCluster(entry);
        const known =
          (backedUp ? entryWithBarmanImage(entry) : entry)?.images ?? PLATFORM_IMAGES[`${r.source.chart}@${r.version}`];
        if (known) known.forEach((i) => images.add(i));
        else unknownImages.push(`${r.source.chart}@${r.version}`);
      }
    }
    for (const users of stack.node.findAll())
      if (users instanceof ManagedDatabaseUsers && users.image) images.add(users.image);
    const mirror = config.clusters.find((c) => c.name === clusterName)?.platform?.registryMirror;
    return {
      scope: target.instance ? `instance ${target.instance}` : `cluster ${clusterName}`,
      charts,
      images: [...images].sort().map((i) => mirrored(i, mirror)),
      unknownImages,
    };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

export async function bomCommand(ctx: CliContext, target: { instance?: string; cluster?: string }): Promise<number> {
  if (!target.instance && !target.cluster)
    throw new CliError(
      'bom: give an instance (sandboxkit bom <instance>) or a cluster (sandboxkit bom --cluster <name>)',
    );
  if (target.instance && target.cluster) throw new CliError('bom: give an instance or --cluster, not both');
  const config = ctx.store.read();
  const resolved = target.instance
    ? { instance: target.instance, config: (await resolveInstance(ctx, config, target.instance)).config }
    : { cluster: target.cluster, config };
  const bom = billOfMaterials(resolved.config, resolved);
  if (ctx.json) {
    ctx.io.out(JSON.stringify(bom));
    return EXIT.ok;
  }
  ctx.io.out(`bill of materials of ${bom.scope}\n`);
  table(
    ctx.io,
    ['CHART', 'VERSION', 'REPOSITORY'],
    bom.charts.map((c) => [c.name, c.version, c.repository]),
  );
  ctx.io.out('');
  table(
    ctx.io,
    ['IMAGE'],
    bom.images.map((i) => [i]),
  );
  if (bom.unknownImages.length)
    ctx.io.err(
      `images of ${bom.unknownImages.join(', ')} are not known to this version of sandboxkit; list them with helm template`,
    );
  return EXIT.ok;
}
