import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { NetworkPolicyV1, type NetworkPolicyV1Spec } from '@cdktf/provider-kubernetes/lib/network-policy-v1';
import { RoleV1 } from '@cdktf/provider-kubernetes/lib/role-v1';
import { SecretV1 } from '@cdktf/provider-kubernetes/lib/secret-v1';
import { Password } from '@cdktf/provider-random/lib/password';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { CatalogEntry } from '../catalog/types';
import type { IngressFacts } from '../cluster';
import { BlockApiAccess } from '../instance/api-access';
import { blockHostname } from '../instance/block-ingress';
import { BuildingBlock } from '../instance/building-block';
import { INSTANCE_LABELS } from '../instance/instance-namespace';
import { InstanceListener } from '../instance/instance-listener';
import { BASELINE_POLICIES } from '../instance/network-policies';
import { wireValues } from '../instance/wiring';
import { SHARED_HOSTNAME_LABEL, type SharedDatabaseGrant } from './shared-plan';
import {
  SHARED_BLOCK_LABEL,
  SHARED_CREDENTIALS_READER,
  sharedCredentialsSource,
  sharedNamespace,
  sharedSecretOf,
  usesLabel,
} from './shared-names';

export interface SharedBlockProps {
  /** Catalog entry name; also the release name. */
  readonly name: string;
  readonly entry: CatalogEntry;
  /** Catalog defaults with the cluster's values merged over them. */
  readonly values: Readonly<Record<string, unknown>>;
  /** Storage class for the block's volumes. */
  readonly storageClass?: string;
  /** The cluster's ingress: a block that serves a hostname gets `<block>.shared.<domain>` on its Gateway. */
  readonly ingress: IngressFacts;
  /** The block's own database on the shared block of its engine. @default - none */
  readonly database?: SharedDatabaseGrant & {
    /** The providing shared block's namespace, where the provider's operator reads the password. */
    readonly providerNamespace: NamespaceV1;
  };
  /** Releases of the shared blocks this one requires. @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/** The peers that may reach a shared block's pods: its own namespace, and instance namespaces that use it. */
export const sharedBlockPeers = (block: string) => [
  { podSelector: {} },
  { namespaceSelector: { matchLabels: { [usesLabel(block)]: 'true', [INSTANCE_LABELS.managedBy]: 'sandboxkit' } } },
];

/**
 * A building block installed once per cluster in its own namespace
 * `shared-<block>`, for instances that declare `uses: [<block>]`. All traffic
 * in is denied but from its own namespace and from instance namespaces that
 * Terraform labelled `sandbox.dev/uses-<block>: "true"`; it reaches nothing
 * but itself, DNS and the shared block that holds its database. Generated credentials stay in Terraform state and a
 * Secret of the namespace, with a Role that may `get` the block's shared Secret: each
 * user's stack binds it to a service account of its own namespace, through
 * which external-secrets copies the Secret there (see SharedCredentials). A block that serves a hostname gets
 * `<block>.shared.<domain>`: its namespace then carries the instance label `shared` and the protected label, so that
 * the Gateway admits its listener, the tenant policies keep its names under `*.shared.<domain>` and the reaper never
 * deletes it.
 */
export class SharedBlock extends Construct {
  readonly namespace: NamespaceV1;
  readonly block: BuildingBlock;
  readonly policies: NetworkPolicyV1[] = [];
  /** Reads the shared Secret and nothing else; bound by the users' stacks. Absent when the block shares none. */
  readonly credentialsReader?: RoleV1;
  /** The HTTPS listener of a block that serves a hostname. */
  readonly listener?: InstanceListener;

