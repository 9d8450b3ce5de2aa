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
  const ci = readdirSync(join(CHARTS_DIR, chart, 'ci')).filter((f) => f.endsWith('-values.yaml')).sort();
  return [{ name: 'defaults' }, ...ci.map((f) => ({ name: f, file: join(CHARTS_DIR, chart, 'ci', f) }))];
}

/** `helm template` of one chart and scenario, as text. */
export function renderChart(chart: string, file?: string): string {
  const args = ['template', 'sandbox', join(CHARTS_DIR, chart), '--kube-version', KUBE_VERSION, '--namespace', 'sandbox'];
  return run(requireTool('helm'), file ? [...args, '-f', file] : args);
}
