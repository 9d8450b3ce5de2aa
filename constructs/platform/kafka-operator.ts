import { ClusterRoleV1 } from '@cdktf/provider-kubernetes/lib/cluster-role-v1';
import { Construct } from 'constructs';
import { PLATFORM_DEFAULTS } from '../cluster';
import { ChartSource, SandboxHelmRelease } from '../helm-release';
import { PlatformNamespace } from './platform-namespace';

export const STRIMZI_CHART = {
  repository: 'oci://quay.io/strimzi-helm',
  name: 'strimzi-kafka-operator',
  version: '1.2.0',
} as const;
export const KAFKA_OPERATOR_NAMESPACE = 'strimzi-system';
/** The Kafka custom resources an instance's blocks declare, which its deployer may manage in its namespace. */
export const KAFKA_INSTANCE_KINDS = ['kafkas', 'kafkanodepools', 'kafkatopics', 'kafkausers'] as const;

export interface KafkaOperatorProps {
  /** @default - images from their own registries */
  readonly registryMirror?: string;
}

/**
 * The Strimzi Kafka operator (Apache-2.0), with its CRDs (`kafka.strimzi.io/v1`, KRaft only): instances declare
 * Kafka clusters, node pools, topics and users (the `kafka` block) and the operator runs them. It watches every
 * namespace, and runs every pod it creates with its `restricted` PodSecurityProvider, so that the pods pass the
 * instance namespace's restricted Pod Security. Instance deployers may manage the four kinds an instance declares.
 */
export class KafkaOperator extends Construct {
  readonly release: SandboxHelmRelease;

  constructor(scope: Construct, id: string, props: KafkaOperatorProps = {}) {
    super(scope, id);
    const ns = new PlatformNamespace(this, 'Namespace', { name: KAFKA_OPERATOR_NAMESPACE });
    this.release = new SandboxHelmRelease(this, 'Release', {
      name: 'strimzi',
      namespace: KAFKA_OPERATOR_NAMESPACE,
      chart: ChartSource.oci(STRIMZI_CHART.repository, STRIMZI_CHART.name),
      version: STRIMZI_CHART.version,
      values: {
        watchAnyNamespace: true,
        ...(props.registryMirror ? { defaultImageRegistry: props.registryMirror } : {}),
        extraEnvs: [{ name: 'STRIMZI_POD_SECURITY_PROVIDER_CLASS', value: 'restricted' }],
        resources: { requests: { cpu: '200m', memory: '384Mi' }, limits: { cpu: '1', memory: '512Mi' } },
      },
      dependsOn: [ns.namespace],
    });
    new ClusterRoleV1(this, 'DeployerRole', {
      metadata: {
        name: 'sandbox-instance-deployer-kafka',
        labels: { [PLATFORM_DEFAULTS.deployerAggregationLabel]: 'true', 'app.kubernetes.io/managed-by': 'sandboxkit' },
      },
      rule: [
        {
          apiGroups: ['kafka.strimzi.io'],
          resources: [...KAFKA_INSTANCE_KINDS],
          verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'],
        },
      ],
    });
  }
}
