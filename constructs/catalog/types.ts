/** A building block's description: data the instance layer reads, never code. */

/** Operators of a label match expression; `Gt`, `Ge`, `Lt` and `Le` compare semantic versions. */
export type MatchOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Ge' | 'Lt' | 'Le';

export interface MatchExpression {
  readonly key: string;
  readonly operator: MatchOperator;
  /** Required for In and NotIn; exactly one version for Gt, Ge, Lt and Le; absent for Exists and DoesNotExist. */
  readonly values?: readonly string[];
}

/** Another block of the same instance must match every expression. */
export interface Requirement {
  /** What the requirement is for, shown in messages. */
  readonly description?: string;
  readonly matchExpressions: readonly MatchExpression[];
}

/** `ChartRef.repository` of the charts shipped in this package's `charts/` folder. */
export const PACKAGED_CHARTS = 'sandboxkit';

export interface ChartRef {
  /** `https://…` chart repository, `oci://…` registry path, or `sandboxkit` for a chart of this package. */
  readonly repository: string;
  readonly name: string;
  /** Exact chart version; ranges are refused so that a plan is reproducible. */
  readonly version: string;
}

export type DatabaseEngine = 'postgresql' | 'mysql' | 'mongodb';
export type StorageNeed = 'rwo' | 'rwx';
export type PodSecurityLevel = 'restricted' | 'baseline' | 'privileged';

/** Dot paths into the block's values where the instance writes what it wires. */
export interface InjectionPaths {
  readonly smtpHost?: string;
  readonly smtpPort?: string;
  readonly smsApiUrl?: string;
  readonly paymentApiUrl?: string;
  readonly cloudApiUrl?: string;
  /** The instance's own bucket, queue and table (`cloudResources`), by name. */
  readonly objectStorageBucket?: string;
  readonly queueName?: string;
  readonly tableName?: string;
  /** Region of the instance's cloud resources. */
  readonly cloudRegion?: string;
  /** Service account whose workload identity may use the instance's cloud resources. */
  readonly cloudServiceAccount?: string;
  /** Google: the Pub/Sub subscription to pull `queueName`'s messages from (the topic is `queueName`). */
  readonly queueSubscription?: string;
  /** Google: the project of the instance's cloud resources. */
  readonly cloudProject?: string;
  /** Azure: the storage account holding the container, queue and table (`https://<account>.blob.core.windows.net`). */
  readonly cloudStorageAccount?: string;
  /** Name of the Secret holding the block's generated credentials. */
  readonly credentialsSecret?: string;
  /**
   * Name of the Secret holding a shared block's credentials (a copy in the instance's namespace), by the
   * shared block's name, for instances that list it in `uses`: `{ kafka: kafka.auth.existingSecret }`.
   */
  readonly sharedCredentials?: Readonly<Record<string, string>>;
  /** Name of the Secret holding the database connection. */
  readonly databaseSecret?: string;
  readonly databaseHost?: string;
  /** Port of the database service. */
  readonly databasePort?: string;
  /** Name of the block's own database. */
  readonly databaseName?: string;
  /** The block's own database user. */
  readonly databaseUser?: string;
  /** `smtp://<host>:<port>` of the email mock, for charts that take one URL. */
  readonly smtpUrl?: string;
  readonly ingressHost?: string;
  readonly storageClass?: string;
  /**
   * NetworkPolicy peers (`from` entries) that may reach a shared block, for charts or operators that write policies
   * of their own (Strimzi's listeners): its namespace and the namespaces of its users. Given to shared blocks only;
   * in an instance the chart's default must admit its own namespace alone.
   */
  readonly networkPolicyPeers?: string;
  /** An instance group member's join list: every node's `address:port`, comma-separated (e.g. CockroachDB's `--join`). */
  readonly poolJoin?: string;
  /** The addresses of this member's nodes, a list in node order (each node's advertised address). */
  readonly poolNodeAddresses?: string;
  /** The Secrets of this member's node certificates, a list in node order (`pool-node-<i>-tls`, CN `node`). */
  readonly poolNodeCertificates?: string;
  /** The Secret of one node certificate valid for every node of the member (`pool-node-tls`), for charts that take one. */
  readonly poolNodeCertificate?: string;
  /** The Secret of the client certificate of the group's first SQL client user (`pool-client-root-tls`). */
  readonly poolClientCertificate?: string;
  /** The Secret with the group's CA certificate and key (brought by the member). */
  readonly poolCaSecret?: string;
}

/** Values merged into other blocks of the instance when this block is present. */
export interface Influence {
  /** Blocks that receive the values. */
  readonly target: Requirement;
  /**
   * Merged into the target's values; arrays are appended. Strings may use
   * `{instance}`, `{namespace}`, `{block}` (this block) and `{domain}`.
   */
  readonly values: Readonly<Record<string, unknown>>;
}

