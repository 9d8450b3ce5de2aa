import { Token, type ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { ChartSource, SandboxHelmRelease } from '../helm-release';
import { PLATFORM_DEFAULTS } from '../cluster';
import { SANDBOX_PLATFORM_NAMESPACE } from './instance-reaper';
import { PlatformNamespace } from './platform-namespace';

export const TENANT_POLICIES_CHART_VERSION = '0.3.1';

export interface TenantPoliciesProps {
  /** Base domain of instance hostnames: instance `i` owns `*.i.<domain>` and no other name. */
  readonly domain: string;
  /** Namespace of the release record and its test; it must exist. @default 'sandbox-platform' */
  readonly namespace?: string;
  /** Pod label keys that move pods where NetworkPolicy is not enforced (Fargate selectors). @default ['sandbox.dev/compute'] */
  readonly computeLabels?: readonly string[];
  /** @default - images from their own registries */
  readonly registryMirror?: string;
  /**
   * Honour the TCP exposure Terraform grants instance group members (one LoadBalancer Service on the granted port);
   * without it, no Service of an instance namespace may be a LoadBalancer. @default false
   */
  readonly allowTcpExposure?: boolean;
  /** What must exist first, e.g. the namespace. @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

const DOMAIN = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?\.)*[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * ValidatingAdmissionPolicies for every instance namespace, evaluated by the API server itself: they deny what an
 * owner's RBAC cannot express. Also the deployer ClusterRole instances bind their Helm identity to, and the namespace
 * those identities live in. Services stay inside the namespace (ClusterIP, no externalIPs), Endpoints and
 * EndpointSlices are the controllers' alone, routes, listeners, Ingresses and cluster-issued certificates name only
 * hostnames under `*.<instance>.<domain>`, and pods run where NetworkPolicy is enforced (no Fargate label, the
 * default scheduler, no node pinned by name).
 */
export class TenantPolicies extends Construct {
  readonly release: SandboxHelmRelease;
  /** Where each instance's deployer service account lives (see DeployerAccess); no workload runs there. */
  readonly deployerNamespace: PlatformNamespace;

  constructor(scope: Construct, id: string, props: TenantPoliciesProps) {
    super(scope, id);
    const where = `TenantPolicies "${id}"`;
    if (!Token.isUnresolved(props.domain) && !DOMAIN.test(props.domain))
      throw new Error(`${where}: domain must be a lower-case DNS domain, got "${props.domain}"`);
    this.deployerNamespace = new PlatformNamespace(this, 'DeployerNamespace', {
      name: PLATFORM_DEFAULTS.deployerNamespace,
    });
    this.release = new SandboxHelmRelease(this, 'Release', {
      name: 'tenant-policies',
      namespace: props.namespace ?? SANDBOX_PLATFORM_NAMESPACE,
      chart: ChartSource.packaged('tenant-policies'),
      version: TENANT_POLICIES_CHART_VERSION,
      values: {
        ingressDomain: props.domain,
        ...(props.computeLabels ? { computeLabels: [...props.computeLabels] } : {}),
        ...(props.registryMirror ? { global: { imageRegistry: props.registryMirror } } : {}),
        ...(props.allowTcpExposure ? { poolGrant: { enabled: true } } : {}),
      },
      dependsOn: props.dependsOn,
    });
  }
}
