import type { CatalogEntry } from '../constructs/catalog/types';
import type { NodeTaint } from '../constructs/cluster';
import type { MockKind } from '../constructs/instance/mocks';
import type { SizeProfileName } from '../constructs/instance/size-profile';

/**
 * The sandbox config file, as TypeScript types. `schema.ts` validates YAML
 * against exactly these shapes; library users can build the same objects in code.
 *
 * Nothing here imports a cloud's construct files: their declarations import
 * that cloud's provider, and a library user who installs one cloud's provider
 * must be able to type-check these types. The node pool and Fargate shapes
 * repeat the constructs' option types; test/config/types.test.ts proves at
 * compile time that each pair stays identical.
 */

/** Where a stack keeps its Terraform state. */
export type StateBackendConfig = LocalStateConfig | S3StateConfig | AzurermStateConfig | GcsStateConfig;

export interface LocalStateConfig {
  readonly backend: 'local';
  /**
   * Folder for state files: absolute, or relative to the project root (where `cdktf.out/` is).
   * @default 'state'
   */
  readonly directory?: string;
}

export interface S3StateConfig {
  readonly backend: 's3';
  readonly bucket: string;
  readonly region: string;
  /** @default 'sandboxkit' */
  readonly keyPrefix?: string;
  /** KMS key for server-side encryption of state objects. @default - the bucket's default encryption */
  readonly kmsKeyId?: string;
  /** Add a `state-*` stack that creates the bucket: versioned, encrypted, not public. @default false */
  readonly create?: boolean;
}

export interface AzurermStateConfig {
  readonly backend: 'azurerm';
  readonly resourceGroupName: string;
  readonly storageAccountName: string;
  readonly containerName: string;
  /** @default 'sandboxkit' */
  readonly keyPrefix?: string;
  /** Add a `state-*` stack that creates the account and container; needs `location`. @default false */
  readonly create?: boolean;
  /** Location of the storage account, when `create` is set. */
  readonly location?: string;
}

export interface GcsStateConfig {
  readonly backend: 'gcs';
  readonly bucket: string;
  /** @default 'sandboxkit' */
  readonly prefix?: string;
  /** Add a `state-*` stack that creates the bucket; needs `project` and `location`. @default false */
  readonly create?: boolean;
  readonly project?: string;
  readonly location?: string;
  /** Cloud KMS key of the bucket, when `create` is set. @default - Google-managed encryption */
  readonly kmsKeyName?: string;
}

/** Node taints, as the cluster contract defines them. */
export type TaintConfig = NodeTaint;

/** Cluster-wide services; each optional feature is off unless switched on. */
export interface PlatformConfig {
  /** Prometheus and Grafana. @default false */
  readonly monitoring?: boolean;
  /**
   * Refused with a config error: instance certificates are wildcards, which ACME issues only through DNS-01,
   * and cert-manager has no identity in the DNS zone. Certificates come from the sandbox CA.
   */
  readonly acme?: { readonly email: string; readonly server?: string };
  /** Pull-through registry that mirrors every image, for offline or rate-limited clusters. @default - none */
  readonly registryMirror?: string;
  /**
   * Where every remote chart (platform, built-in catalog and your own entries) is installed from,
   * keeping its pinned name and version: a Helm repository URL (`https://charts.internal`), an OCI
   * path (`oci://registry.internal/charts`) or a folder of chart archives relative to this file.
   * For air-gapped clusters and offline installs. @default - each chart's own repository
   */
  readonly chartMirror?: string;
  /** Reaper schedule (cron, UTC). @default '*\/15 * * * *' */
  readonly reaperSchedule?: string;
  /** Put the ingress load balancer on the internet instead of the private network. @default false */
  readonly publicIngress?: boolean;
  /**
   * The reaper deletes instances with no apply through the CLI and no request through the gateway for this many
   * hours. Needs `monitoring: true` (at most its 168 hours of retention) or `prometheusUrl`. @default - no idle reaping
   */
  readonly idleHours?: number;
  /** A Prometheus that scrapes the Envoy Gateway proxies, for idle reaping. @default - the platform's own with `monitoring` */
  readonly prometheusUrl?: string;
  /**
   * external-dns writes instance hostnames into the cloud's DNS zone for the ingress domain.
   * AWS needs the hosted zone id, Azure the zone's resource group, Google the managed zone name.
   * Not available on existing clusters. @default - off
   */
  readonly externalDns?: ExternalDnsConfig;
  /**
   * Install the Strimzi Kafka operator (1.2.0, Apache-2.0), which the built-in `kafka` block needs: the cluster then
   * has the label `operator/strimzi`, which that block's `requires.cluster` matches. @default false
   */
  readonly kafka?: boolean;
}