/** A named seed dataset a block accepts. */
export interface DatasetSource {
  readonly format: 'sql' | 'mongodb-archive' | 'http-fixtures';
  /** Where the data comes from: an inline ConfigMap key set, or an object-store URL. */
  readonly source: { readonly configMap: Readonly<Record<string, string>> } | { readonly url: string };
  /** How `http-fixtures` reach the block's API. @default - each fixture PUT to `/<file name without .json>` */
  readonly http?: HttpFixtureTarget;
}

/** Where and how each JSON fixture is sent: `<method> <path>/<file name without .json>`. */
export interface HttpFixtureTarget {
  /** Path prefix of every fixture. @default '/' */
  readonly path?: string;
  /** @default 'PUT' */
  readonly method?: 'POST' | 'PUT' | 'PATCH';
  /** A GET here that answers 200 means the dataset was loaded before. @default - none: fixtures are sent again */
  readonly markerPath?: string;
  /**
   * An OAuth2 password grant at this path of the block's API; every request carries its access token.
   * `{block}` is allowed in the Secret's name. @default - requests carry no credentials
   */
  readonly token?: {
    readonly path: string;
    readonly clientId: string;
    readonly username: string;
    readonly passwordSecret: { readonly name: string; readonly key: string };
  };
}

/** CPU and memory, as Kubernetes quantities. */
export interface ComputeQuantities {
  readonly cpu: string;
  readonly memory: string;
}

/**
 * Everything the block's pods ask of the namespace quota at once: every Deployment and
 * StatefulSet replica, every hook Job of an install (not `helm test` hooks), and the pods
 * an operator creates for the block's custom resources. A pod counts as Kubernetes counts
 * it: the sum of its containers, or its largest init container when that is more.
 */
export interface ResourceProfile {
  /** Total CPU requests. */
  readonly cpu: string;
  /** Total memory requests. */
  readonly memory: string;
  /** Total limits. @default - equal to the requests */
  readonly limits?: ComputeQuantities;
  /** Number of pods. @default 1 */
  readonly pods?: number;
  /**
   * Dot path of the chart value that sets how many replicas run (e.g. `replicas`, `cluster.instances`). The totals
   * above are for the count the entry's own values give (1 when they give none); an instance that sets another count
   * in its values is counted with `perReplica` for each replica more or less. @default - the count never changes
   */
  readonly replicasPath?: string;
  /**
   * What one replica at `replicasPath` asks, when not every pod of the block is a replica (a chart's jobs, an
   * operator's helpers). @default - the totals divided by the entry's count: every pod is a replica
   */
  readonly perReplica?: ComputeQuantities & { readonly limits?: ComputeQuantities; readonly pods?: number };
  /**
   * Pods the chart runs only when a value is true (a backup CronJob's pod, a restore Job's), each with what it asks
   * of the quota: `when` is the value's dot path. @default []
   */
  readonly optionalPods?: readonly (ComputeQuantities & {
    readonly when: string;
    readonly limits?: ComputeQuantities;
    readonly pods?: number;
  })[];
}

/** How blocks and seed jobs reach the database a block provides. */
export interface DatabaseOffer {
  readonly engine: DatabaseEngine;
  /** Service name; may use `{block}`. */
  readonly service: string;
  readonly port: number;
  /** Account seed jobs load data with: its database, user, and the Secret and key holding its password (`{block}` allowed). */
  readonly seed: {
    readonly database: string;
    readonly username: string;
    readonly secret: string;
    readonly passwordKey: string;
  };
  /**
   * Values merged into the providing block once per consuming block, so that each consumer gets a
   * database and user of its own, named after it. Lists are appended. Strings may use `{consumer}`
   * (the consuming block, also its user and database name) and `{secret}` (the Secret with the
   * consumer's `username` and `password`, which the instance generates).
   */
  readonly perConsumer: Readonly<Record<string, unknown>>;
  /**
   * Connection URI written into each consumer's Secret under `uri` (and under the consumer's
   * `needs.databaseUriKey`). May use `{username}`, `{password}`, `{host}`, `{port}` and `{database}`.
   */
  readonly uri: string;
}

