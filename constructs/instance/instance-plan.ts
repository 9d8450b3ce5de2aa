import { BUILTIN_CATALOG } from '../catalog/builtin';
import { mergeCatalog, type BlockCatalog } from '../catalog/merge';
import type { CatalogEntry } from '../catalog/types';
import type { IngressFacts, SandboxCluster } from '../cluster';
import { HELM_RELEASE_NAME_MAX, assertDnsLabel } from '../names';
import { sharedCredentialsSecret, sharedNamespace, sharedSecretOf, usesLabel } from '../shared/shared-names';
import { SHARED_HOSTNAME_LABEL } from '../shared/shared-plan';
import { blockHostname } from './block-ingress';
import { describeUnmet, unmetClusterRequirements } from './cluster-labels';
import {
  databaseGrants,
  databasePlaceholders,
  managedDatabaseConsumers,
  withConsumerDatabases,
  type DatabaseGrant,
} from './database-grants';
import type { BroughtSecret, SandboxInstanceProps } from './instance-props';
import type { CredentialSet } from './instance-secrets';
import { managedProviderEntry, managedProviderName, type ManagedDatabaseConsumer } from './managed-database';
import { MOCKS, type MockEndpoints, type MockKind } from './mocks';
import { wireInputs, type OutputSource } from './outputs';
import { instancePodSecurity, type InstancePodSecurity } from './pod-security';
import { poolFacts, poolGrant } from './pool-member';
import { quotaProblem } from './quota-check';
import { resolveBlocks, type BlockInput, type ExternalBlock, type ResolvedBlock } from './resolver';
import { SIZE_PROFILES, type QuotaSpec, type SizeProfileName } from './size-profile';
import { broughtSecretKeyProblem } from './tenant-names';
import { fillPlaceholders, mergeValues, setPath } from './values';
import { wireValues } from './wiring';

/** What a plan reads of the cluster: its name and cloud, its base domain and its storage classes. */
export type PlanClusterFacts = Pick<SandboxCluster, 'clusterName' | 'cloud' | 'storage'> & {
  readonly ingress: Pick<IngressFacts, 'domain'>;
};

/** SandboxInstanceProps with only the cluster facts a plan reads; every SandboxInstanceProps is one. */
export type InstancePlanProps = Omit<SandboxInstanceProps, 'cluster'> & { readonly cluster: PlanClusterFacts };

/** A dataset the instance asks for, checked against its block. */
export interface DatasetRequest {
  readonly block: BlockInput;
  readonly variant: string;
  readonly dataset: NonNullable<CatalogEntry['datasets']>[string];
}

/** A block as the instance installs it. */
export interface PlannedBlock extends ResolvedBlock {
  /**
   * What its release gets: `values` with the block's `{db…}` placeholders filled, the outputs of the blocks it
   * requires, the registry mirror, and every fact its entry injects (mock endpoints, database, credentials, shared
   * credentials, hostname, storage class, cloud resources, instance group) written in.
   */
  readonly releaseValues: Readonly<Record<string, unknown>>;
}

/**
 * Everything decided about an instance before any resource exists: the props validated, defaults applied, the
 * block graph resolved and every block's values computed. SandboxInstance turns it into resources; what only
 * resources know (references to them, the order Terraform creates them in) stays there.
 */