export interface ExternalDnsConfig {
  /** Route 53 hosted zone id (AWS). */
  readonly zoneId?: string;
  /** Resource group of the DNS zone (Azure); the zone is named after the ingress domain. */
  readonly resourceGroupName?: string;
  /** Cloud DNS managed zone name (Google). */
  readonly managedZone?: string;
}

interface ClusterConfigBase {
  /** DNS-1123 label starting with a letter, at most 32 characters: it names cloud resources. */
  readonly name: string;
  /** Base domain of instance hostnames. @default '<name>.sandbox.internal' ('sandbox.localhost' on existing clusters) */
  readonly ingressDomain?: string;
  /** Extra tags or labels on every cloud resource. */
  readonly tags?: Readonly<Record<string, string>>;
  /** Who runs the cluster; tagged on every resource. @default 'platform' */
  readonly owner?: string;
  /** State of this cluster's stacks and of its instances. @default - the top-level `state` */
  readonly state?: StateBackendConfig;
  readonly platform?: PlatformConfig;
  /**
   * Instances on this cluster may set `protected: true`: they never expire, the reaper and `gc` skip them.
   * For long-lived shared environments (staging, demos); preview environments are never protected. @default false
   */
  readonly allowProtectedInstances?: boolean;
  /**
   * Instances on this cluster may be members of an instance group: each gets one LoadBalancer Service on the
   * group's TCP port, reachable from outside the cluster. Off by default: an instance owner is a hostile tenant,
   * and a public TCP port is a way out of the gateway's checks. @default false
   */
  readonly allowTcpExposure?: boolean;
  /**
   * Facts about the cluster that catalog entries' `requires.cluster` match, over those sandboxkit derives
   * (`cloud`, `kubernetes-version`, `region`, `storage-rwx`, `storage-class`, `nodes/<node label>`);
   * e.g. `kubernetes-version` of an existing cluster. @default {}
   */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * Blocks installed once on this cluster, each in its own namespace `shared-<block>` (stack `shared-<cluster>`),
   * reachable only from instances that list them in `uses`. @default []
   */
  readonly sharedBlocks?: readonly (string | BlockRefConfig)[];
  /**
   * Where instances' database backups go (CloudNativePG's, and the dumps of the MySQL and MongoDB blocks): one bucket
   * or container, one prefix per instance, reached with each backed-up block's own workload identity (AWS, Azure,
   * Google) or a Secret (existing clusters). Instances opt in with `backup` and restore with `restoreFrom`.
   * @default - no backups
   */
  readonly backupStore?: BackupStoreConfig;
}

/**
 * Where database backups go, one prefix per instance under `<prefix>/<instance>/`: an S3 bucket (AWS, or any
 * S3-compatible store on existing clusters), a Cloud Storage bucket (Google) or a Blob Storage container (Azure).
 */
