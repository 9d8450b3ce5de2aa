import { Annotations, type ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { BuiltinBlockName } from '../catalog/builtin';
import type { SandboxCluster } from '../cluster';
import { DATABASE_OPERATOR_PODS } from '../platform/database-operator';
import { SharedBlockAccess } from '../shared/shared-block-access';
import { SharedCredentials } from '../shared/shared-credentials';
import { BlockApiAccess } from './api-access';
import { BuildingBlock } from './building-block';
import { isCloudNativePgCluster } from './database-backup';
import { DeployerAccess, type DeployerIdentity } from './deployer-access';
import { FileSecrets } from './file-secrets';
import { InstanceListener } from './instance-listener';
import { InstanceNamespace } from './instance-namespace';
import { planInstance, type InstancePlan } from './instance-plan';
import type { SandboxInstanceProps } from './instance-props';
import { InstanceSecrets } from './instance-secrets';
import { ManagedDatabaseUsers } from './managed-database';
import { Mock, mockSelector, type MockKind } from './mocks';
import { InstanceNetworkPolicies } from './network-policies';
import { OwnerAccess } from './owner-access';
import { PoolMember } from './pool-member';
import { ResourceGuardrails } from './resource-guardrails';
import { SeedData } from './seed-data';

/**
 * One sandbox instance: an isolated namespace with guardrails, its building
 * blocks in dependency order wired to its mocks, databases, credentials and
 * hostnames, and its seed data. What it installs and with which values comes
 * from `planInstance`; the construct adds the resources, the references
 * between them and the order Terraform creates them in, which exist only here.
 */
export class SandboxInstance<N extends string = BuiltinBlockName> extends Construct {
  /** The cluster the instance runs on, as given. */
  readonly cluster: SandboxCluster;
  /** Everything decided before a resource exists: blocks in order with their values, grants, quota, warnings. */
  readonly plan: InstancePlan;
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

  constructor(scope: Construct, id: string, props: SandboxInstanceProps<N>) {
    super(scope, id);
    this.cluster = props.cluster;
    const plan = planInstance(props);
    this.plan = plan;
    for (const warning of plan.warnings) Annotations.of(this).addWarning(warning);
    this.order = plan.blocks.map((b) => b.name);
    const { name, namespace } = plan;
    const pool = props.pool;
    const reasons = plan.podSecurity.loweredBy.map((b) => `${b.block}: ${b.reason}`);

    this.namespace = new InstanceNamespace(this, 'Namespace', {
      instanceName: name,
      clusterName: props.cluster.clusterName,
      namespace,
      owner: props.owner,
      ttlHours: plan.ttlHours,
      protected: props.protected,
      podSecurity: plan.podSecurity.level,
      podSecurityReason: reasons.length ? reasons.join('; ') : undefined,
      workingHours: props.workingHours,
      idleHours: props.idleHours,
      grantLabels: plan.grantLabels,
      grantAnnotations: plan.grantAnnotations,
    });
    const ns = this.namespace.name;
    if (plan.uses.length) new SharedBlockAccess(this, 'SharedBlocks', { namespace: ns, blocks: plan.uses });
    const guardrails = new ResourceGuardrails(this, 'Guardrails', {
      namespace: ns,
      quota: plan.quota,
      loadBalancers: pool ? pool.nodes.length : undefined,
    });
    const policies = new InstanceNetworkPolicies(this, 'NetworkPolicies', {
      namespace: ns,
      ingressControllerNamespace: props.cluster.ingress.controllerNamespace,
      mockSelectors: plan.mocks.map(mockSelector),
      allowInternetEgress: props.allowInternetEgress,
      databaseOperator: plan.inputs.some((b) => isCloudNativePgCluster(b.entry)) ? DATABASE_OPERATOR_PODS : undefined,
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

    if (plan.inputs.some((b) => b.entry.needs?.ingress)) {
      this.listener = new InstanceListener(this, 'Listener', {
        instanceName: name,
        namespace: ns,
        ingress: props.cluster.ingress,
        validityHours: props.protected ? undefined : plan.ttlHours,
        dependsOn: nsReady,
      });
    }
    const routeReady = this.listener ? [this.listener.listenerSet, this.listener.certificate] : [];

    const mirror = plan.mirrorValues;
    for (const kind of plan.mocks) {
      this.mocks.set(kind, new Mock(this, `Mock-${kind}`, { kind, namespace, values: mirror, dependsOn: nsReady }));
    }

    const brought = plan.broughtSecrets;
    const secrets = new InstanceSecrets(this, 'Secrets', {
      instanceName: name,
      namespace,
      backend: props.cluster.secretBackend,
      credentials: plan.credentials,
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
      blocks: plan.sharedSecrets,
      dependsOn: nsReady,
    });
    const apiAccess = new BlockApiAccess(this, 'ApiAccess', { namespace: ns, blocks: plan.inputs }).policies;
    const managedReady = props.managedDatabase
      ? new ManagedDatabaseUsers(this, 'ManagedDatabase', {
          namespace,
          database: props.managedDatabase,
          consumers: plan.managedConsumers,
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
    for (const block of plan.blocks) {
      const grant = plan.grants.get(block.name);
      const built = new BuildingBlock(this, `Block-${block.name}`, {
        instanceName: name,
        namespace,
        name: block.name,
        entry: block.entry,
        values: block.releaseValues,
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
      const own = plan.datasets.filter((d) => d.block.name === block.name);
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
}
