import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { NetworkPolicyV1, type NetworkPolicyV1Spec } from '@cdktf/provider-kubernetes/lib/network-policy-v1';
import { RoleV1 } from '@cdktf/provider-kubernetes/lib/role-v1';
import { SecretV1 } from '@cdktf/provider-kubernetes/lib/secret-v1';
import { Password } from '@cdktf/provider-random/lib/password';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { CatalogEntry } from '../catalog/types';
import { BuildingBlock } from '../instance/building-block';
import { INSTANCE_LABELS } from '../instance/instance-namespace';
import { BASELINE_POLICIES } from '../instance/network-policies';
import { wireValues } from '../instance/wiring';
import {
  SHARED_BLOCK_LABEL,
  SHARED_CREDENTIALS_READER,
  sharedCredentialsSource,
  sharedNamespace,
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
  /** The cluster's base domain. */
  readonly domain: string;
}

/**
 * A building block installed once per cluster in its own namespace
 * `shared-<block>`, for instances that declare `uses: [<block>]`. All traffic
 * in is denied but from its own namespace and from instance namespaces that
 * Terraform labelled `sandbox.dev/uses-<block>: "true"`; it reaches nothing
 * but itself and DNS. Generated credentials stay in Terraform state and a
 * Secret of the namespace, with a Role that may `get` that one Secret: each
 * user's stack binds it to a service account of its own namespace, through
 * which external-secrets copies the Secret there (see SharedCredentials).
 */
export class SharedBlock extends Construct {
  readonly namespace: NamespaceV1;
  readonly block: BuildingBlock;
  readonly policies: NetworkPolicyV1[] = [];
  /** Reads the credentials Secret and nothing else; bound by the users' stacks. Absent when the block has no credentials. */
  readonly credentialsReader?: RoleV1;

  constructor(scope: Construct, id: string, props: SharedBlockProps) {
    super(scope, id);
    const where = `SharedBlock "${props.name}"`;
    if (props.entry.needs?.database)
      throw new Error(
        `${where}: a shared block cannot need a database (${props.entry.needs.database}); share the database block instead`,
      );
    if (props.entry.needs?.ingress)
      throw new Error(`${where}: a shared block has no hostname; its entry asks for ingress`);
    const name = sharedNamespace(props.name);
    const level = props.entry.podSecurity?.level ?? 'restricted';
    this.namespace = new NamespaceV1(this, 'Namespace', {
      metadata: {
        name,
        labels: {
          [SHARED_BLOCK_LABEL]: props.name,
          [INSTANCE_LABELS.managedBy]: 'sandboxkit',
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
      ingress: [
        {
          from: [
            {
              namespaceSelector: {
                matchLabels: { [usesLabel(props.name)]: 'true', [INSTANCE_LABELS.managedBy]: 'sandboxkit' },
              },
            },
          ],
        },
      ],
    });

    const dependsOn: ITerraformDependable[] = [this.namespace];
    if (props.entry.credentials?.length) {
      const data = Object.fromEntries(
        props.entry.credentials.map((key) => [
          key,
          new Password(this, `Credential-${key}`, {
            length: 32,
            special: false,
            minNumeric: 4,
            minUpper: 4,
            minLower: 4,
          }).result,
        ]),
      );
      dependsOn.push(
        new SecretV1(this, 'Credentials', {
          metadata: { name: sharedCredentialsSource(props.name), namespace: ns },
          data,
        }),
      );
      this.credentialsReader = new RoleV1(this, 'CredentialsReader', {
        metadata: { name: SHARED_CREDENTIALS_READER, namespace: ns },
        rule: [
          {
            apiGroups: [''],
            resources: ['secrets'],
            resourceNames: [sharedCredentialsSource(props.name)],
            verbs: ['get'],
          },
        ],
      });
    }
    const wired = wireValues(props.entry, props.values, {
      credentialsSecret: props.entry.credentials?.length ? sharedCredentialsSource(props.name) : undefined,
      storageClass: props.storageClass,
    });
    this.block = new BuildingBlock(this, 'Block', {
      instanceName: name,
      namespace: name,
      name: props.name,
      entry: props.entry,
      values: wired.values,
      domain: props.domain,
      dependsOn,
    });
  }
}
