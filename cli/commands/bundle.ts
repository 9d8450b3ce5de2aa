import { resolve } from 'path';
import type { SandboxConfig } from '../../config/types';
import { bundleContents, sourceMirror, writeBundle } from '../bundle';
import type { CliContext } from '../context';
import { CliError, EXIT } from '../io';
import { resolveInstance } from '../instances';
import { table } from '../table';

export interface BundleOptions {
  readonly dir: string;
  readonly instances: readonly string[];
  readonly clusters: readonly string[];
  /** A Helm repository URL or a folder. @default - the chartMirror of the targets' cluster */
  readonly from?: string;
}

/** The chart mirror of the clusters the targets are on, when they agree on one. */
function defaultSource(config: SandboxConfig, clusters: readonly string[]): string {
  const mirrors = [...new Set(clusters.map((c) => config.clusters.find((k) => k.name === c)?.platform?.chartMirror))];
  if (mirrors.length !== 1 || !mirrors[0]) {
    throw new CliError(
      `bundle: give --from <url-or-folder>: ${mirrors.length > 1 ? 'the clusters have different chart mirrors' : `cluster ${clusters.join(', ')} has no platform.chartMirror`}`,
    );
  }
  return mirrors[0];
}

/** `sandboxkit bundle <dir>`: an offline Helm repository with every chart and the image list the targets need. */
export async function bundleCommand(ctx: CliContext, options: BundleOptions): Promise<number> {
  if (!options.instances.length && !options.clusters.length)
    throw new CliError('bundle: give --instance <name> or --cluster <name> (repeatable)');
  const config = ctx.store.read();
  const instances = await Promise.all(options.instances.map((i) => resolveInstance(ctx, config, i)));
  for (const c of options.clusters) {
    if (!config.clusters.some((k) => k.name === c))
      throw new CliError(
        `bundle: unknown cluster "${c}"; the config has ${config.clusters.map((k) => k.name).join(', ')}`,
      );
  }
  const merged: SandboxConfig = {
    ...config,
    instances: [
      ...(config.instances ?? []).filter((i) => !options.instances.includes(i.name)),
      ...instances.map((i) => i.instance),
    ],
  };
  const from = options.from ?? defaultSource(config, [...options.clusters, ...instances.map((i) => i.cluster.name)]);
  const dir = resolve(options.dir);
  if (resolve(from) === dir)
    throw new CliError(
      `bundle: the source ${from} is the bundle folder itself; give --from the mirror the charts come from`,
    );
  const contents = bundleContents(merged, { instances: options.instances, clusters: options.clusters });
  ctx.io.err(`bundle: ${contents.charts.length} charts from ${from} into ${dir}`);
  const result = await writeBundle(dir, contents, sourceMirror(from, process.cwd()));
  if (ctx.json) {
    ctx.io.out(JSON.stringify(result));
    return EXIT.ok;
  }
  table(
    ctx.io,
    ['CHART', 'VERSION', 'UPSTREAM'],
    result.charts.map((c) => [c.name, c.version, c.repository]),
  );
  ctx.io.out(
    `\n${result.images.length} images listed in ${dir}/images.txt; install from the bundle with platform.chartMirror: ${dir}`,
  );
  if (result.unknownImages.length)
    ctx.io.err(
      `images of ${result.unknownImages.join(', ')} are not known to this version of sandboxkit; list them with helm template`,
    );
  return EXIT.ok;
}
