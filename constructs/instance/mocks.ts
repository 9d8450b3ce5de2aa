import { readFileSync } from 'fs';
import { join } from 'path';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { parse } from 'yaml';
import { ChartSource, PACKAGE_CHARTS_DIR, SandboxHelmRelease } from '../helm-release';
import { footprintOf, type ContainerResources, type Footprint } from './quantity';

/** Kinds of the outside world an instance can mock. */
export type MockKind = 'email' | 'sms' | 'payment' | 'cloud';
export const MOCK_KINDS: readonly MockKind[] = ['email', 'sms', 'payment', 'cloud'];

/** Where a block reaches a mock, inside the instance's namespace. */
export interface MockEndpoints {
  readonly smtpHost?: string;
  readonly smtpPort?: string;
  readonly smtpUrl?: string;
  readonly smsApiUrl?: string;
  readonly paymentApiUrl?: string;
  readonly cloudApiUrl?: string;
}

interface MockDefinition {
  /** Folder under charts/ and release name. */
  readonly chart: string;
  /** Chart version; a test checks it against the chart's Chart.yaml. */
  readonly version: string;
  readonly endpoints: (namespace: string) => MockEndpoints;
}

const svc = (name: string, namespace: string) => `${name}.${namespace}.svc.cluster.local`;

/** The contract between instances and the mock charts: names, versions and ports. */
export const MOCKS: Readonly<Record<MockKind, MockDefinition>> = {
  email: {
    chart: 'mock-email',
    version: '0.2.0',
    endpoints: (ns) => ({
      smtpHost: svc('mock-email', ns),
      smtpPort: '1025',
      smtpUrl: `smtp://${svc('mock-email', ns)}:1025`,
    }),
  },
  sms: {
    chart: 'mock-sms',
    version: '0.2.0',
    endpoints: (ns) => ({ smsApiUrl: `http://${svc('mock-sms', ns)}:8080` }),
  },
  payment: {
    chart: 'mock-payment',
    version: '0.2.0',
    endpoints: (ns) => ({ paymentApiUrl: `http://${svc('mock-payment', ns)}:8080` }),
  },
  cloud: {
    chart: 'mock-cloud',
    version: '0.2.0',
    endpoints: (ns) => ({ cloudApiUrl: `http://${svc('mock-cloud', ns)}:5000` }),
  },
};

const parsedValues = new Map<string, Record<string, unknown>>();

/** The default values of one of this package's charts. */
export function packagedChartValues(chart: string): Record<string, unknown> {
  // Parsed once per process (every instance's quota check asks); each caller gets its own copy.
  let values = parsedValues.get(chart);
  if (!values) {
    values = parse(readFileSync(join(PACKAGE_CHARTS_DIR, chart, 'values.yaml'), 'utf8')) as Record<string, unknown>;
    parsedValues.set(chart, values);
  }
  return structuredClone(values);
}

/** What a mock asks of the quota: the one pod its chart runs, with the resources of its values. */
export function mockFootprint(kind: MockKind): Footprint {
  const chart = MOCKS[kind].chart;
  return footprintOf(
    packagedChartValues(chart).resources as ContainerResources,
    1,
    `chart ${chart} values.yaml resources`,
  );
}

/** Pod labels of a mock, for NetworkPolicies. */
export const mockSelector = (kind: MockKind) => ({ 'app.kubernetes.io/name': MOCKS[kind].chart });

export interface MockProps {
  readonly kind: MockKind;
  readonly namespace: string;
  /** Values for the mock chart. @default {} */
  readonly values?: Readonly<Record<string, unknown>>;
  /** @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/** One mock of the outside world, from this package's charts. */
export class Mock extends Construct {
  readonly release: SandboxHelmRelease;
  readonly endpoints: MockEndpoints;

  constructor(scope: Construct, id: string, props: MockProps) {
    super(scope, id);
    const def = MOCKS[props.kind];
    if (!def)
      throw new Error(`Mock "${id}": kind must be one of ${MOCK_KINDS.join(', ')}, got "${String(props.kind)}"`);
    this.release = new SandboxHelmRelease(this, 'Release', {
      name: def.chart,
      namespace: props.namespace,
      chart: ChartSource.packaged(def.chart),
      version: def.version,
      values: props.values,
      timeoutSeconds: 300,
      dependsOn: props.dependsOn,
    });
    this.endpoints = def.endpoints(props.namespace);
  }
}
