import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { basename, join } from 'path';
import type { Construct } from 'constructs';
import { parse } from 'yaml';
import type { SandboxConfig } from '../config/types';
import { SandboxHelmRelease } from '../constructs/helm-release';
import { ManagedDatabaseUsers } from '../constructs/instance/managed-database';
import { instanceStackName, platformStackName } from '../stacks/names';
import { buildSandbox } from '../stacks/sandbox-app';
import { newApp } from '../synth/synthesize';
import { CliError } from './io';
import { withInstance } from './instances';
import { PLATFORM_IMAGES } from './platform-images';
import { BuildingBlock } from '../constructs/instance/building-block';

export interface BomChart {
  readonly repository: string;
  readonly name: string;
  readonly version: string;
}

export interface Bom {
  readonly scope: string;
  readonly charts: BomChart[];
  /** Every image by its source name: what to pull from the image's own registry. */
  readonly images: string[];
  /** Under a registry mirror: each image of `images` and its name in the mirror, where the cluster pulls it from. */
  readonly mirror?: { readonly source: string; readonly mirror: string }[];
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

/** Every image a release pulls, when sandboxkit knows them: a block's catalog entry, a packaged chart, a platform chart. */
function releaseImages(release: SandboxHelmRelease, blocks: ReadonlyMap<SandboxHelmRelease, BuildingBlock>) {
  const block = blocks.get(release);
  if (block) return block.entry.images;
  if (release.source.kind === 'local') return [...packagedImages(release.source.chart), TEST_IMAGE];
  return PLATFORM_IMAGES[`${release.source.chart}@${release.version}`];
}

/**
 * Everything an instance, or a cluster (its platform and its shared blocks), pulls: the Helm releases of its stacks
 * (built in a throwaway app, so the list is what a deploy installs) with their images from the catalog entries they
 * were built from, our charts' values and the platform charts' table; under a registry mirror, also where each image
 * goes in the mirror.
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
  const outdir = mkdtempSync(join(tmpdir(), 'sandboxkit-bom-'));
  try {
    const stacks = buildSandbox(newApp(outdir), scoped);
    const scope: Construct[] = instance
      ? [stacks.instances.get(instanceStackName(instance.name))!]
      : [stacks.platforms.get(platformStackName(clusterName))!, ...stacks.shared.values()];
    const constructs = scope.flatMap((s) => s.node.findAll());
    const blocks = new Map(
      constructs.filter((c): c is BuildingBlock => c instanceof BuildingBlock).map((b) => [b.release, b]),
    );
    const charts: BomChart[] = [];
    const images = new Set<string>();
    const seen = new Set<string>();
    const unknownImages: string[] = [];
    for (const r of constructs.filter((c): c is SandboxHelmRelease => c instanceof SandboxHelmRelease)) {
      const key = `${r.source.kind === 'local' ? r.source.chart : `${r.source.repository}/${r.source.chart}`}@${r.version}`;
      const known = releaseImages(r, blocks);
      if (known) known.forEach((i) => images.add(i));
      else if (!seen.has(key)) unknownImages.push(`${r.source.chart}@${r.version}`);
      if (seen.has(key)) continue;
      seen.add(key);
      charts.push(
        r.source.kind === 'local'
          ? { repository: 'sandboxkit (packaged)', name: basename(r.source.chart), version: r.version }
          : { repository: r.source.repository!, name: r.source.chart, version: r.version },
      );
    }
    for (const users of constructs) if (users instanceof ManagedDatabaseUsers && users.image) images.add(users.image);
    const mirror = config.clusters.find((c) => c.name === clusterName)?.platform?.registryMirror;
    const sources = [...images].sort();
    return {
      scope: target.instance ? `instance ${target.instance}` : `cluster ${clusterName}`,
      charts,
      images: sources,
      ...(mirror ? { mirror: sources.map((source) => ({ source, mirror: mirrored(source, mirror) })) } : {}),
      unknownImages,
    };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