export interface BackupStoreConfig {
  /**
   * An existing S3 or Cloud Storage bucket, or Blob Storage container (Azure); sandboxkit never creates or deletes it,
   * so backups outlive their instance.
   */
  readonly bucket: string;
  /** Key prefix of this cluster's backups in the bucket. @default - the cluster name */
  readonly prefix?: string;
  /** Region of the S3 bucket. @default - the cluster's region (AWS); required on existing clusters without endpointURL */
  readonly region?: string;
  /** Endpoint of an S3-compatible store (MinIO, SeaweedFS). @default - AWS S3 of the region */
  readonly endpointURL?: string;
  /**
   * Secret in each instance namespace with `ACCESS_KEY_ID` and `ACCESS_SECRET_KEY`, for clusters without
   * workload identity (existing clusters). @default - AWS: an IAM role per instance (IRSA)
   */
  readonly credentialsSecret?: string;
  /** Azure: the storage account of the container `bucket`. Required on Azure clusters. */
  readonly storageAccount?: string;
  /** Azure: the resource group of that storage account. Required on Azure clusters. */
  readonly resourceGroupName?: string;
}

/** A managed node group: its name and the options of `EksCluster.addNodePool` (`NodePoolOptions`). */
export interface AwsNodePoolConfig {
  readonly name: string;
  /** @default ['m6i.large'] */
  readonly instanceTypes?: readonly string[];
  /** Spot pools need two or more instance types so that one shortage does not empty the pool. @default 'on-demand' */
  readonly capacity?: 'on-demand' | 'spot';
  /** @default 1 */
  readonly minSize?: number;
  /** @default 3 */
  readonly maxSize?: number;
  /** Initial size; the cluster autoscaler owns it afterwards. @default minSize */
  readonly desiredSize?: number;
  /** Encrypted gp3 root volume. @default 50 */
  readonly diskSizeGiB?: number;
  /** @default {} */
  readonly labels?: Readonly<Record<string, string>>;
  /** @default [] */
  readonly taints?: readonly NodeTaint[];
}

/** Pods a Fargate profile takes (`FargateSelector`). */
export interface FargateSelectorConfig {
  /** Namespace, or a pattern with `*` and `?`. */
  readonly namespace: string;
  /** @default {} */
  readonly labels?: Readonly<Record<string, string>>;
}

/** An owner's IAM principal and the Kubernetes identity EKS gives it (`EksOwnerAccess`). */
export interface EksOwnerAccessConfig {
  /** IAM role or user ARN the owner signs in with. */
  readonly principalArn: string;
  /** Kubernetes user name: what an instance's `owner` names. */
  readonly username: string;
  /** Kubernetes groups, for an instance's `ownerGroup`. @default [] */
  readonly groups?: readonly string[];
}

/** A Fargate profile: its name and the options of `EksCluster.addFargateProfile` (`FargateProfileOptions`). */
export interface FargateProfileConfig {
  readonly name: string;
  /** One to five selectors; a pod matching any runs on Fargate. */
  readonly selectors: readonly FargateSelectorConfig[];
}

export interface AwsClusterConfig extends ClusterConfigBase {
  readonly cloud: 'aws';
  readonly region: string;
  /** EKS minor version, e.g. "1.33". */
  readonly kubernetesVersion: string;
  /** IAM principals (roles or users) granted cluster admin through EKS access entries. */
  readonly adminPrincipalArns: readonly string[];
  readonly network?: {
    /** @default '10.0.0.0/16' */
    readonly vpcCidr?: string;
    /** @default 3 */
    readonly azCount?: number;
    /** @default 'single' */
    readonly natGateways?: 'single' | 'per-az';
    /** Bring your own VPC instead of creating one. */
    readonly existing?: {
      readonly vpcId: string;
      readonly privateSubnetIds: readonly string[];
      readonly publicSubnetIds?: readonly string[];
    };
  };
  /** CIDRs allowed to reach the public API endpoint; the public endpoint is off when empty. @default [] */
  readonly publicAccessCidrs?: readonly string[];
  /** Shortest prefix (widest range) accepted in `publicAccessCidrs`. @default 8 */
  readonly publicAccessMinPrefixLength?: number;
  /**
   * IAM principals of instance owners, each mapped to the Kubernetes user name an instance's `owner` names.
   * They can sign in, and do nothing until an instance's RoleBinding names them. @default []
   */
  readonly ownerAccess?: readonly EksOwnerAccessConfig[];
  /** @default 90 */
  readonly logRetentionDays?: number;
  /** @default - one on-demand pool named "general" */
  readonly nodePools?: readonly AwsNodePoolConfig[];
  readonly fargateProfiles?: readonly FargateProfileConfig[];
}

