import type { ITerraformDependable } from 'cdktf';
import type { Construct } from 'constructs';

/**
 * The cloud-neutral contract between the cloud layer and everything above it.
 * The platform and instance layers depend on these types only.
 */

export type TaintEffect = 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';

/** A node taint, as every cloud's node pools take it. */
export interface NodeTaint {
  readonly key: string;
  readonly value?: string;
  readonly effect: TaintEffect;
}

/** Where a sandbox cluster runs. */
export type Cloud = 'aws' | 'azure' | 'gcp' | 'existing';

/** An exec plugin that prints a short-lived credential, as kubectl and the providers run it. */
export interface ExecCredential {
  readonly apiVersion: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
}

/** How the Kubernetes and Helm providers reach a cluster. Exactly one way to authenticate is set. */
export interface ClusterConnection {
  /** API server URL; a Terraform expression when it comes from a data source. */
  readonly host?: string;
  /** PEM CA bundle, not base64. */
  readonly clusterCaCertificate?: string;
  /** Bearer token from a data source; sensitive, never a literal. */
  readonly token?: string;
  /** Short-lived credentials by exec plugin (aws eks get-token, kubelogin). */
  readonly exec?: ExecCredential;
  /** Path to a kubeconfig file, for existing clusters. */
  readonly configPath?: string;
  /** Context inside `configPath`. */
  readonly configContext?: string;
}

/** Storage classes a cluster offers to stateful building blocks. */
export interface StorageClasses {
  /** Block storage, ReadWriteOnce. */
  readonly blockRwo: string;
  /** Shared file storage, ReadWriteMany; undefined when the cluster offers none. */
  readonly sharedRwx?: string;
}

/** The secret manager a cluster brings, as the in-cluster secret operator sees it. */
export type SecretStoreKind = 'aws-secrets-manager' | 'azure-key-vault' | 'gcp-secret-manager' | 'kubernetes';

export interface SecretStoreRef {
  readonly kind: SecretStoreKind;
  /** Name of the cluster-wide ClusterSecretStore the platform installs. */
  readonly clusterSecretStoreName: string;
  /** Prefix under which instance secrets live, e.g. `sandbox/<cluster>/`. */
  readonly pathPrefix: string;
}

/** The shared Gateway (Gateway API) an instance attaches its own listeners to. */
export interface GatewayRef {
  readonly name: string;
  readonly namespace: string;
}

export interface IngressFacts {
  /** Base domain: block `b` of instance `i` answers at `b.i.<domain>`. */
  readonly domain: string;
  /**
   * The platform's one Gateway. Each instance attaches a ListenerSet for `*.<instance>.<domain>`
   * to it, and its HTTPRoutes to that ListenerSet.
   */
  readonly gateway: GatewayRef;
  /** Namespace of the gateway's proxies, for NetworkPolicies that admit their traffic. */
  readonly controllerNamespace: string;
}

/** Credentials generated for one instance, to store in the cluster's secret manager. */
export interface GeneratedSecret {
  /** Kubernetes Secret name the instance's pods read, e.g. `postgresql-credentials`. */
  readonly name: string;
  /** Keys and values; values are Terraform references, never literals. */
  readonly data: Readonly<Record<string, string>>;
}

export interface InstanceSecretRequest {
  readonly instanceName: string;
  readonly namespace: string;
  /** Service account the instance's SecretStore authenticates as. */
  readonly serviceAccountName: string;
  readonly secrets: readonly GeneratedSecret[];
  /** What in-cluster objects must wait for, such as the namespace. */
  readonly dependsOn: readonly ITerraformDependable[];
  /** RFC 3339 time the instance expires; secret managers that can expire secrets use it. @default - never */
  readonly expiresAt?: string;
  /**
   * Keys of existing entries of the cluster's secret manager that the instance brings; the
   * instance's identity may read these too. @default []
   */
  readonly broughtKeys?: readonly string[];
}

/** How an instance's namespace reaches its own secrets, and nothing else. */
export type InstanceSecretBinding =
  | {
      readonly kind: 'external-secrets';
      /** `spec.provider` of the namespaced SecretStore. */
      readonly provider: Readonly<Record<string, unknown>>;
      /** Annotations that tie the service account to its cloud identity. */
      readonly serviceAccountAnnotations: Readonly<Record<string, string>>;
      /** Remote key of each generated secret, by Secret name. */
      readonly remoteKeys: Readonly<Record<string, string>>;
    }
  /** The backend wrote the Secrets into the namespace itself; `secrets` are they. */
  | { readonly kind: 'kubernetes'; readonly secrets: readonly ITerraformDependable[] };

/** Stores an instance's generated secrets and scopes an identity to exactly them. */
export interface InstanceSecretBackend {
  bind(scope: Construct, request: InstanceSecretRequest): InstanceSecretBinding;
}

