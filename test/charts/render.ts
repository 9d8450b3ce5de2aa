import { readdirSync } from 'fs';
import { join } from 'path';
import { requireTool, run } from '../tools';

export const CHARTS_DIR = join(__dirname, '..', '..', 'charts');
export const KUBE_VERSION = '1.33.0';
export const CHART_NAMES = readdirSync(CHARTS_DIR).sort();

export interface Scenario {
  readonly name: string;
  /** A ci/*-values.yaml file; undefined for the chart's defaults. */
  readonly file?: string;
}

/** Default values, then every ci/*-values.yaml scenario of a chart. */
export function chartScenarios(chart: string): Scenario[] {
  const ci = readdirSync(join(CHARTS_DIR, chart, 'ci'))
    .filter((f) => f.endsWith('-values.yaml'))
    .sort();
  return [{ name: 'defaults' }, ...ci.map((f) => ({ name: f, file: join(CHARTS_DIR, chart, 'ci', f) }))];
}

const renders = new Map<string, string>();

/** `helm template` of one chart and scenario, as text; each is rendered once per suite, however many tests read it. */
export function renderChart(chart: string, file?: string): string {
  const key = `${chart}\0${file ?? ''}`;
  let text = renders.get(key);
  if (text === undefined) {
    const args = [
      'template',
      'sandbox',
      join(CHARTS_DIR, chart),
      '--kube-version',
      KUBE_VERSION,
      '--namespace',
      'sandbox',
    ];
    text = run(requireTool('helm'), file ? [...args, '-f', file] : args);
    renders.set(key, text);
  }
  return text;
}