/** A user node pool: its name (1-12 lower-case letters and digits) and the options of `AksCluster.addNodePool` (`AksNodePoolOptions`). */
export interface AzureNodePoolConfig {
  readonly name: string;
  /** @default 'Standard_D4s_v5' */
  readonly vmSize?: string;
  /** @default 1 */
  readonly minCount?: number;
  /** @default 3 */
  readonly maxCount?: number;
  /** @default ['1', '2', '3'] */
  readonly zones?: readonly ('1' | '2' | '3')[];
  /** @default 128 */
  readonly osDiskSizeGiB?: number;
  /** OS disk on the VM's local cache: faster and nothing persisted; the VM size must have room for it. @default false */
  readonly ephemeralOsDisk?: boolean;
  /** Encrypt temp disks and caches on the host. @default true */
  readonly hostEncryption?: boolean;
  /** @default false */
  readonly spot?: boolean;
  /** @default {} */
  readonly labels?: Readonly<Record<string, string>>;
  /** @default [] */
  readonly taints?: readonly NodeTaint[];
}

export interface AzureClusterConfig extends ClusterConfigBase {
  readonly cloud: 'azure';
  readonly location: string;
  readonly kubernetesVersion: string;
  /** Entra ID tenant of the cluster admins. */
  readonly tenantId: string;
  /** @default - ARM_SUBSCRIPTION_ID from the environment at plan time */
  readonly subscriptionId?: string;
  /** Entra ID groups granted cluster admin. */
  readonly adminGroupObjectIds: readonly string[];
  readonly network?: {
    /** @default '10.10.0.0/16' */
    readonly vnetCidr?: string;
    /** @default '10.10.0.0/20' */
    readonly nodeSubnetCidr?: string;
    /** @default '10.244.0.0/16' */
    readonly podCidr?: string;
    /** @default '10.250.0.0/16' */
    readonly serviceCidr?: string;
  };
  /** @default 'cilium' */
  readonly networkPolicy?: 'cilium' | 'calico';
  /** @default true */
  readonly privateCluster?: boolean;
  /** Required with privateCluster false, refused otherwise. @default [] */
  readonly authorizedIpRanges?: readonly string[];
  /** Shortest prefix (widest range) accepted in `authorizedIpRanges`. @default 8 */
  readonly publicAccessMinPrefixLength?: number;
  /** @default 'patch' */
  readonly upgradeChannel?: 'patch' | 'stable' | 'rapid' | 'node-image';
  /** @default { vmSize: 'Standard_D2s_v5', minCount: 1, maxCount: 3 } */
  readonly systemPool?: { readonly vmSize?: string; readonly minCount?: number; readonly maxCount?: number };
  /** @default - one user pool named "general" */
  readonly nodePools?: readonly AzureNodePoolConfig[];
  /** CIDRs allowed to reach Key Vault besides the cluster subnet. @default [] */
  readonly keyVaultAllowedIpRanges?: readonly string[];
  /** @default 30 */
  readonly logRetentionDays?: number;
  /**
   * Let instances have managed PostgreSQL (Flexible Server): a subnet `cidr` inside the VNet delegated to it, its
   * private DNS zone, and a key in the cluster's vault with the identity servers encrypt with. @default - none
   */
  readonly managedDatabases?: { readonly cidr?: string };
}

