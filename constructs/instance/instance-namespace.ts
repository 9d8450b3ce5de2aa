import { NamespaceV1 } from '@cdktf/provider-kubernetes/lib/namespace-v1';
import { Offset } from '@cdktf/provider-time/lib/offset';
import { StaticResource } from '@cdktf/provider-time/lib/static-resource';
import { Construct } from 'constructs';
import type { PodSecurityLevel } from '../catalog/types';
import { assertDnsLabel } from '../names';

/** Labels and annotations of instance namespaces; the reaper and the lifecycle command read them. */
export const INSTANCE_LABELS = {
  instance: 'sandbox.dev/instance',
  cluster: 'sandbox.dev/cluster',
  owner: 'sandbox.dev/owner',
  managedBy: 'app.kubernetes.io/managed-by',
  /** "true" on instances that never expire; the reaper skips their expiry. */
  protected: 'sandbox.dev/protected',
} as const;
export const INSTANCE_ANNOTATIONS = {
  owner: 'sandbox.dev/owner',
  ttlHours: 'sandbox.dev/ttl-hours',
  expiresAt: 'sandbox.dev/expires-at',
  workingHours: 'sandbox.dev/working-hours',
  /** Hours without apply or request after which the reaper deletes the instance, or "never"; only Terraform sets it. */
  idleHours: 'sandbox.dev/idle-hours',
  /** When the CLI last applied the instance (RFC 3339); set with kubectl after each apply, never synthesized. */
  lastAppliedAt: 'sandbox.dev/last-applied-at',
  /** When `instance stop` scaled the instance to zero; working hours leave it asleep. Set with kubectl, never synthesized. */
  stopped: 'sandbox.dev/stopped',
  podSecurityReason: 'sandbox.dev/pod-security-reason',
} as const;

export interface InstanceNamespaceProps {
  readonly instanceName: string;
  readonly clusterName: string;
  readonly namespace: string;
  readonly owner: string;
  /** Hours until expiry; ignored when `protected`. */
  readonly ttlHours: number;
  /** The namespace never expires: labelled protected, no expiry annotation. @default false */
  readonly protected?: boolean;
  /** Pod Security level enforced on the namespace. */
  readonly podSecurity: PodSecurityLevel;
  /** Why the level is below restricted; required then. */
  readonly podSecurityReason?: string;
  /** e.g. "Mon-Fri 07:00-19:00 Europe/Berlin"; the reaper scales to zero outside it. @default - always on */
  readonly workingHours?: string;
  /** Overrides the cluster's idle hours for the reaper; "never" opts out. @default - the cluster's */
  readonly idleHours?: number | 'never';
  /** Further labels that grant something (shared block use, exposure); only Terraform sets them. @default {} */
  readonly grantLabels?: Readonly<Record<string, string>>;
  /** Further annotations that grant something, such as a published hostname; only Terraform sets them. @default {} */
  readonly grantAnnotations?: Readonly<Record<string, string>>;
}

/** Label values allow letters, digits, "-", "_" and "." only, at most 63 characters. */
export function labelValue(text: string): string {
  return (
    text
      .replace(/[^A-Za-z0-9_.-]/g, '_')
      .slice(0, 63)
      .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, '') || 'unknown'
  );
}

/**
 * The instance's namespace: labelled with instance, cluster, owner and
 * manager, Pod Security admission enforced, and an expiry computed at apply
 * time. The expiry stays put on re-apply and moves when the TTL changes.
 */
export class InstanceNamespace extends Construct {
  readonly namespace: NamespaceV1;
  /** The namespace name as a reference, so that objects in it wait for it. */
  readonly name: string;
  /** When the instance expires; none on a protected instance. */
  readonly expiry?: Offset;
  /** RFC 3339 time the namespace was first applied. */
  readonly createdAt: string;

  constructor(scope: Construct, id: string, props: InstanceNamespaceProps) {
    super(scope, id);
    assertDnsLabel(`InstanceNamespace "${id}": namespace`, props.namespace);
    if (props.podSecurity !== 'restricted' && !props.podSecurityReason) {
      throw new Error(
        `InstanceNamespace "${id}": podSecurityReason is required when podSecurity is "${props.podSecurity}"`,
      );
    }
    if (props.protected) {
      this.createdAt = new StaticResource(this, 'Created', {}).rfc3339;
    } else {
      this.expiry = new Offset(this, 'Expiry', {
        offsetHours: props.ttlHours,
        triggers: { ttlHours: String(props.ttlHours) },
      });
      this.createdAt = this.expiry.baseRfc3339;
    }
    this.namespace = new NamespaceV1(this, 'Namespace', {
      metadata: {
        name: props.namespace,
        labels: {
          [INSTANCE_LABELS.instance]: props.instanceName,
          [INSTANCE_LABELS.cluster]: props.clusterName,
          [INSTANCE_LABELS.owner]: labelValue(props.owner),
          [INSTANCE_LABELS.managedBy]: 'sandboxkit',
          ...(props.protected ? { [INSTANCE_LABELS.protected]: 'true' } : {}),
          ...props.grantLabels,
          'pod-security.kubernetes.io/enforce': props.podSecurity,
          'pod-security.kubernetes.io/enforce-version': 'latest',
          'pod-security.kubernetes.io/warn': 'restricted',
          'pod-security.kubernetes.io/audit': 'restricted',
        },
        annotations: {
          [INSTANCE_ANNOTATIONS.owner]: props.owner,
          ...(this.expiry
            ? {
                [INSTANCE_ANNOTATIONS.ttlHours]: String(props.ttlHours),
                [INSTANCE_ANNOTATIONS.expiresAt]: this.expiry.rfc3339,
              }
            : {}),
          ...(props.workingHours ? { [INSTANCE_ANNOTATIONS.workingHours]: props.workingHours } : {}),
          ...(props.idleHours !== undefined ? { [INSTANCE_ANNOTATIONS.idleHours]: String(props.idleHours) } : {}),
          ...(props.podSecurityReason ? { [INSTANCE_ANNOTATIONS.podSecurityReason]: props.podSecurityReason } : {}),
          ...props.grantAnnotations,
        },
      },
      // The lifecycle command stamps these with kubectl; they are the cluster's record of what it did, not drift.
      lifecycle: {
        ignoreChanges: [INSTANCE_ANNOTATIONS.lastAppliedAt, INSTANCE_ANNOTATIONS.stopped].map(
          (key) => `metadata[0].annotations["${key}"]`,
        ),
      },
    });
    this.name = this.namespace.metadata.name;
  }
}