  constructor(scope: Construct, id: string, props: SharedBlockProps) {
    super(scope, id);
    const name = sharedNamespace(props.name);
    const level = props.entry.podSecurity?.level ?? 'restricted';
    const route = props.entry.needs?.ingress;
    const database = props.database;
    this.namespace = new NamespaceV1(this, 'Namespace', {
      metadata: {
        name,
        labels: {
          [SHARED_BLOCK_LABEL]: props.name,
          [INSTANCE_LABELS.managedBy]: 'sandboxkit',
          ...(route ? { [INSTANCE_LABELS.instance]: SHARED_HOSTNAME_LABEL, [INSTANCE_LABELS.protected]: 'true' } : {}),
          // The providing shared block admits the namespaces of its users, this one among them.
          ...(database ? { [usesLabel(database.provider)]: 'true' } : {}),
          'pod-security.kubernetes.io/enforce': level,
          'pod-security.kubernetes.io/warn': 'restricted',
        },
      },
    });
    const ns = this.namespace.metadata.name;
    const add = (policy: string, spec: NetworkPolicyV1Spec) =>
      this.policies.push(new NetworkPolicyV1(this, policy, { metadata: { name: policy, namespace: ns }, spec }));
    for (const [policy, spec] of Object.entries(BASELINE_POLICIES)) add(policy, spec);
    add('allow-declared-users', {
      podSelector: {},
      policyTypes: ['Ingress'],
      ingress: [{ from: sharedBlockPeers(props.name).slice(1) }],
    });
    if (database)
      add('allow-egress-to-database', {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [
          {
            to: [
              {
                namespaceSelector: {
                  matchLabels: { 'kubernetes.io/metadata.name': sharedNamespace(database.provider) },
                },
              },
            ],
            ports: [{ port: String(database.port), protocol: 'TCP' }],
          },
        ],
      });
    if (route)
      add('allow-ingress-controller', {
        podSelector: {},
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: [
              {
                namespaceSelector: {
                  matchLabels: { 'kubernetes.io/metadata.name': props.ingress.controllerNamespace },
                },
              },
            ],
          },
        ],
      });
    this.policies.push(...new BlockApiAccess(this, 'ApiAccess', { namespace: ns, blocks: [props] }).policies);

    const dependsOn: ITerraformDependable[] = [this.namespace, ...this.policies, ...(props.dependsOn ?? [])];
    if (props.entry.credentials?.length) {
      const data = Object.fromEntries(props.entry.credentials.map((key) => [key, password(this, `Credential-${key}`)]));
      dependsOn.push(
        new SecretV1(this, 'Credentials', {
          metadata: { name: sharedCredentialsSource(props.name), namespace: ns },
          data,
        }),
      );
    }
    const shared = sharedSecretOf(props.name, props.entry);
    if (shared) {
      this.credentialsReader = new RoleV1(this, 'CredentialsReader', {
        metadata: { name: SHARED_CREDENTIALS_READER, namespace: ns },
        rule: [{ apiGroups: [''], resources: ['secrets'], resourceNames: [shared], verbs: ['get'] }],
      });
    }
    if (database) dependsOn.push(...this.databaseSecrets(props.name, ns, database));
    if (route)
      this.listener = new InstanceListener(this, 'Listener', {
        instanceName: SHARED_HOSTNAME_LABEL,
        namespace: ns,
        ingress: props.ingress,
        hostname: blockHostname(props.name, SHARED_HOSTNAME_LABEL, props.ingress.domain),
        dependsOn: [this.namespace],
      });
    const wired = wireValues(props.entry, props.values, {
      credentialsSecret: props.entry.credentials?.length ? sharedCredentialsSource(props.name) : undefined,
      storageClass: props.storageClass,
      ingressHost: route ? blockHostname(props.name, SHARED_HOSTNAME_LABEL, props.ingress.domain) : undefined,
      networkPolicyPeers: sharedBlockPeers(props.name),
      ...(database
        ? {
            databaseSecret: database.secret,
            databaseHost: database.host,
            databasePort: String(database.port),
            databaseName: props.name,
            databaseUser: props.name,
          }
        : {}),
    });
    this.block = new BuildingBlock(this, 'Block', {
      instanceName: SHARED_HOSTNAME_LABEL,
      namespace: name,
      name: props.name,
      entry: props.entry,
      values: wired.values,
      domain: props.ingress.domain,
      routeDependsOn: this.listener ? [this.listener.listenerSet, this.listener.certificate] : [],
      dependsOn,
    });
  }

  /**
   * The block's database credential, `<block>-database`, in its own namespace (for its pods) and in the provider's
   * (where the provider's operator sets the user's password from it), with one generated password.
   */
  private databaseSecrets(
    block: string,
    namespace: string,
    database: NonNullable<SharedBlockProps['database']>,
  ): SecretV1[] {
    const secret = password(this, 'DatabasePassword');
    const data = {
      username: block,
      password: secret,
      database: block,
      host: database.host,
      port: String(database.port),
      uri: database.uri.replace('{password}', secret),
    };
    return [
      new SecretV1(this, 'DatabaseSecret', { metadata: { name: database.secret, namespace }, data }),
      new SecretV1(this, 'DatabaseSecretAtProvider', {
        metadata: { name: database.secret, namespace: database.providerNamespace.metadata.name },
        data,
      }),
    ];
  }
}

/** A generated credential: random, in Terraform state only. */
function password(scope: Construct, id: string): string {
  return new Password(scope, id, { length: 32, special: false, minNumeric: 4, minUpper: 4, minLower: 4 }).result;
}