/** A node pool: its name and the options of `GkeCluster.addNodePool` (`GkeNodePoolOptions`). */
export interface GcpNodePoolConfig {
  readonly name: string;
  /** @default 'e2-standard-4' */
  readonly machineType?: string;
  /** Per zone. @default 1 */
  readonly minCount?: number;
  /** Per zone. @default 3 */
  readonly maxCount?: number;
  /** @default 50 */
  readonly diskSizeGiB?: number;
  /** @default false */
  readonly spot?: boolean;
  /** @default {} */
  readonly labels?: Readonly<Record<string, string>>;
  /** @default [] */
  readonly taints?: readonly NodeTaint[];
}

export interface GcpClusterConfig extends ClusterConfigBase {
  readonly cloud: 'gcp';
  readonly project: string;
  readonly region: string;
  /** @default 'standard' */
  readonly mode?: 'standard' | 'autopilot';
  /** @default 'REGULAR' */
  readonly releaseChannel?: 'RAPID' | 'REGULAR' | 'STABLE';
  /** Minimum master version. @default - the release channel's default */
  readonly kubernetesVersion?: string;
  readonly network?: {
    /** @default '10.20.0.0/20' */
    readonly nodeCidr?: string;
    /** @default '10.24.0.0/14' */
    readonly podCidr?: string;
    /** @default '10.28.0.0/20' */
    readonly serviceCidr?: string;
    /** @default '172.16.0.0/28' */
    readonly masterCidr?: string;
  };
  /** The control plane has only a private endpoint. @default true */
  readonly privateEndpoint?: boolean;
  /** Networks allowed to the control plane; required with privateEndpoint false. @default [] */
  readonly masterAuthorizedNetworks?: readonly { readonly cidr: string; readonly name: string }[];
  /** Shortest prefix (widest range) accepted in `masterAuthorizedNetworks`. @default 8 */
  readonly publicAccessMinPrefixLength?: number;
  /** @default - one pool named "general" */
  readonly nodePools?: readonly GcpNodePoolConfig[];
  /** Offer RWX storage through Filestore. @default false */
  readonly filestore?: boolean;
  /**
   * Let instances have managed databases (Cloud SQL): private services access for the VPC on `cidr` and a KMS key
   * for the Cloud SQL service agent, which must exist in the project first
   * (`gcloud beta services identity create --service=sqladmin.googleapis.com`). @default - none
   */
  readonly managedDatabases?: { readonly cidr?: string };
}

export interface ExistingClusterConfig extends ClusterConfigBase {
  readonly cloud: 'existing';
  /**
   * How to reach the cluster: a kubeconfig file and context, or `env` to read
   * KUBE_HOST, KUBE_CLUSTER_CA_CERT_DATA and KUBE_TOKEN at apply time.
   */
  readonly connection:
    { readonly kind: 'kubeconfig'; readonly path: string; readonly context?: string } | { readonly kind: 'env' };
  readonly storageClasses: { readonly blockRwo: string; readonly sharedRwx?: string };
  /** Install metrics-server (kind and minikube clusters often lack it). @default false */
  readonly installMetricsServer?: boolean;
}

export type ClusterConfig = AwsClusterConfig | AzureClusterConfig | GcpClusterConfig | ExistingClusterConfig;

export interface BlockRefConfig {
  /** Catalog entry name. */
  readonly name: string;
  /** Values merged over the catalog's defaults. */
  readonly values?: Readonly<Record<string, unknown>>;
}

export interface DatasetConfig {
  /** Block whose database or API receives the data. */
  readonly block: string;
  /** A variant the block's catalog entry offers, e.g. minimal, demo, obfuscated. */
  readonly variant: string;
}

