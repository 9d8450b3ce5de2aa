import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { PACKAGED_CHARTS, type CatalogEntry } from '../catalog/types';
import { ChartSource, SandboxHelmRelease } from '../helm-release';
import { BlockIngress } from './block-ingress';

export interface BuildingBlockProps {
  readonly instanceName: string;
  readonly namespace: string;
  /** Release name inside the namespace. */
  readonly name: string;
  readonly entry: CatalogEntry;
  /** Final values: catalog defaults, instance values, influences and wiring. */
  readonly values: Readonly<Record<string, unknown>>;
  /** The instance's base domain, for the block's hostname. */
  readonly domain: string;
  /** What the block's route waits for besides its release: the instance's listener. @default [] */
  readonly routeDependsOn?: ITerraformDependable[];
  /** @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/** One catalog block: its Helm release, and its route when the entry asks for one. */
export class BuildingBlock extends Construct {
  /** The catalog entry the block was built from (its images are the block's bill of materials). */
  readonly entry: CatalogEntry;
  readonly release: SandboxHelmRelease;
  readonly route?: BlockIngress;

  constructor(scope: Construct, id: string, props: BuildingBlockProps) {
    super(scope, id);
    this.entry = props.entry;
    this.release = new SandboxHelmRelease(this, 'Release', {
      name: props.name,
      namespace: props.namespace,
      chart:
        props.entry.chart.repository === PACKAGED_CHARTS
          ? ChartSource.packaged(props.entry.chart.name)
          : ChartSource.fromRef(props.entry.chart.repository, props.entry.chart.name),
      version: props.entry.chart.version,
      values: props.values,
      skipCrds: true,
      dependsOn: props.dependsOn,
    });
    const route = props.entry.needs?.ingress;
    if (route) {
      this.route = new BlockIngress(this, 'Route', {
        namespace: props.namespace,
        instanceName: props.instanceName,
        blockName: props.name,
        service: route.service,
        port: route.port,
        domain: props.domain,
        dependsOn: [this.release.release, ...(props.routeDependsOn ?? [])],
      });
    }
  }
}
