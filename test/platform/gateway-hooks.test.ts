import { execFileSync } from 'child_process';
import { existsSync } from 'fs';
import { join } from 'path';
import { parseAllDocuments } from 'yaml';
import { ENVOY_GATEWAY_CHART } from '../../constructs/platform/gateway-controller';
import { buildStacks, resources, synthJson, tempFile } from '../fixtures';

const ROOT = join(__dirname, '..', '..');
const ARCHIVE = join(
  ROOT,
  '..',
  'shared',
  'charts-mirror',
  `${ENVOY_GATEWAY_CHART.name}-${ENVOY_GATEWAY_CHART.version}.tgz`,
);
const HELM = join(ROOT, '.tools', 'bin', 'helm');

/** The objects Envoy Gateway's chart renders with the values the platform stack gives it. */
function rendered(): any[] {
  if (!existsSync(ARCHIVE)) throw new Error(`the chart mirror has no ${ARCHIVE}`);
  const json = synthJson(buildStacks().platforms.get('platform-laptop')!);
  const release = Object.values(resources(json, 'helm_release')).find((r: any) => r.name === 'envoy-gateway') as any;
  const values = tempFile('envoy-gateway-values.yaml', release.values[0]);
  const out = execFileSync(HELM, ['template', 'envoy-gateway', ARCHIVE, '-n', release.namespace, '-f', values], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return parseAllDocuments(out)
    .map((d) => d.toJS())
    .filter(Boolean);
}

describe('Envoy Gateway install hooks', () => {
  const objects = rendered();
  const hooks = objects.filter((o) => o.metadata?.annotations?.['helm.sh/hook']);

  it('are all deleted by Helm once the install hooks have succeeded, so a destroy leaves none of them', () => {
    expect(hooks.map((h) => `${h.kind}/${h.metadata.name}`).sort()).toEqual([
      'Job/envoy-gateway-gateway-helm-certgen',
      'Role/envoy-gateway-gateway-helm-certgen',
      'RoleBinding/envoy-gateway-gateway-helm-certgen',
      'ServiceAccount/envoy-gateway-gateway-helm-certgen',
    ]);
    for (const h of hooks)
      expect({
        hook: `${h.kind}/${h.metadata.name}`,
        policy: h.metadata.annotations['helm.sh/hook-delete-policy'],
      }).toEqual({
        hook: `${h.kind}/${h.metadata.name}`,
        policy: 'before-hook-creation,hook-succeeded',
      });
  });

  it('installs no topology injector webhook', () => {
    expect(objects.filter((o) => o.kind === 'MutatingWebhookConfiguration')).toEqual([]);
  });
});