/** A Secret the instance brings; its value never appears in the synthesized stack. */
export interface BroughtSecretConfig {
  /** Name of the Kubernetes Secret in the instance's namespace. */
  readonly name: string;
  /**
   * `secretManager`: the key of an existing entry of the cluster's secret manager (cloud clusters), copied by
   * an ExternalSecret (a JSON entry gives one Secret key per field). `file`: a path, relative to the config file,
   * read by the command line at deploy time into a sensitive Terraform variable.
   */
  readonly from:
    | { readonly secretManager: string }
    | {
        readonly file: string;
        /**
         * `text`: the content is the value of `key`; `json`: the file holds a JSON object of strings, each field a key
         * of the Secret (e.g. a CA's `tls.crt` and `tls.key`). @default 'text'
         */
        readonly format?: 'text' | 'json';
      };
  /** Key of a text file's content inside the Secret. @default 'value' */
  readonly key?: string;
}

export interface InstanceConfig {
  /** DNS-1123 label, at most 53 characters (Helm release names). */
  readonly name: string;
  /** Name of a declared cluster. */
  readonly cluster: string;
  /** Neither `default`, `kube-*` nor a platform namespace. @default - the instance name */
  readonly namespace?: string;
  /**
   * Kubernetes user (e-mail or name, as the cluster's authenticator reports it) who owns the instance and gets
   * edit rights in its namespace; never a `system:` identity.
   */
  readonly owner: string;
  /** Group that also gets edit rights; never a `system:` group. @default - none */
  readonly ownerGroup?: string;
  /** Hours from creation until the instance expires, 1 to 720; not with `protected`. @default 48 */
  readonly ttlHours?: number;
  /**
   * The instance never expires: no expiry, the reaper and `gc` leave it alone. Only on a cluster with
   * `allowProtectedInstances: true`, and without `ttlHours`. @default false
   */
  readonly protected?: boolean;
  /** @default 'small' */
  readonly size?: SizeProfileName;
  /** Overrides of the size profile's quota (CPU and memory requests, storage, ephemeral storage, pods). @default {} */
  readonly quota?: {
    readonly cpu?: string;
    readonly memory?: string;
    readonly storage?: string;
    readonly ephemeralStorage?: string;
    readonly pods?: number;
  };
  /** Building blocks, by catalog name or with values; values hold no credentials (see `catalog` `credentials`). */
  readonly blocks: readonly (string | BlockRefConfig)[];
  /** @default [] */
  readonly mocks?: readonly MockKind[];
  /** @default [] */
  readonly datasets?: readonly DatasetConfig[];
  /** Let pods reach the internet. @default false */
  readonly allowInternetEgress?: boolean;
  /** Shared blocks of the cluster the instance reaches (`clusters[].sharedBlocks`). @default [] */
  readonly uses?: readonly string[];
  /** Secrets the instance brings: entries of the cluster's secret manager, or files read at deploy time. @default [] */
  readonly secrets?: readonly BroughtSecretConfig[];
  /**
   * Hours without apply or request through the gateway after which the reaper deletes the instance, over the
   * cluster's `platform.idleHours`; "never" opts out. Protected instances are never reaped. @default - the cluster's
   */
  readonly idleHours?: number | 'never';
  /** Scale to zero outside working hours, e.g. "Mon-Fri 07:00-19:00 Europe/Berlin". @default - always on */
  readonly workingHours?: string;
  /** Cloud resources of the instance's own, wired into the blocks that take them. @default - none */
  readonly cloudResources?: CloudResourcesConfig;
  /** Continuous backup of the instance's CloudNativePG databases to the cluster's `backupStore`. @default - none */
  readonly backup?: InstanceBackupConfig;
  /** Start the instance's CloudNativePG databases from another instance's backups instead of empty. @default - empty databases */
  readonly restoreFrom?: RestoreFromConfig;
  /** Where the databases of blocks that need one of `engine` live. @default - on the instance's in-cluster block of that engine */
  readonly database?: InstanceDatabaseConfig;
}

