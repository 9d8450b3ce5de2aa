import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import type { CatalogEntry } from '../catalog/types';
import type { IngressFacts } from '../cluster';
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
  readonly ingress: IngressFacts;
  /** @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/** One catalog block: its Helm release, and its ingress when the entry asks for one. */
export class BuildingBlock extends Construct {
  readonly release: SandboxHelmRelease;
  readonly route?: BlockIngress;

  constructor(scope: Construct, id: string, props: BuildingBlockProps) {
    super(scope, id);
    this.release = new SandboxHelmRelease(this, 'Release', {
      name: props.name,
      namespace: props.namespace,
      chart: ChartSource.fromRef(props.entry.chart.repository, props.entry.chart.name),
      version: props.entry.chart.version,
      values: props.values,
      dependsOn: props.dependsOn,
    });
    const route = props.entry.needs?.ingress;
    if (route) {
      this.route = new BlockIngress(this, 'Ingress', {
        namespace: props.namespace,
        instanceName: props.instanceName,
        blockName: props.name,
        service: route.service,
        port: route.port,
        ingress: props.ingress,
        dependsOn: [this.release.release],
      });
    }
  }
}
