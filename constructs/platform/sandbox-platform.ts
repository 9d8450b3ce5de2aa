import { Construct } from 'constructs';
import type { SandboxCluster } from '../cluster';
import { Capacity } from './capacity';
import { Certificates } from './certificates';
import { ExternalDns } from './external-dns';
import { DatabaseOperator } from './database-operator';
import { GatewayController } from './gateway-controller';
import { InstanceReaper } from './instance-reaper';
import { KafkaOperator } from './kafka-operator';
import { Monitoring } from './monitoring';
import { OpenNamespaces } from './open-namespaces';
import { PlatformNamespace } from './platform-namespace';
import { GATEWAY_PROXY_MONITOR, PLATFORM_PROMETHEUS_URL } from './prometheus';
import { PlatformResources } from './platform-resources';
import { SecretsOperator } from './secrets-operator';
import { PlatformStorageClasses } from './storage-classes';
import { TenantPolicies } from './tenant-policies';

export interface SandboxPlatformProps {
  readonly cluster: SandboxCluster;
  /** Prometheus and Grafana. @default false */
  readonly monitoring?: boolean;
  /** Registry that mirrors images, for offline or rate-limited clusters. @default - none */
  readonly registryMirror?: string;
  /** @default '*\/15 * * * *' */
  readonly reaperSchedule?: string;
  /** Delete instances idle (no apply, no request through the gateway) this many hours. @default - no idle reaping */
  readonly idleHours?: number;
  /** Prometheus the reaper counts requests with. @default - the platform's own when `monitoring` is on */
  readonly prometheusUrl?: string;
  /** Put the gateway's load balancer on the internet. @default false */
  readonly publicIngress?: boolean;
  /** Install external-dns; the cluster must bring a DNS zone for it. @default false */
  readonly externalDns?: boolean;
  /** Admit the LoadBalancer Service of instance group members (see TenantPolicies). @default false */
  readonly allowTcpExposure?: boolean;
  /** Install the Strimzi Kafka operator, which the `kafka` block needs. @default false */
  readonly kafka?: boolean;
}

/** The cluster-wide services every instance relies on, on any cloud, through the SandboxCluster contract only. */
export class SandboxPlatform extends Construct {
  readonly storage: PlatformStorageClasses;
  readonly secrets: SecretsOperator;
  readonly gateway: GatewayController;
  readonly certificates: Certificates;
  readonly databases: DatabaseOperator;
  /** GatewayClass, Gateway, issuers and platform secret store, once their CRDs exist. */
  readonly resources: PlatformResources;
  readonly capacity: Capacity;
  readonly reaper: InstanceReaper;
  readonly monitoring?: Monitoring;
  readonly externalDns?: ExternalDns;
  readonly kafka?: KafkaOperator;
  /** Allow-all policies of kube-system and the platform namespaces, where unselected pods are denied. */
  readonly openNamespaces?: OpenNamespaces;

  constructor(scope: Construct, id: string, props: SandboxPlatformProps) {
    super(scope, id);
    const needs = props.cluster.platformNeeds;
    this.storage = new PlatformStorageClasses(this, 'StorageClasses', { classes: needs.storageClasses(this) });
    const identity = needs.secretOperator(this);
    // On every cluster: shared blocks' credentials are copied by its Kubernetes provider, cloud or not.
    this.secrets = new SecretsOperator(this, 'Secrets', { identity });
    this.gateway = new GatewayController(this, 'Gateway', { registryMirror: props.registryMirror });
    this.certificates = new Certificates(this, 'Certificates', { registryMirror: props.registryMirror });
    this.databases = new DatabaseOperator(this, 'Databases', { registryMirror: props.registryMirror });
    this.resources = new PlatformResources(this, 'Resources', {
      clusterName: props.cluster.clusterName,
      domain: props.cluster.ingress.domain,
      serviceAnnotations: props.publicIngress ? {} : needs.internalLoadBalancerAnnotations,
      clusterResourceNamespace: this.certificates.clusterResourceNamespace,
      secretStore: identity,
      dependsOn: [this.gateway.release.release, this.certificates.release.release, this.secrets.release.release],
    });
    this.capacity = new Capacity(this, 'Capacity', {
      metricsServer: needs.needsMetricsServer,
      clusterAutoscaler: needs.clusterAutoscaler(this),
    });
    this.reaper = new InstanceReaper(this, 'Reaper', {
      schedule: props.reaperSchedule,
      registryMirror: props.registryMirror,
      idleHours: props.idleHours,
      prometheusUrl: props.prometheusUrl ?? (props.monitoring ? PLATFORM_PROMETHEUS_URL : undefined),
      // The platform's own Prometheus names the proxies' scrape job; another one is only held to their namespace.
      gatewayProxyJob: !props.prometheusUrl && props.monitoring ? GATEWAY_PROXY_MONITOR.job : undefined,
    });
    new TenantPolicies(this, 'TenantPolicies', {
      domain: props.cluster.ingress.domain,
      registryMirror: props.registryMirror,
      allowTcpExposure: props.allowTcpExposure,
      dependsOn: [this.reaper.namespace.namespace],
    });
    if (props.monitoring) this.monitoring = new Monitoring(this, 'Monitoring');
    if (props.kafka) this.kafka = new KafkaOperator(this, 'Kafka', { registryMirror: props.registryMirror });
    if (props.externalDns) {
      const cloudValues = needs.externalDns(this);
      if (!cloudValues) {
        throw new Error(
          `SandboxPlatform "${id}": externalDns needs a DNS zone, which cluster "${props.cluster.clusterName}" does not bring (set platform.externalDns on an AWS, Azure or Google cluster)`,
        );
      }
      this.externalDns = new ExternalDns(this, 'ExternalDns', {
        clusterName: props.cluster.clusterName,
        domain: props.cluster.ingress.domain,
        cloudValues,
      });
    }
    if (needs.deniesUnselectedPods) {
      const platform = this.node.findAll().filter((c): c is PlatformNamespace => c instanceof PlatformNamespace);
      this.openNamespaces = new OpenNamespaces(this, 'OpenNamespaces', {
        namespaces: [
          { name: 'kube-system' },
          ...platform.map((p) => ({ name: p.declaredName, createdBy: p.namespace })),
        ],
      });
    }
  }
}
