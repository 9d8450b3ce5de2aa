import type { BlockCatalog } from '../catalog/merge';
import type { SandboxCluster } from '../cluster';
import type { ManagedDatabase } from './managed-database';
import type { MockKind } from './mocks';
import type { PoolMembership } from './pool-member';
import type { QuotaSpec, SizeProfileName } from './size-profile';
import type { CloudResourceFacts } from './wiring';

export interface BlockRef<N extends string = string> {
  /** Catalog entry name; also the release name. */
  readonly name: N;
  /** Merged over the entry's defaults. @default {} */
  readonly values?: Readonly<Record<string, unknown>>;
}

/** A Secret the instance brings, by name; its value never appears in the synthesized stack. */
export interface BroughtSecret {
  readonly name: string;
  readonly from: { readonly secretManager: string } | { readonly file: string; readonly format?: 'text' | 'json' };
  /** Key of a file's content. @default 'value' */
  readonly key?: string;
}

/** `N`: the block names the catalog holds (the built-in ones unless `catalog` says otherwise). */
export interface SandboxInstanceProps<N extends string = string> {
  /** Everything the instance knows of its cluster. */
  readonly cluster: SandboxCluster;
  /** DNS-1123 label of at most 53 characters. */
  readonly instanceName: string;
  /** @default - the instance name */
  readonly namespace?: string;
  /** Kubernetes user who owns the instance and gets edit rights in its namespace. */
  readonly owner: string;
  /** @default - none */
  readonly ownerGroup?: string;
  /** 1 to 720; not with `protected`. @default 48 */
  readonly ttlHours?: number;
  /** Never expires; the reaper and `gc` skip it. The caller checks the cluster allows it. @default false */
  readonly protected?: boolean;
  /** @default 'small' */
  readonly size?: SizeProfileName;
  /** Overrides of the size profile's quota. @default {} */
  readonly quota?: Partial<QuotaSpec>;
  readonly blocks: readonly BlockRef<NoInfer<N>>[];
  /** Where blocks come from, by name, e.g. `mergeCatalog(BUILTIN_CATALOG, [mine])`. @default - the built-in blocks */
  readonly catalog?: BlockCatalog<N>;
  /** @default [] */
  readonly mocks?: readonly MockKind[];
  /** @default [] */
  readonly datasets?: readonly { readonly block: string; readonly variant: string }[];
  /** @default false */
  readonly allowInternetEgress?: boolean;
  /** @default - always on */
  readonly workingHours?: string;
  /** Overrides the cluster's idle hours for the reaper; "never" opts out. @default - the cluster's */
  readonly idleHours?: number | 'never';
  /** Registry that mirrors every image; written where each chart takes its images from. @default - none */
  readonly registryMirror?: string;
  /** The instance's own cloud resources, for the blocks that take them. @default - none */
  readonly cloudResources?: CloudResourceFacts;
  /**
   * The cluster's labels, which `requires.cluster` of the blocks must match.
   * @default - cluster requirements are not checked
   */
  readonly clusterLabels?: Readonly<Record<string, string>>;
  /**
   * Shared blocks of the cluster the instance reaches; the caller checks the cluster has them. The credentials
   * of those whose catalog entry declares some are copied into the namespace (see SharedCredentials). @default []
   */
  readonly uses?: readonly string[];
  /**
   * Secrets the instance brings: a key of the cluster's secret manager, or a file whose content the
   * deployer passes at apply time (see FileSecrets). @default []
   */
  readonly secrets?: readonly BroughtSecret[];
  /**
   * A database server of the instance's own outside the cluster: blocks that need a database of its engine get
   * theirs on it, with the same Secret and values as on an in-cluster provider. @default - none
   */
  readonly managedDatabase?: ManagedDatabase;
  /** Labels Terraform adds to the namespace for further grants (see InstanceNamespace). @default {} */
  readonly grantLabels?: Readonly<Record<string, string>>;
  /** Membership of an instance group across clusters: TCP exposure, the group's CA and join list. @default - none */
  readonly pool?: PoolMembership;
}