/** A StorageClass the platform creates for a cloud. */
export interface StorageClassSpec {
  readonly name: string;
  readonly provisioner: string;
  readonly parameters: Readonly<Record<string, string>>;
  /** @default false */
  readonly isDefault?: boolean;
  /** @default [] */
  readonly mountOptions?: readonly string[];
}

/** The in-cluster secret operator's cloud identity and the store it serves platform namespaces from. */
export interface SecretOperatorIdentity {
  readonly serviceAccountAnnotations: Readonly<Record<string, string>>;
  /** Labels the operator's pods need, e.g. Azure workload identity's opt-in label. */
  readonly podLabels: Readonly<Record<string, string>>;
  /** `spec.provider` of the ClusterSecretStore. */
  readonly clusterStoreProvider: Readonly<Record<string, unknown>>;
  /** Kubernetes service account the operator runs as; the cloud identity trusts exactly this name. @default 'external-secrets' */
  readonly serviceAccountName?: string;
}

/** What the platform layer needs to know of a cloud; data sources it needs go under `scope`. */
export interface PlatformNeeds {
  storageClasses(scope: Construct): readonly StorageClassSpec[];
  /** Undefined where secrets stay in Kubernetes Secrets. */
  secretOperator(scope: Construct): SecretOperatorIdentity | undefined;
  /** Values of the cluster-autoscaler chart where the cloud has no native autoscaler; undefined otherwise. */
  clusterAutoscaler(scope: Construct): Readonly<Record<string, unknown>> | undefined;
  /** Service annotations that keep the ingress load balancer private. */
  readonly internalLoadBalancerAnnotations: Readonly<Record<string, string>>;
  /** Whether the platform must install metrics-server (the cloud does not ship it). */
  readonly needsMetricsServer: boolean;
  /** external-dns chart values for the cloud's DNS (provider, identity); undefined where the cloud has none. */
  externalDns(scope: Construct): Readonly<Record<string, unknown>> | undefined;
  /**
   * Whether the cluster's NetworkPolicy agent denies all traffic of a pod no policy selects (the VPC CNI in strict
   * mode); the platform then opens its own namespaces and kube-system with an allow-all policy. @default false
   */
  readonly deniesUnselectedPods?: boolean;
}

/** What every cluster exposes; the only thing the platform and instance layers may use. */
export interface SandboxCluster {
  readonly clusterName: string;
  readonly cloud: Cloud;
  readonly connection: ClusterConnection;
  readonly storage: StorageClasses;
  readonly secretStore: SecretStoreRef;
  readonly ingress: IngressFacts;
  readonly secretBackend: InstanceSecretBackend;
  readonly platformNeeds: PlatformNeeds;
}

/** Everything a cluster exposes besides its name and cloud: what a cloud's construct and its lookup share. */
export type ClusterFacts = Omit<SandboxCluster, 'clusterName' | 'cloud'>;

/** Namespace and class names the platform layer installs; instances rely on them. */
export const PLATFORM_DEFAULTS = {
  /** GatewayClass of Envoy Gateway, and the one Gateway every instance attaches to. */
  gatewayClassName: 'sandbox',
  gatewayName: 'sandbox',
  /** Envoy Gateway's controller, its proxies and the Gateway live here. */
  gatewayNamespace: 'sandbox-gateway',
  clusterSecretStoreName: 'sandbox-secrets',
  clusterIssuerName: 'sandbox-issuer',
  externalSecretsNamespace: 'external-secrets',
  /**
   * Where each instance's deployer service account lives: instance stacks run Helm as it, with rights in the
   * instance's own namespace only (see DeployerAccess).
   */
  deployerNamespace: 'sandbox-deployers',
  /** The ClusterRole (from the tenant-policies chart) each instance binds its deployer to, in its namespace. */
  deployerClusterRole: 'sandbox-instance-deployer',
  /** Label that adds a ClusterRole's rules to the deployer's: how an operator the platform installs admits its kinds. */
  deployerAggregationLabel: 'sandbox.dev/aggregate-to-instance-deployer',
} as const;

/** Secret path prefix used by every cloud's secret store for a cluster. */
export function secretPathPrefix(clusterName: string): string {
  return `sandbox/${clusterName}/`;
}

/** Ingress facts of a cluster whose platform stack installed the default controller. */
export function platformIngress(domain: string): IngressFacts {
  return {
    domain,
    gateway: { name: PLATFORM_DEFAULTS.gatewayName, namespace: PLATFORM_DEFAULTS.gatewayNamespace },
    controllerNamespace: PLATFORM_DEFAULTS.gatewayNamespace,
  };
}

/** The secret store reference every cluster of `kind` exposes. */
export function platformSecretStore(kind: SecretStoreKind, clusterName: string): SecretStoreRef {
  return {
    kind,
    clusterSecretStoreName: PLATFORM_DEFAULTS.clusterSecretStoreName,
    pathPrefix: secretPathPrefix(clusterName),
  };
}
