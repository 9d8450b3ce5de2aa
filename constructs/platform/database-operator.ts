import { Construct } from 'constructs';
import { ChartSource, SandboxHelmRelease } from '../helm-release';
import { CNPG_INHERITED_LABELS } from '../instance/database-backup';
import { PlatformNamespace } from './platform-namespace';

export const CLOUDNATIVE_PG_CHART = {
  repository: 'https://cloudnative-pg.github.io/charts',
  name: 'cloudnative-pg',
  version: '0.29.0',
} as const;
export const DATABASE_OPERATOR_NAMESPACE = 'cnpg-system';
/** The operator's namespace and the labels its chart gives its pods (release `cnpg`), for instance policies. */
export const DATABASE_OPERATOR_PODS = {
  namespace: DATABASE_OPERATOR_NAMESPACE,
  podLabels: { 'app.kubernetes.io/name': 'cloudnative-pg', 'app.kubernetes.io/instance': 'cnpg' },
} as const;

export interface DatabaseOperatorProps {
  /** @default - images from their own registries */
  readonly registryMirror?: string;
}

/**
 * The CloudNativePG operator, with its CRDs: instances declare PostgreSQL clusters
 * (the `cluster` chart) and the operator runs them, with backups to object storage.
 */
export class DatabaseOperator extends Construct {
  readonly release: SandboxHelmRelease;

  constructor(scope: Construct, id: string, props: DatabaseOperatorProps = {}) {
    super(scope, id);
    const ns = new PlatformNamespace(this, 'Namespace', { name: DATABASE_OPERATOR_NAMESPACE });
    this.release = new SandboxHelmRelease(this, 'Release', {
      name: 'cnpg',
      namespace: DATABASE_OPERATOR_NAMESPACE,
      chart: ChartSource.repository(CLOUDNATIVE_PG_CHART.repository, CLOUDNATIVE_PG_CHART.name),
      version: CLOUDNATIVE_PG_CHART.version,
      values: {
        crds: { create: true },
        // Pods of a backed-up Cluster on Azure need the workload identity label, which only the Cluster can carry.
        config: { data: { INHERITED_LABELS: CNPG_INHERITED_LABELS.join(', ') } },
        resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '512Mi' } },
        ...(props.registryMirror
          ? { image: { repository: `${props.registryMirror}/cloudnative-pg/cloudnative-pg` } }
          : {}),
      },
      dependsOn: [ns.namespace],
    });
  }
}
