import { Manifest } from '@cdktf/provider-kubernetes/lib/manifest';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { PLATFORM_DEFAULTS } from '../cluster';
import { ChartSource, SandboxHelmRelease } from '../helm-release';
import { PlatformNamespace } from './platform-namespace';

export const CERT_MANAGER_CHART = { repository: 'https://charts.jetstack.io', name: 'cert-manager', version: 'v1.17.1' } as const;
const NAMESPACE = 'cert-manager';

export interface CertificatesProps {
  readonly clusterName: string;
  /** Issue from Let's Encrypt (or another ACME server) instead of the sandbox CA. @default - self-signed sandbox CA */
  readonly acme?: { readonly email: string; readonly server?: string };
  /** @default - images from their own registries */
  readonly registryMirror?: string;
}

/**
 * cert-manager and the one ClusterIssuer instances use: a sandbox CA of its
 * own by default (no outside dependency), ACME when asked.
 */
export class Certificates extends Construct {
  readonly release: SandboxHelmRelease;

  constructor(scope: Construct, id: string, props: CertificatesProps) {
    super(scope, id);
    const ns = new PlatformNamespace(this, 'Namespace', { name: NAMESPACE });
    this.release = new SandboxHelmRelease(this, 'Release', {
      name: 'cert-manager',
      namespace: NAMESPACE,
      chart: ChartSource.repository(CERT_MANAGER_CHART.repository, CERT_MANAGER_CHART.name),
      version: CERT_MANAGER_CHART.version,
      values: { crds: { enabled: true }, ...(props.registryMirror ? { imageRegistry: props.registryMirror } : {}) },
      dependsOn: [ns.namespace],
    });
    const issuer = (name: string, spec: Record<string, unknown>, dependsOn: ITerraformDependable[] = [this.release.release]) =>
      new Manifest(this, name, { manifest: { apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata: { name }, spec }, dependsOn });

    if (props.acme) {
      issuer(PLATFORM_DEFAULTS.clusterIssuerName, {
        acme: {
          email: props.acme.email,
          server: props.acme.server ?? 'https://acme-v02.api.letsencrypt.org/directory',
          privateKeySecretRef: { name: 'sandbox-acme-account' },
          solvers: [{ http01: { ingress: { ingressClassName: PLATFORM_DEFAULTS.ingressClassName } } }],
        },
      });
      return;
    }
    const selfSigned = issuer('sandbox-selfsigned', { selfSigned: {} });
    const ca = new Manifest(this, 'CaCertificate', {
      manifest: {
        apiVersion: 'cert-manager.io/v1',
        kind: 'Certificate',
        metadata: { name: 'sandbox-ca', namespace: NAMESPACE },
        spec: {
          isCA: true,
          commonName: `sandboxkit ${props.clusterName} CA`,
          secretName: 'sandbox-ca',
          duration: '8760h',
          privateKey: { algorithm: 'ECDSA', size: 256 },
          issuerRef: { name: 'sandbox-selfsigned', kind: 'ClusterIssuer', group: 'cert-manager.io' },
        },
      },
      dependsOn: [selfSigned],
    });
    issuer(PLATFORM_DEFAULTS.clusterIssuerName, { ca: { secretName: 'sandbox-ca' } }, [this.release.release, ca]);
  }
}
