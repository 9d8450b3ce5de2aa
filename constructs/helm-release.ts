import { existsSync } from 'fs';
import { basename, join } from 'path';
import { Release } from '@cdktf/provider-helm/lib/release';
import { AssetType, TerraformAsset, TerraformStack, type ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { ChartMirror } from './chart-mirror';
import { ChartPackages } from './chart-package';
import { HELM_RELEASE_NAME_MAX, assertDnsLabel } from './names';
import { PACKAGE_CHARTS_DIR } from './package-charts';

/** Release revisions kept, as `helm upgrade --history-max` defaults to. */
export const HELM_MAX_HISTORY = 10;
export { PACKAGE_CHARTS_DIR };

const EXACT_VERSION = /^v?\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

/** Where a chart comes from. */
export class ChartSource {
  /** A chart in an HTTPS chart repository. */
  static repository(url: string, name: string): ChartSource {
    if (!/^https:\/\/\S+$/.test(url))
      throw new Error(`ChartSource.repository: url must start with https://, got "${url}"`);
    return new ChartSource('repository', name, url);
  }

  /** A chart in an OCI registry, e.g. `oci://registry-1.docker.io/bitnamicharts` + `postgresql`. */
  static oci(registryPath: string, name: string): ChartSource {
    if (!/^oci:\/\/\S+$/.test(registryPath))
      throw new Error(`ChartSource.oci: registryPath must start with oci://, got "${registryPath}"`);
    return new ChartSource('oci', name, registryPath);
  }

  /** One of the charts shipped in this package's `charts/` folder. */
  static packaged(name: string): ChartSource {
    return ChartSource.local(join(PACKAGE_CHARTS_DIR, name));
  }

  /** A chart folder on disk; it is packed and copied into the stack's output, so the stack is self-contained. */
  static local(dir: string): ChartSource {
    if (!existsSync(join(dir, 'Chart.yaml'))) throw new Error(`ChartSource.local: no Chart.yaml in "${dir}"`);
    return new ChartSource('local', dir);
  }

  /** `https://` and `oci://` chart locations, as catalog entries write them. */
  static fromRef(repository: string, name: string): ChartSource {
    return repository.startsWith('oci://')
      ? ChartSource.oci(repository, name)
      : ChartSource.repository(repository, name);
  }

  private constructor(
    readonly kind: 'repository' | 'oci' | 'local',
    /** Chart name, or the folder of a local chart. */
    readonly chart: string,
    readonly repository?: string,
  ) {}
}

export interface SandboxHelmReleaseProps {
  /** Release name: a DNS-1123 label of at most 53 characters. */
  readonly name: string;
  readonly namespace: string;
  readonly chart: ChartSource;
  /** Exact chart version; ranges are refused. Local charts use the version in their Chart.yaml. */
  readonly version: string;
  /** Values as an object; serialized once, with literal `${` escaped for Terraform. @default {} */
  readonly values?: Readonly<Record<string, unknown>>;
  /** Roll back a failed install or upgrade. @default true */
  readonly atomic?: boolean;
  /** Wait until the release's resources are ready. @default true */
  readonly wait?: boolean;
  /** With `wait`, also wait until the release's Jobs have completed. @default false */
  readonly waitForJobs?: boolean;
  /** @default 600 */
  readonly timeoutSeconds?: number;
  /**
   * Revisions Helm keeps as release records (Secrets in the release's namespace), as the helm command does; without
   * a bound every upgrade adds one, until the namespace's Secret quota refuses the next. @default 10
   */
  readonly maxHistory?: number;
  /** @default false */
  readonly createNamespace?: boolean;
  /**
   * Leave out the CRDs in the chart's `crds/` folder. Instance releases do: CRDs are cluster-wide, so the platform
   * installs them (with the operators that serve them), and an instance's deployer could not create them anyway.
   * @default false
   */
  readonly skipCrds?: boolean;
  /** @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * Terraform reads `${` and `%{` in strings as interpolation; values are data,
 * so escape them. cdktf's own references (`${TfToken[...]}`) stay as they are.
 */
export function escapeTerraform(text: string): string {
  // Function replacements: in a replacement string "$$" would mean a single "$".
  return text.replace(/\$\{(?!TfToken\[)/g, () => '$${').replace(/%\{/g, () => '%%{');
}

/**
 * The stack's copy of a local chart's archive: one per stack and chart however many
 * releases install it, named by the archive's content hash so the file is not hashed again.
 */
function stackChartAsset(scope: Construct, dir: string): TerraformAsset {
  const archive = ChartPackages.of(scope).archive(dir);
  const stack = TerraformStack.of(scope);
  const id = `SandboxkitChart-${basename(archive, '.tgz')}`;
  const known = stack.node.tryFindChild(id) as TerraformAsset | undefined;
  if (known) return known;
  const hash = /-([0-9a-f]{12})\.tgz$/.exec(archive)?.[1];
  return new TerraformAsset(stack, id, { path: archive, type: AssetType.FILE, assetHash: hash?.toUpperCase() });
}

/** The one Helm release construct every chart of the project goes through. */
export class SandboxHelmRelease extends Construct {
  readonly release: Release;
  /** Where the chart comes from and its pinned version, for bills of materials. */
  readonly source: ChartSource;
  readonly version: string;

  constructor(scope: Construct, id: string, props: SandboxHelmReleaseProps) {
    super(scope, id);
    const where = `SandboxHelmRelease "${id}"`;
    assertDnsLabel(`${where}: name`, props.name, HELM_RELEASE_NAME_MAX);
    assertDnsLabel(`${where}: namespace`, props.namespace);
    if (!EXACT_VERSION.test(props.version)) {
      throw new Error(`${where}: version must be an exact chart version such as 1.2.3, got "${props.version}"`);
    }
    const timeout = props.timeoutSeconds ?? 600;
    this.source = props.chart;
    this.version = props.version;
    if (!Number.isInteger(timeout) || timeout < 30 || timeout > 3600) {
      throw new Error(`${where}: timeoutSeconds must be a whole number from 30 to 3600, got ${timeout}`);
    }

    // A local chart travels with the stack as one archive, packed once per app; a remote one
    // comes from the stack's chart mirror when it has one.
    const mirror = props.chart.kind === 'local' ? undefined : ChartMirror.of(this);
    const location =
      props.chart.kind === 'local'
        ? { chart: stackChartAsset(this, props.chart.chart).path }
        : (mirror?.locate(props.chart.chart, props.version) ?? {
            repository: props.chart.repository,
            chart: props.chart.chart,
          });
    const values =
      props.values && Object.keys(props.values).length > 0
        ? [escapeTerraform(JSON.stringify(props.values))]
        : undefined;

    this.release = new Release(this, 'Release', {
      name: props.name,
      namespace: props.namespace,
      repository: location.repository,
      chart: location.chart,
      version: props.version,
      values,
      atomic: props.atomic ?? true,
      wait: props.wait ?? true,
      waitForJobs: props.waitForJobs,
      timeout,
      maxHistory: props.maxHistory ?? HELM_MAX_HISTORY,
      createNamespace: props.createNamespace ?? false,
      skipCrds: props.skipCrds,
      cleanupOnFail: true,
      dependsOn: props.dependsOn,
    });
  }
}
