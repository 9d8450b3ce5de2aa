import { Annotations, type ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { CatalogEntry, PodSecurityLevel } from '../catalog/types';
import type { SandboxCluster } from '../cluster';
import { HELM_RELEASE_NAME_MAX, assertDnsLabel } from '../names';
import { blockHostname } from './block-ingress';
import { BuildingBlock } from './building-block';
import { InstanceNamespace } from './instance-namespace';
import { InstanceListener } from './instance-listener';
import { InstanceSecrets } from './instance-secrets';
import { Mock, mockSelector, type MockEndpoints, type MockKind } from './mocks';
import { InstanceNetworkPolicies } from './network-policies';
import { OwnerAccess } from './owner-access';
import { bytes, cpuMillis } from './quantity';
import { resolveBlocks, type BlockInput } from './resolver';
import { ResourceGuardrails } from './resource-guardrails';
import { SeedData } from './seed-data';
import { SIZE_PROFILES, type QuotaSpec, type SizeProfileName } from './size-profile';
import { fillPlaceholders, mergeValues } from './values';
import { wireValues } from './wiring';

export interface BlockRef {
  /** Catalog entry name; also the release name. */
  readonly name: string;
  /** Merged over the entry's defaults. @default {} */
  readonly values?: Readonly<Record<string, unknown>>;
}

export interface SandboxInstanceProps {
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
  /** 1 to 720. @default 48 */
  readonly ttlHours?: number;
  /** @default 'small' */
  readonly size?: SizeProfileName;
  /** Overrides of the size profile's quota. @default {} */
  readonly quota?: Partial<QuotaSpec>;
  readonly blocks: readonly BlockRef[];
  /** Where blocks come from, by name. */
  readonly catalog: ReadonlyMap<string, CatalogEntry>;
  /** @default [] */
  readonly mocks?: readonly MockKind[];
  /** @default [] */
  readonly datasets?: readonly { readonly block: string; readonly variant: string }[];
  /** @default false */
  readonly allowInternetEgress?: boolean;
  /** @default - always on */
  readonly workingHours?: string;
  /** Registry that mirrors every image; written to `global.imageRegistry` of each release. @default - none */
  readonly registryMirror?: string;
}

const LEVEL_ORDER: readonly PodSecurityLevel[] = ['restricted', 'baseline', 'privileged'];
/** What a mock asks of the quota, per replica. */
const MOCK_REQUEST = { cpu: 50, memoryBytes: 64 * 1024 ** 2 };

/**
 * One sandbox instance: an isolated namespace with guardrails, its building
 * blocks in dependency order wired to its mocks, databases, credentials and
 * hostnames, and its seed data.
 */
export class SandboxInstance extends Construct {
  readonly namespace: InstanceNamespace;
  readonly blocks = new Map<string, BuildingBlock>();
  readonly mocks = new Map<MockKind, Mock>();
  /** The instance's HTTPS listener on the shared Gateway, when a block serves HTTP. */
  readonly listener?: InstanceListener;
  /** Install order of the blocks. */
  readonly order: readonly string[];

  constructor(scope: Construct, id: string, props: SandboxInstanceProps) {
    super(scope, id);
    const name = props.instanceName;
    const namespace = props.namespace ?? name;
    const ttlHours = props.ttlHours ?? 48;
    const size = props.size ?? 'small';
    const quota: QuotaSpec = { ...SIZE_PROFILES[size], ...props.quota };
    const mockKinds = [...new Set(props.mocks ?? [])];
    const where = `SandboxInstance "${name}"`;

    assertDnsLabel(`${where}: instanceName`, name, HELM_RELEASE_NAME_MAX);
    assertDnsLabel(`${where}: namespace`, namespace);
    if (!Number.isInteger(ttlHours) || ttlHours < 1 || ttlHours > 720) {
      throw new Error(`${where}: ttlHours must be a whole number from 1 to 720, got ${ttlHours}`);
    }
    if (!SIZE_PROFILES[size]) throw new Error(`${where}: size must be one of ${Object.keys(SIZE_PROFILES).join(', ')}, got "${size}"`);
    const inputs = this.blockInputs(where, props);
    this.checkQuota(where, inputs, mockKinds.length, quota, size);

    const vars = { instance: name, namespace, domain: props.cluster.ingress.domain };
    const resolution = resolveBlocks(name, inputs, vars);
    resolution.warnings.forEach((w) => Annotations.of(this).addWarning(w));
    this.order = resolution.blocks.map((b) => b.name);

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
      podSecurity: level,
      podSecurityReason: reasons.length ? reasons.join('; ') : undefined,
      workingHours: props.workingHours,
    });
    const ns = this.namespace.name;
    const nsReady: ITerraformDependable[] = [this.namespace.namespace];
    new ResourceGuardrails(this, 'Guardrails', { namespace: ns, quota });
    new InstanceNetworkPolicies(this, 'NetworkPolicies', {
      namespace: ns,
      ingressControllerNamespace: props.cluster.ingress.controllerNamespace,
      mockSelectors: mockKinds.map(mockSelector),
      allowInternetEgress: props.allowInternetEgress,
    });
    new OwnerAccess(this, 'OwnerAccess', { namespace: ns, user: props.owner, group: props.ownerGroup });

    if (inputs.some((b) => b.entry.needs?.ingress)) {
      this.listener = new InstanceListener(this, 'Listener', { instanceName: name, namespace: ns, ingress: props.cluster.ingress, dependsOn: nsReady });
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
      credentials: inputs.filter((b) => b.entry.credentials?.length).map((b) => ({ name: `${b.name}-credentials`, keys: b.entry.credentials! })),
      dependsOn: nsReady,
      expiresAt: this.namespace.expiry.rfc3339,
    });

    for (const block of resolution.blocks) {
      const database = this.databaseFor(block.entry, inputs, namespace);
      const wired = wireValues(block.entry, mergeValues(block.values, mirror), {
        ...endpoints,
        ...database,
        credentialsSecret: block.entry.credentials?.length ? `${block.name}-credentials` : undefined,
        ingressHost: block.entry.needs?.ingress ? blockHostname(block.name, name, props.cluster.ingress.domain) : undefined,
        storageClass: block.entry.needs?.storage === 'rwx' ? props.cluster.storage.sharedRwx : props.cluster.storage.blockRwo,
      });
      if (wired.missing.length) {
        Annotations.of(this).addWarning(
          `${where}: block "${block.name}" can use ${wired.missing.join(', ')}, which the instance does not provide (add the matching mocks)`,
        );
      }
      this.blocks.set(
        block.name,
        new BuildingBlock(this, `Block-${block.name}`, {
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
            ...[...this.mocks.values()].map((m) => m.release.release),
            ...block.dependsOn.map((dep) => this.blocks.get(dep)!.release.release),
          ],
        }),
      );
    }

    for (const ds of props.datasets ?? []) {
      const block = inputs.find((b) => b.name === ds.block);
      const dataset = block?.entry.datasets?.[ds.variant];
      if (!block) throw new Error(`${where}: dataset for block "${ds.block}", which the instance does not have`);
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
      new SeedData(this, `Seed-${ds.block}-${ds.variant}`, {
        instanceName: name,
        namespace,
        blockName: ds.block,
        entry: block.entry,
        variant: ds.variant,
        dataset,
        dependsOn: [this.blocks.get(ds.block)!.release.release],
      });
    }
  }

  /** Catalog entries with the instance's values merged over their defaults, checked against the cluster. */
  private blockInputs(where: string, props: SandboxInstanceProps): BlockInput[] {
    const seen = new Set<string>();
    return props.blocks.map((ref, i) => {
      const entry = props.catalog.get(ref.name);
      if (!entry) {
        throw new Error(`${where}: blocks[${i}] is "${ref.name}", which is not in the catalog (${[...props.catalog.keys()].sort().join(', ')})`);
      }
      if (seen.has(ref.name)) throw new Error(`${where}: blocks[${i}] "${ref.name}" is listed twice`);
      seen.add(ref.name);
      if (ref.values !== undefined && (typeof ref.values !== 'object' || ref.values === null || Array.isArray(ref.values))) {
        throw new Error(`${where}: blocks[${i}] "${ref.name}": values must be an object, got ${Array.isArray(ref.values) ? 'a list' : typeof ref.values}`);
      }
      if (entry.needs?.storage === 'rwx' && !props.cluster.storage.sharedRwx) {
        throw new Error(`${where}: block "${ref.name}" needs shared (RWX) storage, which cluster "${props.cluster.clusterName}" does not offer`);
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

  private checkQuota(where: string, inputs: readonly BlockInput[], mockCount: number, quota: QuotaSpec, size: string): void {
    const cpu = inputs.reduce((sum, b) => sum + cpuMillis(b.entry.resources.cpu, `block "${b.name}" resources.cpu`), mockCount * MOCK_REQUEST.cpu);
    const memory = inputs.reduce((sum, b) => sum + bytes(b.entry.resources.memory, `block "${b.name}" resources.memory`), mockCount * MOCK_REQUEST.memoryBytes);
    const cpuLimit = cpuMillis(quota.cpu, `${where}: quota.cpu`);
    const memoryLimit = bytes(quota.memory, `${where}: quota.memory`);
    if (cpu > cpuLimit || memory > memoryLimit) {
      throw new Error(
        `${where}: blocks and mocks request ${cpu / 1000} CPU and ${(memory / 1024 ** 3).toFixed(2)}Gi memory, more than size "${size}" allows (${quota.cpu} CPU, ${quota.memory}); choose a larger size or set quota`,
      );
    }
  }

  /** Host and credentials of the block that provides the database `entry` needs. */
  private databaseFor(entry: CatalogEntry, inputs: readonly BlockInput[], namespace: string) {
    const engine = entry.needs?.database;
    if (!engine) return {};
    const provider = inputs.find((b) => b.entry.labels[`provides-${engine}`] !== undefined);
    if (!provider) return {};
    return {
      databaseHost: `${provider.name}.${namespace}.svc.cluster.local`,
      databaseSecret: `${provider.name}-credentials`,
    };
  }
}

