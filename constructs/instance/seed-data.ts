import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { CatalogEntry, DatasetSource } from '../catalog/types';
import { ChartSource, SandboxHelmRelease } from '../helm-release';
import { boundedName, HELM_RELEASE_NAME_MAX } from '../names';
import { packagedChartValues } from './mocks';
import { footprintOf, type ContainerResources, type Footprint } from './quantity';
import { fillPlaceholders } from './values';

export const SEED_DATA_CHART_VERSION = '0.4.1';

/** The seed chart's engine for each database engine of the catalog. */
const SEED_ENGINES = { postgresql: 'postgresql', mysql: 'mysql', mongodb: 'mongodb' } as const;

export interface SeedDataProps {
  readonly instanceName: string;
  readonly namespace: string;
  /** The block whose database or API receives the data. */
  readonly blockName: string;
  readonly entry: CatalogEntry;
  readonly variant: string;
  readonly dataset: DatasetSource;
  /** Values for the chart besides the dataset and target, such as a registry mirror. @default {} */
  readonly values?: Readonly<Record<string, unknown>>;
  /** The target block's release: the job runs once it is installed. */
  readonly dependsOn: ITerraformDependable[];
}

/** The release name of one dataset variant of a block. */
export function seedReleaseName(blockName: string, variant: string): string {
  return boundedName(['seed', blockName, variant], HELM_RELEASE_NAME_MAX);
}

/** What one seed job asks of the quota while it runs: one pod with the chart's resources. */
export function seedFootprint(): Footprint {
  return footprintOf(
    packagedChartValues('seed-data').resources as ContainerResources,
    1,
    'chart seed-data values.yaml resources',
  );
}

/** Values the seed-data chart receives: the contract between instances and `charts/seed-data`. */
export function seedValues(props: Omit<SeedDataProps, 'dependsOn' | 'values'>): Record<string, unknown> {
  const where = `SeedData: dataset "${props.variant}" of block "${props.blockName}"`;
  const source =
    'url' in props.dataset.source
      ? { url: props.dataset.source.url }
      : { files: { ...props.dataset.source.configMap } };
  const fqdn = (service: string) =>
    `${fillPlaceholders(service, { block: props.blockName })}.${props.namespace}.svc.cluster.local`;
  let target: Record<string, unknown>;
  if (props.dataset.format === 'http-fixtures') {
    const api = props.entry.needs?.ingress;
    if (!api) throw new Error(`${where} is http-fixtures, but the block serves no HTTP (needs.ingress)`);
    const http = props.dataset.http;
    const token = http?.token;
    target = {
      engine: 'http',
      url: `http://${fqdn(api.service)}:${api.port}`,
      ...(http?.path ? { path: http.path } : {}),
      ...(http?.method ? { method: http.method } : {}),
      ...(http?.markerPath ? { markerPath: http.markerPath } : {}),
      ...(token
        ? {
            token: {
              path: token.path,
              clientId: token.clientId,
              username: token.username,
              passwordSecret: {
                name: fillPlaceholders(token.passwordSecret.name, { block: props.blockName }),
                key: token.passwordSecret.key,
              },
            },
          }
        : {}),
    };
  } else {
    const offer = props.entry.provides?.database;
    if (!offer)
      throw new Error(`${where} is ${props.dataset.format}, but the block provides no database (provides.database)`);
    const expected = props.dataset.format === 'mongodb-archive' ? 'mongodb' : 'sql';
    if ((offer.engine === 'mongodb') !== (expected === 'mongodb')) {
      throw new Error(`${where} is ${props.dataset.format}, which a ${offer.engine} database cannot load`);
    }
    const fill = (text: string) => fillPlaceholders(text, { block: props.blockName });
    target = {
      engine: SEED_ENGINES[offer.engine],
      host: fqdn(offer.service),
      port: offer.port,
      database: fill(offer.seed.database),
      username: fill(offer.seed.username),
      passwordSecret: { name: fill(offer.seed.secret), key: offer.seed.passwordKey },
    };
  }
  return { dataset: { name: props.variant, ...source }, target };
}

/**
 * An idempotent job, from `charts/seed-data`, that loads one dataset variant into a block once it
 * is ready. Its release completes only when the job has, so what depends on it sees the data.
 */
export class SeedData extends Construct {
  readonly release: SandboxHelmRelease;

  constructor(scope: Construct, id: string, props: SeedDataProps) {
    super(scope, id);
    this.release = new SandboxHelmRelease(this, 'Release', {
      name: seedReleaseName(props.blockName, props.variant),
      namespace: props.namespace,
      chart: ChartSource.packaged('seed-data'),
      version: SEED_DATA_CHART_VERSION,
      values: { ...props.values, ...seedValues(props) },
      waitForJobs: true,
      timeoutSeconds: 900,
      dependsOn: props.dependsOn,
    });
  }
}
