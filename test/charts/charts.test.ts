import { readFileSync, writeFileSync } from 'fs';
import { join } from 'path';
import Ajv from 'ajv';
import { parse, parseAllDocuments } from 'yaml';
import { packageChart } from '../../constructs/chart-package';
import { BUILTIN_CATALOG } from '../../constructs/catalog/builtin';
import { PACKAGED_CHARTS } from '../../constructs/catalog/types';
import { MOCKS } from '../../constructs/instance/mocks';
import { SEED_DATA_CHART_VERSION } from '../../constructs/instance/seed-data';
import { tempDir } from '../fixtures';
import { requireTool, run } from '../tools';
import { CHART_NAMES, CHARTS_DIR, KUBE_VERSION, chartScenarios, renderChart } from './render';
import { UNVALIDATED_GROUPS, crdSchemaErrors } from './crd-schemas';
import { podSpecOf, restrictedViolations } from './pod-security';

const helm = requireTool('helm');
const render = (chart: string, file?: string): any[] =>
  parseAllDocuments(renderChart(chart, file))
    .map((d) => d.toJS())
    .filter((o) => o);

/** The kubernetes-models class for an object, e.g. apps/v1 Deployment. */
function modelFor(apiVersion: string, kind: string): { new (data: unknown): { validate(): void } } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the model module is chosen by the object's kind
  return require(`kubernetes-models/${apiVersion}/${kind}`)[kind];
}

/** Charts that create nothing until given their input say so in Chart.yaml. */
const rendersNothingByDefault = (chart: string) =>
  parse(readFileSync(join(CHARTS_DIR, chart, 'Chart.yaml'), 'utf8')).annotations?.[
    'sandbox.dev/renders-nothing-by-default'
  ] === 'true';

describe.each(CHART_NAMES)('chart %s', (chart) => {
  const dir = join(CHARTS_DIR, chart);

  it('has at least one ci scenario besides the defaults', () => {
    expect(chartScenarios(chart).length).toBeGreaterThan(1);
  });

  it.each(chartScenarios(chart))('lints clean with --strict ($name)', ({ file }) => {
    const out = run(helm, file ? ['lint', '--strict', dir, '-f', file] : ['lint', '--strict', dir]);
    expect(out).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
  });

  it.each(chartScenarios(chart))('renders objects valid against the Kubernetes API schema ($name)', ({ file }) => {
    const objects = render(chart, file);
    if (file || !rendersNothingByDefault(chart)) expect(objects.length).toBeGreaterThan(0);
    for (const obj of objects) {
      // Custom resources are checked against their CRDs, from the operators' real charts.
      if (UNVALIDATED_GROUPS.includes(obj.apiVersion.split('/')[0])) continue;
      const crdErrors = crdSchemaErrors(obj);
      if (crdErrors) {
        expect({ object: `${obj.kind}/${obj.metadata.name}`, errors: crdErrors }).toEqual({
          object: `${obj.kind}/${obj.metadata.name}`,
          errors: [],
        });
        continue;
      }
      const Model = modelFor(obj.apiVersion, obj.kind);
      expect(() => new Model(obj).validate()).not.toThrow();
    }
  });

  it.each(chartScenarios(chart))('renders pods that pass the restricted profile ($name)', ({ file }) => {
    const problems = render(chart, file).flatMap((obj) => {
      const pod = podSpecOf(obj);
      return pod ? restrictedViolations(`${obj.kind}/${obj.metadata.name}`, pod) : [];
    });
    expect(problems).toEqual([]);
  });

  it('gives every pod readiness and liveness probes, except run-to-completion pods', () => {
    for (const obj of render(chart)) {
      if (obj.kind !== 'Deployment' && obj.kind !== 'StatefulSet') continue;
      for (const c of podSpecOf(obj).containers) {
        expect({ container: c.name, readiness: !!c.readinessProbe, liveness: !!c.livenessProbe }).toEqual({
          container: c.name,
          readiness: true,
          liveness: true,
        });
      }
    }
  });

  it('validates every values file against its schema, and the schema rejects unknown keys', () => {
    const schema = JSON.parse(readFileSync(join(dir, 'values.schema.json'), 'utf8'));
    const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);
    const defaults = parse(readFileSync(join(dir, 'values.yaml'), 'utf8'));
    for (const s of chartScenarios(chart)) {
      const values = s.file ? { ...defaults, ...parse(readFileSync(s.file, 'utf8')) } : defaults;
      expect({ scenario: s.name, valid: validate(values), errors: validate.errors }).toEqual({
        scenario: s.name,
        valid: true,
        errors: null,
      });
    }
    expect(validate({ ...defaults, notAKey: true })).toBe(false);
  });

  it('comments every top-level key of values.yaml', () => {
    const lines = readFileSync(join(dir, 'values.yaml'), 'utf8').split('\n');
    const uncommented = lines
      .map((line, i) => ({
        line,
        previous:
          lines
            .slice(0, i)
            .reverse()
            .find((l) => l.trim() !== '') ?? '',
      }))
      .filter(({ line }) => /^[A-Za-z][\w-]*:/.test(line))
      .filter(({ previous }) => !previous.trim().startsWith('#'))
      .map(({ line }) => line);
    expect(uncommented).toEqual([]);
  });

  it('ships a helm test hook', () => {
    const hooks = chartScenarios(chart).flatMap((s) =>
      render(chart, s.file).filter((o) => o.metadata?.annotations?.['helm.sh/hook'] === 'test'),
    );
    expect(hooks.length).toBeGreaterThan(0);
  });
});

describe('chart versions', () => {
  const version = (chart: string) => parse(readFileSync(join(CHARTS_DIR, chart, 'Chart.yaml'), 'utf8')).version;

  it('match what the instance constructs install', () => {
    for (const mock of Object.values(MOCKS))
      expect({ chart: mock.chart, version: version(mock.chart) }).toEqual({ chart: mock.chart, version: mock.version });
    expect(version('seed-data')).toBe(SEED_DATA_CHART_VERSION);
    for (const entry of BUILTIN_CATALOG.filter((e) => e.chart.repository === PACKAGED_CHARTS)) {
      expect({ chart: entry.chart.name, version: version(entry.chart.name) }).toEqual({
        chart: entry.chart.name,
        version: entry.chart.version,
      });
    }
  });
});

describe('chart packages', () => {
  it.each(CHART_NAMES)('packs %s into the same bytes every time, as an archive helm renders', (chart) => {
    const first = packageChart(join(CHARTS_DIR, chart));
    expect(packageChart(join(CHARTS_DIR, chart)).equals(first)).toBe(true);
    const file = join(tempDir('chart-'), `${chart}.tgz`);
    writeFileSync(file, first);
    const scenario = rendersNothingByDefault(chart) ? ['-f', chartScenarios(chart).find((c) => c.file)!.file!] : [];
    expect(run(helm, ['template', 'sandbox', file, '--kube-version', KUBE_VERSION, ...scenario])).toContain(
      `helm.sh/chart: ${chart}-`,
    );
  });
});