export interface InstancePlan {
  /** How errors and warnings name the instance: `SandboxInstance "<name>"`. */
  readonly where: string;
  /** The instance name, a DNS label. */
  readonly name: string;
  /** The instance's namespace (the instance name unless set). */
  readonly namespace: string;
  /** Hours from creation to expiry (48 unless set); a protected instance has none. */
  readonly ttlHours: number;
  /** The size profile (small unless set). */
  readonly size: SizeProfileName;
  /** The size profile's quota with the instance's overrides; the blocks, mocks and seed jobs fit in it. */
  readonly quota: QuotaSpec;
  /** The blocks as listed, checked against the catalog and cluster: entry defaults with the instance's values. */
  readonly inputs: readonly BlockInput[];
  /** The blocks in install order, each after those it strongly requires, with providers' consumer databases. */
  readonly blocks: readonly PlannedBlock[];
  /** Each consuming block's own database, by block name. */
  readonly grants: ReadonlyMap<string, DatabaseGrant>;
  /** The users of the instance's managed database server: consumers whose grant it holds. */
  readonly managedConsumers: readonly ManagedDatabaseConsumer[];
  /** Seed datasets to load, as listed. */
  readonly datasets: readonly DatasetRequest[];
  /** Mocks to run, each once, as listed. */
  readonly mocks: readonly MockKind[];
  /** Where the blocks reach the mocks. */
  readonly mockEndpoints: MockEndpoints;
  /** Values of this package's own charts (mocks, seed data): the registry mirror, when there is one. */
  readonly mirrorValues: Readonly<Record<string, unknown>>;
  /** Shared blocks of the cluster the instance reaches, each once. */
  readonly uses: readonly string[];
  /** The used shared blocks, as blocks the instance reaches but does not install, with their own namespace. */
  readonly sharedBlocks: readonly (ExternalBlock & OutputSource)[];
  /** Used shared blocks that share a Secret, with its name in their namespace; SharedCredentials copies them. */
  readonly sharedSecrets: readonly { readonly name: string; readonly secret: string }[];
  /** Credential sets the instance generates: each block's declared credentials, then each database grant's. */
  readonly credentials: readonly CredentialSet[];
  /** Names of the Secrets the instance generates or copies; no brought Secret takes one of them. */
  readonly generatedSecrets: readonly string[];
  /** Secrets the instance brings, checked. */
  readonly broughtSecrets: readonly BroughtSecret[];
  /** The Pod Security level the namespace enforces, and the blocks that lower it. */
  readonly podSecurity: InstancePodSecurity;
  /** Labels Terraform writes on the namespace for grants: used shared blocks, instance group, the props' own. */
  readonly grantLabels: Readonly<Record<string, string>>;
  /** Annotations Terraform writes on the namespace for grants: an instance group member's addresses. */
  readonly grantAnnotations?: Readonly<Record<string, string>>;
  /** Non-fatal problems, one sentence each, in the order found. */
  readonly warnings: readonly string[];
}

/** Where charts take a registry mirror when their catalog entry does not say otherwise. */
const DEFAULT_MIRROR_VALUES = { 'global.imageRegistry': '{registry}' };

/**
 * Plans one instance from its props alone (no construct, no resource): validates them, resolves its blocks'
 * requirements and influences into an install order, grants each consumer a database on its provider, checks the
 * quota, and wires every block's values. Throws on bad input with the message SandboxInstance gives.
 */