/** A catalog entry; `N` narrows its name (the built-in entries have the names of BuiltinBlockName). */
export interface CatalogEntry<N extends string = string> {
  /** DNS-1123 label; also the Helm release name inside the instance namespace. */
  readonly name: N;
  /** Must include `kind` and `version`; `provides-<capability>: "true"` advertises a capability. */
  readonly labels: Readonly<Record<string, string>>;
  readonly chart: ChartRef;
  /**
   * Default values; the instance's values are merged over them. Strings may use `{instance}`,
   * `{namespace}`, `{domain}` and `{block}`, and, in a block that needs a database, `{dbhost}`,
   * `{dbport}`, `{dbname}`, `{dbuser}` and `{dbsecret}` (the Secret whose key `password` holds the
   * password). @default {}
   */
  readonly values?: Readonly<Record<string, unknown>>;
  /** What the block's pods request and limit in total, checked against the instance quota. */
  readonly resources: ResourceProfile;
  readonly needs?: {
    /** A database of the block's own on the instance's provider of this engine. */
    readonly database?: DatabaseEngine;
    /** Extra key of the block's database Secret that holds the connection URI. @default - only `uri` */
    readonly databaseUriKey?: string;
    readonly storage?: StorageNeed;
    /** Service and port the block's ingress points at. */
    readonly ingress?: { readonly service: string; readonly port: number };
    /**
     * Labels of the block's pods that talk to the Kubernetes API (an operator's helpers, such as Strimzi's entity
     * operator): they may reach the API server's ports, which the namespace's policies otherwise close. `{block}`
     * allowed. @default - no pod of the block reaches the API
     */
    readonly kubernetesApi?: Readonly<Record<string, string>>;
  };
  /** Names of credentials generated per instance (e.g. `admin-password`), in the Secret `<block>-credentials`. @default [] */
  readonly credentials?: readonly string[];
  /**
   * Further keys of `<block>-credentials` built from the generated ones, e.g. a configuration
   * file that embeds them: `{<credential>}` stands for a generated value. @default {}
   */
  readonly derivedCredentials?: Readonly<Record<string, string>>;
  /** The database this block provides to others. @default - none */
  readonly provides?: { readonly database?: DatabaseOffer };
  readonly inject?: InjectionPaths;
  /**
   * Named values the block offers the blocks that require it (in the same instance, or as a shared block the
   * instance uses), e.g. `bootstrapServers: "{block}-kafka-bootstrap.{namespace}.svc.cluster.local:9092"`. Strings
   * may use `{block}`, `{namespace}` (the block's own, `shared-<block>` when shared), `{instance}`, `{domain}` and
   * `{secret}`: the block's `sharedSecret` where the consumer reads it (its own name in the same instance, the copy
   * `shared-<block>-credentials` when shared), so that a consumer switches between the two by config alone. @default {}
   */
  readonly outputs?: Readonly<Record<string, string>>;
  /**
   * Values taken from the outputs of the blocks this one requires (strong or weak, in the instance or shared), by
   * value path (indexes allowed): `{ "kafka.bootstrapServers": "bootstrapServers" }`. An output that two such blocks
   * offer is an error; one that none offers is a warning, as a missing injection is. @default {}
   */
  readonly inputs?: Readonly<Record<string, string>>;
  /**
   * The Secret of the block's own namespace that instances using the block as a shared block receive a copy of
   * (`shared-<block>-credentials`), and that `{secret}` of its outputs names. `{block}` allowed.
   * @default '{block}-credentials' when the block has credentials
   */
  readonly sharedSecret?: string;
  readonly requires?: {
    readonly strong?: readonly Requirement[];
    readonly weak?: readonly Requirement[];
    /**
     * The instance's cluster must match each, against its labels (`cloud`, `kubernetes-version`, `region`,
     * `storage-rwx`, `storage-class`, `nodes/<node label>` and the cluster's own `labels`). @default []
     */
    readonly cluster?: readonly Requirement[];
  };
  readonly influences?: readonly Influence[];
  /** Lower Pod Security level with the reason the block needs it. @default - restricted */
  readonly podSecurity?: { readonly level: Exclude<PodSecurityLevel, 'restricted'>; readonly reason: string };
  /** Seed datasets by variant name. @default {} */
  readonly datasets?: Readonly<Record<string, DatasetSource>>;
  /** Container images the chart pulls at its pinned version, registry included, for the bill of materials. */
  readonly images: readonly string[];
  /**
   * Values that point every image of the chart at a registry mirror, by dot path; `{registry}`
   * stands for the mirror. Set only when the instance has a mirror.
   * @default - { 'global.imageRegistry': '{registry}' }
   */
  readonly registryMirrorValues?: Readonly<Record<string, string>>;
  /**
   * Helm test hooks of the chart that `sandboxkit instance test` leaves out, each with the reason
   * (e.g. a test pod that restricted Pod Security refuses). Names may use `{block}`. @default []
   */
  readonly excludedTests?: readonly { readonly name: string; readonly reason: string }[];
}