/** WAL archiving and base backups of an instance's CloudNativePG databases. */
export interface InstanceBackupConfig {
  /** Base backups on this schedule: six-field cron with seconds, as CloudNativePG takes it ("0 0 2 * * *"). @default - on demand only (`instance backup`) */
  readonly schedule?: string;
  /** Backups and WAL older than this are deleted from the store. @default 7 */
  readonly retentionDays?: number;
}

/** Which instance's backups a new instance starts from. */
export interface RestoreFromConfig {
  /** The source instance, on the same cluster; it may be destroyed already, as long as its backups are kept. */
  readonly instance: string;
  /** Recover up to this moment (RFC 3339), e.g. the end of one backup. @default - the latest WAL the source archived */
  readonly targetTime?: string;
}

/** The instance's database server for the blocks that need one of its engine. */
export interface InstanceDatabaseConfig {
  /**
   * `cluster`: the instance's in-cluster block of the engine (`postgresql`, `mysql`) provides; `managed`: a server of
   * the instance's own in the cloud account (AWS: RDS, in the cluster's private subnets), created and destroyed with the
   * instance. Either way each consuming block gets its own database, user and `<block>-database` Secret.
   * @default 'cluster'
   */
  readonly source?: 'cluster' | 'managed';
  readonly engine: 'postgresql' | 'mysql';
  /** Engine version, major or major.minor. @default '17' for postgresql, '8.4' for mysql */
  readonly version?: string;
  /** Server size: RDS instance class, Cloud SQL tier, Flexible Server SKU. @default 'db.t4g.micro', 'db-custom-1-3840', 'B_Standard_B1ms' */
  readonly instanceClass?: string;
  /** @default 20 */
  readonly storageGiB?: number;
}

/** An instance's own object storage, queue and key-value table. */
export interface CloudResourcesConfig {
  /**
   * `cloud`: created in the cluster's cloud account by the instance stack (AWS: S3, SQS, DynamoDB; Azure: a storage
   * account with a container, queue and table; Google: Cloud Storage, Pub/Sub, Firestore), reachable only by the
   * instance's workload identity; `mock`: the same names, served by the `cloud` mock (which the instance must list).
   * @default 'cloud'
   */
  readonly source?: 'cloud' | 'mock';
  /** @default false */
  readonly objectStorage?: boolean;
  /** @default false */
  readonly queue?: boolean;
  /** @default false */
  readonly table?: boolean;
}

/**
 * One logical environment whose members run on several clusters (e.g. an InterUSS DSS pool): each member runs
 * `expose.nodes` database nodes, each reachable over TCP at an address of its own (`<member>.<group>.<domain>` for one
 * node, `<i>.<member>.<group>.<domain>` for node i of several, or a static address from the config); every member
 * knows every node's address (the join list) and holds certificates from the group's CA for each of its nodes and for
 * the group's SQL client users. The group's name must not be an instance's.
 */
export interface InstanceGroupConfig {
  /** DNS label. */
  readonly name: string;
  /**
   * DNS domain under which every member is named; the members' clusters' external-dns must be able to write it.
   * @default - each member's own cluster's ingressDomain, whose zone its external-dns already writes
   */
  readonly domain?: string;
  /** Instances, at most one group each; a member given as an object may pin its nodes' addresses. */
  readonly members: readonly (string | InstanceGroupMemberConfig)[];
  /**
   * The TCP exposure this group grants each member: a LoadBalancer Service per node (`sandbox-pool-member`, or
   * `sandbox-pool-member-<i>` for node i of several) on `port` to the node's pod; the quota and the tenant policies
   * allow exactly those Services.
   */
  readonly expose: {
    readonly port: number;
    /** Labels of the nodes' pods. */
    readonly selector: Readonly<Record<string, string>>;
    /** Database nodes of each member, each at an address of its own. @default 1 */
    readonly nodes?: number;
    /** The StatefulSet whose pod `<statefulSet>-<i>` is node i; required with more than one node. @default - none */
    readonly statefulSet?: string;
  };
  /** The group's CA: a Secret (`tls.crt`, `tls.key`) every member brings in `secrets`, e.g. from its secret manager. */
  readonly ca: { readonly secret: string };
  /** SQL users each member gets a client certificate for (Secret `pool-client-<user>-tls`). @default ['root'] */
  readonly clientUsers?: readonly string[];
}

