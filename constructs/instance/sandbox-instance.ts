import { Annotations, type ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { perConsumerProblem } from '../catalog/database-offer';
import type { CatalogEntry, PodSecurityLevel } from '../catalog/types';
import { BUILTIN_CATALOG, type BuiltinBlockName } from '../catalog/builtin';
import { mergeCatalog, type BlockCatalog } from '../catalog/merge';
import type { SandboxCluster } from '../cluster';
import { HELM_RELEASE_NAME_MAX, assertDnsLabel } from '../names';
import { blockHostname } from './block-ingress';
import { SharedBlockAccess } from '../shared/shared-block-access';
import { SharedCredentials } from '../shared/shared-credentials';
import { sharedCredentialsSecret, sharedNamespace, sharedSecretOf, usesLabel } from '../shared/shared-names';
import { SHARED_HOSTNAME_LABEL } from '../shared/shared-plan';
import { BuildingBlock } from './building-block';
import { FileSecrets } from './file-secrets';
import { PoolMember, poolFacts, poolGrant, type PoolMembership } from './pool-member';
import { describeUnmet, unmetClusterRequirements } from './cluster-labels';
import { DeployerAccess, type DeployerIdentity } from './deployer-access';
import { InstanceNamespace } from './instance-namespace';
import { InstanceListener } from './instance-listener';
import { InstanceSecrets } from './instance-secrets';
import {
  MANAGED_DATABASE_URI,
  ManagedDatabaseUsers,
  managedProviderEntry,
  managedProviderName,
  type ManagedDatabase,
} from './managed-database';
import { Mock, mockSelector, type MockEndpoints, type MockKind } from './mocks';
import { isCloudNativePgCluster } from './database-backup';
import { DATABASE_OPERATOR_PODS } from '../platform/database-operator';
import { InstanceNetworkPolicies } from './network-policies';
import { OwnerAccess } from './owner-access';
import { BlockApiAccess } from './api-access';
import { wireInputs, type OutputSource } from './outputs';
import { resolveBlocks, type BlockInput, type ExternalBlock, type ResolvedBlock } from './resolver';
import { quotaProblem } from './quota-check';
import { ResourceGuardrails } from './resource-guardrails';
import { broughtSecretKeyProblem } from './tenant-names';
import { SeedData } from './seed-data';
import { SIZE_PROFILES, type QuotaSpec, type SizeProfileName } from './size-profile';
import { fillPlaceholders, mergeValues, setPath } from './values';
import { wireValues, type CloudResourceFacts, type WiringFacts } from './wiring';

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
  /** The cluster's labels, which `requires.cluster` of the blocks must match. @default - cluster requirements are not checked */
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

const LEVEL_ORDER: readonly PodSecurityLevel[] = ['restricted', 'baseline', 'privileged'];
/** Props with the catalog chosen. */
type Resolved = SandboxInstanceProps & { readonly catalog: BlockCatalog };

/** Where charts take a registry mirror when their catalog entry does not say otherwise. */
const DEFAULT_MIRROR_VALUES = { 'global.imageRegistry': '{registry}' };

/** A dataset the config asks for, checked against its block. */
interface DatasetRequest {
  readonly block: BlockInput;
  readonly variant: string;
  readonly dataset: NonNullable<CatalogEntry['datasets']>[string];
}

/** A block's own database on the instance's provider of its engine. */
interface DatabaseGrant {
  /** The providing block; none when the instance's managed server provides. */
  readonly provider?: BlockInput;
  readonly secret: string;
  readonly facts: WiringFacts;
  readonly keys: Readonly<Record<string, string>>;
}

/**
 * One sandbox instance: an isolated namespace with guardrails, its building
 * blocks in dependency order wired to its mocks, databases, credentials and
 * hostnames, and its seed data.
 */
export class SandboxInstance<N extends string = BuiltinBlockName> extends Construct {
  /** The cluster the instance runs on, as given. */
  readonly cluster: SandboxCluster;
  readonly namespace: InstanceNamespace;
  readonly blocks = new Map<string, BuildingBlock>();
  readonly mocks = new Map<MockKind, Mock>();
  /** The instance's HTTPS listener on the shared Gateway, when a block serves HTTP. */
  readonly listener?: InstanceListener;
  /** The instance's part in an instance group, when it is a member. */
  readonly pool?: PoolMember;
  /** Install order of the blocks. */
  readonly order: readonly string[];
  /** The identity the instance's Helm releases run as; the stack's Helm provider authenticates as it. */
  readonly deployer: DeployerIdentity;

  constructor(scope: Construct, id: string, given: SandboxInstanceProps<N>) {
    super(scope, id);
    const props: Resolved = { ...given, catalog: given.catalog ?? mergeCatalog(BUILTIN_CATALOG) };
    this.cluster = props.cluster;
    const name = props.instanceName;
    const namespace = props.namespace ?? name;
    const ttlHours = props.ttlHours ?? 48;
    const size = props.size ?? 'small';
    const quota: QuotaSpec = { ...SIZE_PROFILES[size], ...props.quota };
    const mockKinds = [...new Set(props.mocks ?? [])];
    const uses = [...new Set(props.uses ?? [])];
    const brought = props.secrets ?? [];
    const pool = props.pool;
    const where = `SandboxInstance "${name}"`;
    if (pool && !brought.some((b) => b.name === pool.caSecret)) {
      throw new Error(
        `${where}: instance group "${pool.group}" takes its CA from Secret "${pool.caSecret}", which the instance does not bring (secrets)`,
      );
    }

    assertDnsLabel(`${where}: instanceName`, name, HELM_RELEASE_NAME_MAX);
    assertDnsLabel(`${where}: namespace`, namespace);
    if (props.protected && props.ttlHours !== undefined)
      throw new Error(`${where}: a protected instance never expires; remove ttlHours or protected`);
    if (!Number.isInteger(ttlHours) || ttlHours < 1 || ttlHours > 720) {
      throw new Error(`${where}: ttlHours must be a whole number from 1 to 720, got ${ttlHours}`);
    }
    if (!SIZE_PROFILES[size])
      throw new Error(`${where}: size must be one of ${Object.keys(SIZE_PROFILES).join(', ')}, got "${size}"`);
    const inputs = this.blockInputs(where, props);
    if (props.clusterLabels) {
      const unmet = unmetClusterRequirements(inputs, props.clusterLabels);
      if (unmet.length)
        throw new Error(
          `${where}: ${unmet.map((u) => describeUnmet(u, props.cluster.clusterName, props.clusterLabels!)).join('; ')}`,
        );
    }
    const datasets = this.datasetRequests(where, props, inputs);
    const managed = props.managedDatabase;
    const grants = this.databaseGrants(where, inputs, namespace, managed);
    const managedGrants = [...grants].filter(([, g]) => !g.provider);
    if (managed && managedGrants.length === 0)
      Annotations.of(this).addWarning(
        `${where}: no block needs a ${managed.engine} database, yet the instance has a managed one`,
      );
    this.checkQuota(
      where,
      inputs,
      mockKinds,
      datasets.length + (managedGrants.length ? 1 : 0),
      quota,
      size,
      props.quota !== undefined && Object.keys(props.quota).length > 0,
    );

    const vars = { instance: name, namespace, domain: props.cluster.ingress.domain };
    const sharedBlocks = usedSharedBlocks(where, uses, props.catalog, props.cluster.ingress.domain);
    // The managed server takes part in requirement matching and influences as a block that is never installed.
    const managedName = managed ? managedProviderName(managed.engine) : undefined;
    const resolved = resolveBlocks(
      name,
      managed ? [...inputs, { name: managedName!, entry: managedProviderEntry(managed), values: {} }] : inputs,
      vars,
      sharedBlocks,
    );
    const resolution = {
      ...resolved,
      blocks: resolved.blocks
        .filter((b) => b.name !== managedName)
        .map((b) => ({ ...b, dependsOn: b.dependsOn.filter((d) => d !== managedName) })),
    };
    resolution.warnings.forEach((w) => Annotations.of(this).addWarning(w));
    this.order = resolution.blocks.map((b) => b.name);
    const sharedSecrets = sharedBlocks.flatMap((b) => {
      const secret = sharedSecretOf(b.name, b.entry);
      return secret ? [{ name: b.name, secret }] : [];
    });
    const generated = [
      ...inputs.filter((b) => b.entry.credentials?.length).map((b) => `${b.name}-credentials`),
      ...[...grants.values()].map((g) => g.secret),
      ...sharedSecrets.map((b) => sharedCredentialsSecret(b.name)),
    ];
    brought.forEach((b, i) => {
      const keyProblem =
        'secretManager' in b.from && broughtSecretKeyProblem(b.from.secretManager, props.cluster.cloud);
      if (keyProblem) throw new Error(`${where}: secrets[${i}] "${b.name}": secretManager ${keyProblem}`);
      if (generated.includes(b.name) || brought.findIndex((o) => o.name === b.name) < i) {
        throw new Error(
          `${where}: secrets[${i}] "${b.name}" is the name of another Secret of the instance; choose another name`,
        );
      }
    });
    const blocks = withConsumerDatabases(resolution.blocks, grants);

    const level = inputs.reduce<PodSecurityLevel>((lowest, b) => {
      const wanted = b.entry.podSecurity?.level ?? 'restricted';
      return LEVEL_ORDER.indexOf(wanted) > LEVEL_ORDER.indexOf(lowest) ? wanted : lowest;
    }, 'restricted');
    const reasons = inputs.filter((b) => b.entry.podSecurity).map((b) => `${b.name}: ${b.entry.podSecurity!.reason}`);

    this.namespace = new InstanceNamespace(this, 'Namespace', {
      instanceName: name,
      clusterName: props.cluster.clusterName,
      namespace,
      owner: props.owner,
      ttlHours,
      protected: props.protected,
      podSecurity: level,
      podSecurityReason: reasons.length ? reasons.join('; ') : undefined,
      workingHours: props.workingHours,
      idleHours: props.idleHours,
      grantLabels: {
        ...Object.fromEntries(uses.map((b) => [usesLabel(b), 'true'])),
        ...(pool ? poolGrant(pool).labels : {}),
        ...props.grantLabels,
      },
      grantAnnotations: pool ? poolGrant(pool).annotations : undefined,
    });
    const ns = this.namespace.name;
    if (uses.length) new SharedBlockAccess(this, 'SharedBlocks', { namespace: ns, blocks: uses });
    const guardrails = new ResourceGuardrails(this, 'Guardrails', {
      namespace: ns,
      quota,
      loadBalancers: pool ? pool.nodes.length : undefined,
    });
    const policies = new InstanceNetworkPolicies(this, 'NetworkPolicies', {
      namespace: ns,
      ingressControllerNamespace: props.cluster.ingress.controllerNamespace,
      mockSelectors: mockKinds.map(mockSelector),
      allowInternetEgress: props.allowInternetEgress,
      databaseOperator: inputs.some((b) => isCloudNativePgCluster(b.entry)) ? DATABASE_OPERATOR_PODS : undefined,
    });
    new OwnerAccess(this, 'OwnerAccess', { namespace: ns, user: props.owner, group: props.ownerGroup });
    this.deployer = new DeployerAccess(this, 'Deployer', { namespace: ns, namespaceName: namespace }).identity;
    // Nothing lands in the namespace before its guardrails hold: an object counted by a quota the quota controller
    // has not yet computed is refused, and a pod started before the NetworkPolicies would run without them.
    const nsReady: ITerraformDependable[] = [
      this.namespace.namespace,
      guardrails.quota,
      guardrails.limits,
      ...policies.policies,
      ...this.deployer.ready,
    ];

    if (inputs.some((b) => b.entry.needs?.ingress)) {
      this.listener = new InstanceListener(this, 'Listener', {
        instanceName: name,
        namespace: ns,
        ingress: props.cluster.ingress,
        validityHours: props.protected ? undefined : ttlHours,
        dependsOn: nsReady,
      });
    }
    const routeReady = this.listener ? [this.listener.listenerSet, this.listener.certificate] : [];

    const mirror = props.registryMirror ? { global: { imageRegistry: props.registryMirror } } : {};
    let endpoints: MockEndpoints = {};
    for (const kind of mockKinds) {
      const mock = new Mock(this, `Mock-${kind}`, { kind, namespace, values: mirror, dependsOn: nsReady });
      this.mocks.set(kind, mock);
      endpoints = { ...endpoints, ...mock.endpoints };
    }

    const secrets = new InstanceSecrets(this, 'Secrets', {
      instanceName: name,
      namespace,
      backend: props.cluster.secretBackend,
      credentials: [
        ...inputs
          .filter((b) => b.entry.credentials?.length)
          .map((b) => ({
            name: `${b.name}-credentials`,
            keys: b.entry.credentials!,
            derived: b.entry.derivedCredentials,
          })),
        ...[...grants.values()].map((g) => ({ name: g.secret, keys: ['password'], derived: g.keys })),
      ],
      dependsOn: nsReady,
      expiresAt: this.namespace.expiry?.rfc3339,
      brought: brought.flatMap((b) => ('secretManager' in b.from ? [{ name: b.name, key: b.from.secretManager }] : [])),
    });
    const files = new FileSecrets(this, 'FileSecrets', {
      namespace,
      secrets: brought.flatMap((b) => ('file' in b.from ? [{ name: b.name, key: b.key, format: b.from.format }] : [])),
      dependsOn: nsReady,
    });

    const shared = new SharedCredentials(this, 'SharedCredentials', {
      namespace,
      blocks: sharedSecrets,
      dependsOn: nsReady,
    });
    const apiAccess = new BlockApiAccess(this, 'ApiAccess', { namespace: ns, blocks: inputs }).policies;
    const outputSources = new Map<string, OutputSource>([
      ...inputs.map((b) => [b.name, inInstanceOutputs(b, vars)] as const),
      ...sharedBlocks.map((b) => [b.name, b] as const),
    ]);
    const managedReady = managed
      ? new ManagedDatabaseUsers(this, 'ManagedDatabase', {
          namespace,
          database: managed,
          consumers: managedGrants.map(([consumer, g]) => ({
            user: consumer,
            secret: g.secret,
            databases: [
              consumer,
              ...extraDatabases(where, resolved.blocks.find((b) => b.name === managedName)!.values, consumer),
            ],
          })),
          registryMirror: props.registryMirror,
          dependsOn: [...nsReady, ...secrets.ready],
        }).ready
      : [];

    if (pool)
      this.pool = new PoolMember(this, 'Pool', {
        ...pool,
        namespace,
        dependsOn: [...nsReady, ...secrets.ready, ...files.ready],
      });

    const seeds = new Map<string, ITerraformDependable[]>();
    for (const block of blocks) {
      const grant = grants.get(block.name);
      const inputsWired = wireInputs(
        where,
        block,
        grant ? fillPlaceholders(block.values, databasePlaceholders(grant.facts)) : block.values,
        (resolved.providers.get(block.name) ?? []).flatMap((p) => outputSources.get(p) ?? []),
      );
      const values = inputsWired.values;
      const wired = wireValues(block.entry, withRegistryMirror(block.entry, values, props.registryMirror), {
        ...endpoints,
        ...props.cloudResources,
        ...grant?.facts,
        ...(pool ? poolFacts(pool) : {}),
        credentialsSecret: block.entry.credentials?.length ? `${block.name}-credentials` : undefined,
        sharedCredentials: Object.fromEntries(shared.secrets),
        ingressHost: block.entry.needs?.ingress
          ? blockHostname(block.name, name, props.cluster.ingress.domain)
          : undefined,
        storageClass:
          block.entry.needs?.storage === 'rwx' ? props.cluster.storage.sharedRwx : props.cluster.storage.blockRwo,
      });
      if (wired.missing.length) {
        Annotations.of(this).addWarning(
          `${where}: block "${block.name}" can use ${wired.missing.join(', ')}, which the instance does not provide (${wired.missing.every((m) => m.startsWith('sharedCredentials.')) ? 'list the shared block in uses' : 'add the matching mocks'})`,
        );
      }
      if (inputsWired.missing.length)
        Annotations.of(this).addWarning(
          `${where}: block "${block.name}" takes ${inputsWired.missing.join(', ')}, which no block it requires offers`,
        );
      const built = new BuildingBlock(this, `Block-${block.name}`, {
        instanceName: name,
        namespace,
        name: block.name,
        entry: block.entry,
        values: wired.values,
        domain: props.cluster.ingress.domain,
        routeDependsOn: routeReady,
        dependsOn: [
          ...nsReady,
          ...secrets.ready,
          ...files.ready,
          ...shared.ready,
          ...apiAccess,
          ...(grant && !grant.provider ? managedReady : []),
          ...[...this.mocks.values()].map((m) => m.release.release),
          // A block starts once the blocks it requires run and hold their seed data.
          ...block.dependsOn.flatMap((dep) => [this.blocks.get(dep)!.release.release, ...(seeds.get(dep) ?? [])]),
        ],
      });
      this.blocks.set(block.name, built);
      const own = datasets.filter((d) => d.block.name === block.name);
      seeds.set(
        block.name,
        own.map(
          (d) =>
            new SeedData(this, `Seed-${d.block.name}-${d.variant}`, {
              instanceName: name,
              namespace,
              blockName: d.block.name,
              entry: d.block.entry,
              variant: d.variant,
              dataset: d.dataset,
              values: mirror,
              dependsOn: [built.release.release, ...secrets.ready],
            }).release.release,
        ),
      );
    }
  }

  /** Catalog entries with the instance's values merged over their defaults, checked against the cluster. */
  private blockInputs(where: string, props: Resolved): BlockInput[] {
    const seen = new Set<string>();
    return props.blocks.map((ref, i) => {
      const entry = props.catalog.get(ref.name);
      if (!entry) {
        throw new Error(
          `${where}: blocks[${i}] is "${ref.name}", which is not in the catalog (${[...props.catalog.keys()].sort().join(', ')})`,
        );
      }
      if (seen.has(ref.name)) throw new Error(`${where}: blocks[${i}] "${ref.name}" is listed twice`);
      seen.add(ref.name);
      if (
        ref.values !== undefined &&
        (typeof ref.values !== 'object' || ref.values === null || Array.isArray(ref.values))
      ) {
        throw new Error(
          `${where}: blocks[${i}] "${ref.name}": values must be an object, got ${Array.isArray(ref.values) ? 'a list' : typeof ref.values}`,
        );
      }
      if (entry.needs?.storage === 'rwx' && !props.cluster.storage.sharedRwx) {
        throw new Error(
          `${where}: block "${ref.name}" needs shared (RWX) storage, which cluster "${props.cluster.clusterName}" does not offer`,
        );
      }
      const defaults = fillPlaceholders(entry.values ?? {}, {
        instance: props.instanceName,
        namespace: props.namespace ?? props.instanceName,
        domain: props.cluster.ingress.domain,
        block: ref.name,
      });
      return { name: ref.name, entry, values: mergeValues(defaults, ref.values ?? {}) };
    });
  }

  /** The datasets the config names, each checked against the block it loads into. */
  private datasetRequests(where: string, props: Resolved, inputs: readonly BlockInput[]): DatasetRequest[] {
    return (props.datasets ?? []).map((ds) => {
      const block = inputs.find((b) => b.name === ds.block);
      if (!block) throw new Error(`${where}: dataset for block "${ds.block}", which the instance does not have`);
      const dataset = block.entry.datasets?.[ds.variant];
      if (!dataset) {
        throw new Error(
          `${where}: block "${ds.block}" offers datasets ${Object.keys(block.entry.datasets ?? {}).join(', ') || '(none)'}, got "${ds.variant}"`,
        );
      }
      if ('url' in dataset.source && !props.allowInternetEgress) {
        Annotations.of(this).addWarning(
          `${where}: dataset "${ds.variant}" of "${ds.block}" downloads from ${dataset.source.url}; the seed job needs allowInternetEgress or a mirror inside the cluster`,
        );
      }
      return { block, variant: ds.variant, dataset };
    });
  }

  /** Refuses an instance whose blocks, mocks and seed jobs would not fit its ResourceQuota. */
  private checkQuota(
    where: string,
    inputs: readonly BlockInput[],
    mocks: readonly MockKind[],
    seedJobs: number,
    quota: QuotaSpec,
    size: string,
    overridden: boolean,
  ): void {
    const problem = quotaProblem({ blocks: inputs, mocks, seedJobs }, quota, size, overridden);
    if (problem) throw new Error(`${where}: ${problem}`);
  }

  /**
   * For every block that needs a database: the instance's provider of that engine, the Secret with
   * the block's own user and password, and the facts the block is wired with.
   */
  private databaseGrants(
    where: string,
    inputs: readonly BlockInput[],
    namespace: string,
    managed?: ManagedDatabase,
  ): Map<string, DatabaseGrant> {
    const grants = new Map<string, DatabaseGrant>();
    for (const consumer of inputs) {
      const engine = consumer.entry.needs?.database;
      if (!engine) continue;
      const providers = inputs.filter((b) => b.name !== consumer.name && b.entry.provides?.database?.engine === engine);
      if (managed?.engine === engine) {
        if (providers.length) {
          throw new Error(
            `${where}: block "${consumer.name}" needs a ${engine} database, and both block "${providers[0].name}" and the instance's managed database provide one; keep one`,
          );
        }
        grants.set(
          consumer.name,
          databaseGrant(consumer, managed.host, managed.port, MANAGED_DATABASE_URI[managed.engine]),
        );
        continue;
      }
      if (providers.length === 0) continue;
      if (providers.length > 1) {
        throw new Error(
          `${where}: block "${consumer.name}" needs a ${engine} database, and ${providers.map((p) => `"${p.name}"`).join(' and ')} both provide one; keep one`,
        );
      }
      const provider = providers[0];
      const offer = provider.entry.provides!.database!;
      const problem = perConsumerProblem(offer.perConsumer);
      if (problem) throw new Error(`${where}: block "${provider.name}" provides.database.perConsumer ${problem}`);
      const host = `${fillPlaceholders(offer.service, { block: provider.name })}.${namespace}.svc.cluster.local`;
      grants.set(consumer.name, { ...databaseGrant(consumer, host, offer.port, offer.uri), provider });
    }
    return grants;
  }
}

/** A consumer's own database, user and Secret on the server at `host`. */
function databaseGrant(consumer: BlockInput, host: string, port: number, uriTemplate: string): DatabaseGrant {
  const secret = `${consumer.name}-database`;
  const uri = fillPlaceholders(uriTemplate, {
    username: consumer.name,
    host,
    port: String(port),
    database: consumer.name,
  });
  const uriKey = consumer.entry.needs?.databaseUriKey;
  return {
    secret,
    keys: {
      username: consumer.name,
      database: consumer.name,
      host,
      port: String(port),
      uri,
      ...(uriKey ? { [uriKey]: uri } : {}),
    },
    facts: {
      databaseHost: host,
      databasePort: String(port),
      databaseName: consumer.name,
      databaseUser: consumer.name,
      databaseSecret: secret,
    },
  };
}

/** Further databases influences ask the managed server for on behalf of `consumer` (`databases: [{ name, owner }]`). */
function extraDatabases(where: string, values: Readonly<Record<string, unknown>>, consumer: string): string[] {
  const listed = Array.isArray(values.databases) ? (values.databases as unknown[]) : [];
  return listed.flatMap((d) => {
    const db = d as { name?: unknown; owner?: unknown };
    if (db.owner !== consumer || typeof db.name !== 'string' || db.name === consumer) return [];
    // The users job quotes the name as an identifier; only plain names keep that quoting sound.
    if (!/^[a-z][a-z0-9_-]{0,62}$/.test(db.name))
      throw new Error(
        `${where}: block "${consumer}" asks the managed database for a database named "${db.name}"; names are lower-case letters, digits, "_" and "-"`,
      );
    return [db.name];
  });
}

/** The `{db…}` placeholders a consuming block's values may use. */
function databasePlaceholders(facts: WiringFacts): Record<string, string> {
  return {
    dbhost: facts.databaseHost!,
    dbport: facts.databasePort!,
    dbname: facts.databaseName!,
    dbuser: facts.databaseUser!,
    dbsecret: facts.databaseSecret!,
  };
}

/** Each provider's values with a database and user of their own for each of its consumers. */
function withConsumerDatabases(
  blocks: readonly ResolvedBlock[],
  grants: ReadonlyMap<string, DatabaseGrant>,
): ResolvedBlock[] {
  return blocks.map((block) => {
    let values = block.values;
    for (const [consumer, grant] of grants) {
      if (grant.provider?.name !== block.name) continue;
      const addition = fillPlaceholders(block.entry.provides!.database!.perConsumer, {
        consumer,
        secret: grant.secret,
        block: block.name,
      });
      values = mergeValues(values, addition, true);
    }
    return { ...block, values };
  });
}

/** The shared blocks an instance uses, as blocks it reaches but does not install, with their own namespace. */
function usedSharedBlocks(
  where: string,
  uses: readonly string[],
  catalog: ReadonlyMap<string, CatalogEntry>,
  domain: string,
): (ExternalBlock & OutputSource)[] {
  return uses.map((name) => {
    const entry = catalog.get(name);
    if (!entry) throw new Error(`${where}: uses "${name}", which is not in the catalog`);
    const namespace = sharedNamespace(name);
    const secret = sharedSecretOf(name, entry) ? sharedCredentialsSecret(name) : undefined;
    return {
      name,
      entry,
      // `{instance}` of a shared block is `shared`, under which its hostname is: <block>.shared.<domain>.
      vars: { block: name, namespace, instance: SHARED_HOSTNAME_LABEL, domain, ...(secret ? { secret } : {}) },
    };
  });
}

/** What the outputs of a block of the instance itself stand for: its own namespace and shared Secret. */
function inInstanceOutputs(b: BlockInput, vars: Readonly<Record<string, string>>): OutputSource {
  const secret = sharedSecretOf(b.name, b.entry);
  return { name: b.name, entry: b.entry, vars: { ...vars, block: b.name, ...(secret ? { secret } : {}) } };
}

/** The block's values with every image pointed at the registry mirror, where its chart takes that. */
function withRegistryMirror(
  entry: CatalogEntry,
  values: Readonly<Record<string, unknown>>,
  registry: string | undefined,
): Record<string, unknown> {
  if (!registry) return { ...values };
  let out: Record<string, unknown> = { ...values };
  for (const [path, template] of Object.entries(entry.registryMirrorValues ?? DEFAULT_MIRROR_VALUES)) {
    out = setPath(out, path, fillPlaceholders(template, { registry }));
  }
  return out;
}
