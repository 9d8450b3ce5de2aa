import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { CatalogEntry, DatasetSource } from '../catalog/types';
import { ChartSource, SandboxHelmRelease } from '../helm-release';
import { boundedName, HELM_RELEASE_NAME_MAX } from '../names';

export const SEED_DATA_CHART_VERSION = '0.2.0';

/** How the seed job reaches a database engine, by the label its block carries. */
const SQL_TARGETS = [
  { label: 'provides-postgresql', engine: 'postgresql', port: 5432, username: 'postgres', passwordKey: 'postgres-password' },
  { label: 'provides-mysql', engine: 'mysql', port: 3306, username: 'root', passwordKey: 'mysql-root-password' },
  { label: 'provides-mongodb', engine: 'mongodb', port: 27017, username: 'root', passwordKey: 'mongodb-root-password' },
] as const;

export interface SeedDataProps {
  readonly instanceName: string;
  readonly namespace: string;
  /** The block whose database or API receives the data. */
  readonly blockName: string;
  readonly entry: CatalogEntry;
  readonly variant: string;
  readonly dataset: DatasetSource;
  /** The target block's release: the job runs once it is installed. */
  readonly dependsOn: ITerraformDependable[];
}

/** Values the seed-data chart receives: the contract between instances and `charts/seed-data`. */
export function seedValues(props: Omit<SeedDataProps, 'dependsOn'>): Record<string, unknown> {
  const source = 'url' in props.dataset.source ? { url: props.dataset.source.url } : { files: { ...props.dataset.source.configMap } };
  const host = `${props.blockName}.${props.namespace}.svc.cluster.local`;
  let target: Record<string, unknown>;
  if (props.dataset.format === 'http-fixtures') {
    const port = props.entry.needs?.ingress?.port ?? 80;
    target = { engine: 'http', url: `http://${host}:${port}` };
  } else {
    const sql = SQL_TARGETS.find((t) => props.entry.labels[t.label] !== undefined);
    if (!sql) {
      throw new Error(
        `SeedData: dataset "${props.variant}" of block "${props.blockName}" is ${props.dataset.format}, but the block provides no database (labels ${SQL_TARGETS.map((t) => t.label).join(', ')})`,
      );
    }
    target = {
      engine: sql.engine,
      host,
      port: sql.port,
      username: sql.username,
      passwordSecret: { name: `${props.blockName}-credentials`, key: sql.passwordKey },
    };
  }
  return { dataset: { name: props.variant, format: props.dataset.format, ...source }, target };
}

/** An idempotent job, from `charts/seed-data`, that loads one dataset variant into a block once it is ready. */
export class SeedData extends Construct {
  readonly release: SandboxHelmRelease;

  constructor(scope: Construct, id: string, props: SeedDataProps) {
    super(scope, id);
    this.release = new SandboxHelmRelease(this, 'Release', {
      name: boundedName(['seed', props.blockName, props.variant], HELM_RELEASE_NAME_MAX),
      namespace: props.namespace,
      chart: ChartSource.packaged('seed-data'),
      version: SEED_DATA_CHART_VERSION,
      values: seedValues(props),
      timeoutSeconds: 900,
      dependsOn: props.dependsOn,
    });
  }
}