/** A member that pins the addresses of its nodes, e.g. on an on-premises cluster without external-dns. */
export interface InstanceGroupMemberConfig {
  /** The member instance. */
  readonly instance: string;
  /**
   * The IPv4 address of each node, in order (one per node): the load balancer of each node asks for it
   * (`loadBalancerIP`, which MetalLB, Azure and Google honour; not AWS), and the join list and certificates name it
   * instead of a DNS name, so the member needs no external-dns. @default - DNS names published by external-dns
   */
  readonly addresses?: readonly string[];
}

export interface SandboxConfig {
  /** Default state backend of every stack. @default { backend: 'local' } */
  readonly state?: StateBackendConfig;
  readonly clusters: readonly ClusterConfig[];
  /** @default [] */
  readonly instances?: readonly InstanceConfig[];
  /** Instance groups across clusters. @default [] */
  readonly instanceGroups?: readonly InstanceGroupConfig[];
  /** Catalog entries that add to or replace the built-in catalog, by name. @default [] */
  readonly catalog?: readonly CatalogEntry[];
  /** `sandboxkit serve`: who signs in to the web page, and who may act on every instance. */
  readonly web?: WebConfig;
}

/**
 * Sign-in from a reverse proxy that authenticates users (oauth2-proxy and the like) and passes who they are in
 * request headers. The headers are believed only on requests from `trustedAddresses`.
 */
export interface WebProxyAuthConfig {
  /** The header with the user's name (an e-mail address or login). @default 'X-Forwarded-Email' */
  readonly userHeader?: string;
  /** The header with the user's groups, comma-separated. @default 'X-Forwarded-Groups' */
  readonly groupsHeader?: string;
  /** Addresses of the proxy; a request from any other address is refused. @default ['127.0.0.1', '::1'] */
  readonly trustedAddresses?: readonly string[];
}

/** Sign-in with OpenID Connect (authorization code flow with PKCE) against an issuer. */
export interface WebOidcAuthConfig {
  /** The issuer URL; its discovery document is read at start. */
  readonly issuer: string;
  /** The client registered at the issuer for the page. */
  readonly clientId: string;
  /** The environment variable that holds the client secret (never the secret itself); none for a public client. */
  readonly clientSecretEnv?: string;
  /** The ID token claim with the user's name. @default 'email' */
  readonly userClaim?: string;
  /** The ID token claim with the user's groups. @default 'groups' */
  readonly groupsClaim?: string;
}

/** How users of `sandboxkit serve` sign in: one of the two. */
export interface WebAuthConfig {
  /** Users signed in by a reverse proxy in front of the page (oauth2-proxy), named in its request headers. */
  readonly proxy?: WebProxyAuthConfig;
  /** Users signed in by the page itself at an OpenID Connect issuer. */
  readonly oidc?: WebOidcAuthConfig;
}

/** `sandboxkit serve`: how users sign in, and the platform admins. */
export interface WebConfig {
  /**
   * The page's address as browsers reach it (https://sandboxes.example.org): forms are accepted from this origin
   * only, and the OIDC issuer redirects back to it. Required with `oidc`; without it, the address of each request.
   */
  readonly externalUrl?: string;
  /** How users sign in: one of `proxy` or `oidc`; without either the page serves 127.0.0.1 only. */
  readonly auth?: WebAuthConfig;
  /** Users who may act on every instance (extend, stop, start, destroy). @default [] */
  readonly admins?: readonly string[];
  /** Groups whose members may act on every instance. @default [] */
  readonly adminGroups?: readonly string[];
}