export function planInstance(props: InstancePlanProps): InstancePlan {
  const catalog: BlockCatalog = props.catalog ?? mergeCatalog(BUILTIN_CATALOG);
  const name = props.instanceName;
  const namespace = props.namespace ?? name;
  const ttlHours = props.ttlHours ?? 48;
  const size = props.size ?? 'small';
  const quota: QuotaSpec = { ...SIZE_PROFILES[size], ...props.quota };
  const mocks = [...new Set(props.mocks ?? [])];
  const uses = [...new Set(props.uses ?? [])];
  const brought = props.secrets ?? [];
  const pool = props.pool;
  const domain = props.cluster.ingress.domain;
  const where = `SandboxInstance "${name}"`;
  if (pool && !brought.some((b) => b.name === pool.caSecret)) {
    throw new Error(
      `${where}: instance group "${pool.group}" takes its CA from Secret "${pool.caSecret}", ` +
        `which the instance does not bring (secrets)`,
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

  const warnings: string[] = [];
  const inputs = blockInputs(where, props, catalog);
  if (props.clusterLabels) {
    const labels = props.clusterLabels;
    const unmet = unmetClusterRequirements(inputs, labels);
    if (unmet.length)
      throw new Error(`${where}: ${unmet.map((u) => describeUnmet(u, props.cluster.clusterName, labels)).join('; ')}`);
  }
  const datasets = datasetRequests(where, props, inputs, warnings);
  const managed = props.managedDatabase;
  const grants = databaseGrants(where, inputs, namespace, managed);
  const managedGrants = [...grants].filter(([, g]) => !g.provider);
  if (managed && managedGrants.length === 0)
    warnings.push(`${where}: no block needs a ${managed.engine} database, yet the instance has a managed one`);
  const overridden = props.quota !== undefined && Object.keys(props.quota).length > 0;
  const seedJobs = datasets.length + (managedGrants.length ? 1 : 0);
  const problem = quotaProblem({ blocks: inputs, mocks, seedJobs }, quota, size, overridden);
  if (problem) throw new Error(`${where}: ${problem}`);

  const vars = { instance: name, namespace, domain };
  const sharedBlocks = usedSharedBlocks(where, uses, catalog, domain);
  // The managed server takes part in requirement matching and influences as a block that is never installed.
  const managedName = managed ? managedProviderName(managed.engine) : undefined;
  const resolved = resolveBlocks(
    name,
    managed ? [...inputs, { name: managedName!, entry: managedProviderEntry(managed), values: {} }] : inputs,
    vars,
    sharedBlocks,
  );
  warnings.push(...resolved.warnings);
  const installed = resolved.blocks
    .filter((b) => b.name !== managedName)
    .map((b) => ({ ...b, dependsOn: b.dependsOn.filter((d) => d !== managedName) }));
  const sharedSecrets = sharedBlocks.flatMap((b) => {
    const secret = sharedSecretOf(b.name, b.entry);
    return secret ? [{ name: b.name, secret }] : [];
  });
  const credentials: CredentialSet[] = [
    ...inputs
      .filter((b) => b.entry.credentials?.length)
      .map((b) => ({ name: `${b.name}-credentials`, keys: b.entry.credentials!, derived: b.entry.derivedCredentials })),
    ...[...grants.values()].map((g) => ({ name: g.secret, keys: ['password'], derived: g.keys })),
  ];
  const generatedSecrets = [
    ...credentials.map((c) => c.name),
    ...sharedSecrets.map((b) => sharedCredentialsSecret(b.name)),
  ];
  checkBroughtSecrets(where, brought, generatedSecrets, props.cluster.cloud);
  const withDatabases = withConsumerDatabases(installed, grants);
  const managedConsumers = managed
    ? managedDatabaseConsumers(where, grants, resolved.blocks.find((b) => b.name === managedName)!.values)
    : [];
  const mockEndpoints = mocks.reduce<MockEndpoints>((e, kind) => ({ ...e, ...MOCKS[kind].endpoints(namespace) }), {});
  const outputSources = new Map<string, OutputSource>([
    ...inputs.map((b) => [b.name, inInstanceOutputs(b, vars)] as const),
    ...sharedBlocks.map((b) => [b.name, b] as const),
  ]);
  const sharedCredentials = Object.fromEntries(sharedSecrets.map((b) => [b.name, sharedCredentialsSecret(b.name)]));
  const blocks = withDatabases.map((block) => {
    const grant = grants.get(block.name);
    const inputsWired = wireInputs(
      where,
      block,
      grant ? fillPlaceholders(block.values, databasePlaceholders(grant.facts)) : block.values,
      (resolved.providers.get(block.name) ?? []).flatMap((p) => outputSources.get(p) ?? []),
    );
    const wired = wireValues(block.entry, withRegistryMirror(block.entry, inputsWired.values, props.registryMirror), {
      ...mockEndpoints,
      ...props.cloudResources,
      ...grant?.facts,
      ...(pool ? poolFacts(pool) : {}),
      credentialsSecret: block.entry.credentials?.length ? `${block.name}-credentials` : undefined,
      sharedCredentials,
      ingressHost: block.entry.needs?.ingress ? blockHostname(block.name, name, domain) : undefined,
      storageClass:
        block.entry.needs?.storage === 'rwx' ? props.cluster.storage.sharedRwx : props.cluster.storage.blockRwo,
    });
    if (wired.missing.length) {
      const fix = wired.missing.every((m) => m.startsWith('sharedCredentials.'))
        ? 'list the shared block in uses'
        : 'add the matching mocks';
      warnings.push(
        `${where}: block "${block.name}" can use ${wired.missing.join(', ')}, ` +
          `which the instance does not provide (${fix})`,
      );
    }
    if (inputsWired.missing.length)
      warnings.push(
        `${where}: block "${block.name}" takes ${inputsWired.missing.join(', ')}, which no block it requires offers`,
      );
    return { ...block, releaseValues: wired.values };
  });

  return {
    where,
    name,
    namespace,
    ttlHours,
    size,
    quota,
    inputs,
    blocks,
    grants,
    managedConsumers,
    datasets,
    mocks,
    mockEndpoints,
    mirrorValues: props.registryMirror ? { global: { imageRegistry: props.registryMirror } } : {},
    uses,
    sharedBlocks,
    sharedSecrets,
    credentials,
    generatedSecrets,
    broughtSecrets: brought,
    podSecurity: instancePodSecurity(inputs),
    grantLabels: {
      ...Object.fromEntries(uses.map((b) => [usesLabel(b), 'true'])),
      ...(pool ? poolGrant(pool).labels : {}),
      ...props.grantLabels,
    },
    grantAnnotations: pool ? poolGrant(pool).annotations : undefined,
    warnings,
  };
}

/** Catalog entries with the instance's values merged over their defaults, checked against the cluster. */
function blockInputs(where: string, props: InstancePlanProps, catalog: BlockCatalog): BlockInput[] {
  const seen = new Set<string>();
  return props.blocks.map((ref, i) => {
    const entry = catalog.get(ref.name);
    if (!entry) {
      const names = [...catalog.keys()].sort().join(', ');
      throw new Error(`${where}: blocks[${i}] is "${ref.name}", which is not in the catalog (${names})`);
    }
    if (seen.has(ref.name)) throw new Error(`${where}: blocks[${i}] "${ref.name}" is listed twice`);
    seen.add(ref.name);
    if (
      ref.values !== undefined &&
      (typeof ref.values !== 'object' || ref.values === null || Array.isArray(ref.values))
    ) {
      const got = Array.isArray(ref.values) ? 'a list' : typeof ref.values;
      throw new Error(`${where}: blocks[${i}] "${ref.name}": values must be an object, got ${got}`);
    }
    if (entry.needs?.storage === 'rwx' && !props.cluster.storage.sharedRwx) {
      throw new Error(
        `${where}: block "${ref.name}" needs shared (RWX) storage, ` +
          `which cluster "${props.cluster.clusterName}" does not offer`,
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

/** The datasets the props name, each checked against the block it loads into; downloads add a warning. */
function datasetRequests(
  where: string,
  props: InstancePlanProps,
  inputs: readonly BlockInput[],
  warnings: string[],
): DatasetRequest[] {
  return (props.datasets ?? []).map((ds) => {
    const block = inputs.find((b) => b.name === ds.block);
    if (!block) throw new Error(`${where}: dataset for block "${ds.block}", which the instance does not have`);
    const dataset = block.entry.datasets?.[ds.variant];
    if (!dataset) {
      const offered = Object.keys(block.entry.datasets ?? {}).join(', ') || '(none)';
      throw new Error(`${where}: block "${ds.block}" offers datasets ${offered}, got "${ds.variant}"`);
    }
    if ('url' in dataset.source && !props.allowInternetEgress) {
      warnings.push(
        `${where}: dataset "${ds.variant}" of "${ds.block}" downloads from ${dataset.source.url}; ` +
          `the seed job needs allowInternetEgress or a mirror inside the cluster`,
      );
    }
    return { block, variant: ds.variant, dataset };
  });
}

/** Refuses a brought Secret whose secret-manager key the instance may not read, or whose name is taken. */
function checkBroughtSecrets(
  where: string,
  brought: readonly BroughtSecret[],
  generated: readonly string[],
  cloud: SandboxCluster['cloud'],
): void {
  brought.forEach((b, i) => {
    const keyProblem = 'secretManager' in b.from && broughtSecretKeyProblem(b.from.secretManager, cloud);
    if (keyProblem) throw new Error(`${where}: secrets[${i}] "${b.name}": secretManager ${keyProblem}`);
    if (generated.includes(b.name) || brought.findIndex((o) => o.name === b.name) < i) {
      throw new Error(
        `${where}: secrets[${i}] "${b.name}" is the name of another Secret of the instance; choose another name`,
      );
    }
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
