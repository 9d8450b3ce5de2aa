/** A building block's description: data the instance layer reads, never code. */

/** Operators of a label match expression; `Gt` and `Lt` compare semantic versions. */
export type MatchOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt';

export interface MatchExpression {
  readonly key: string;
  readonly operator: MatchOperator;
  /** Required for In and NotIn; exactly one version for Gt and Lt; absent for Exists and DoesNotExist. */
  readonly values?: readonly string[];
}

/** Another block of the same instance must match every expression. */
export interface Requirement {
  /** What the requirement is for, shown in messages. */
  readonly description?: string;
  readonly matchExpressions: readonly MatchExpression[];
}

export interface ChartRef {
  /** `https://…` chart repository or `oci://…` registry path. */
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
  /** Name of the Secret holding the block's generated credentials. */
  readonly credentialsSecret?: string;
  /** Name of the Secret holding the database connection. */
  readonly databaseSecret?: string;
  readonly databaseHost?: string;
  readonly ingressHost?: string;
  readonly storageClass?: string;
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
}

export interface ResourceProfile {
  /** CPU request, Kubernetes quantity. */
  readonly cpu: string;
  /** Memory request, Kubernetes quantity. */
  readonly memory: string;
}

export interface CatalogEntry {
  /** DNS-1123 label; also the Helm release name inside the instance namespace. */
  readonly name: string;
  /** Must include `kind` and `version`; `provides-<capability>: "true"` advertises a capability. */
  readonly labels: Readonly<Record<string, string>>;
  readonly chart: ChartRef;
  /** Default values; the instance's values are merged over them. @default {} */
  readonly values?: Readonly<Record<string, unknown>>;
  /** Requests per replica, used to check the instance quota. */
  readonly resources: ResourceProfile;
  readonly needs?: {
    readonly database?: DatabaseEngine;
    readonly storage?: StorageNeed;
    /** Service and port the block's ingress points at. */
    readonly ingress?: { readonly service: string; readonly port: number };
  };
  /** Names of credentials generated per instance (e.g. `admin-password`). @default [] */
  readonly credentials?: readonly string[];
  readonly inject?: InjectionPaths;
  readonly requires?: {
    readonly strong?: readonly Requirement[];
    readonly weak?: readonly Requirement[];
  };
  readonly influences?: readonly Influence[];
  /** Lower Pod Security level with the reason the block needs it. @default - restricted */
  readonly podSecurity?: { readonly level: Exclude<PodSecurityLevel, 'restricted'>; readonly reason: string };
  /** Seed datasets by variant name. @default {} */
  readonly datasets?: Readonly<Record<string, DatasetSource>>;
  /** Container images the chart pulls at its pinned version, for the bill of materials. */
  readonly images: readonly string[];
}
