import { execFileSync } from 'child_process';
import { existsSync } from 'fs';
import { join } from 'path';
import { PLATFORM_IMAGES } from '../../cli/platform-images';
import { CLUSTER_AUTOSCALER_CHART, METRICS_SERVER_CHART } from '../../constructs/platform/capacity';
import { CERT_MANAGER_CHART } from '../../constructs/platform/certificates';
import { EXTERNAL_DNS_CHART } from '../../constructs/platform/external-dns';
import { CLOUDNATIVE_PG_CHART } from '../../constructs/platform/database-operator';
import { ENVOY_GATEWAY_CHART, ENVOY_PROXY_IMAGE } from '../../constructs/platform/gateway-controller';
import { STRIMZI_CHART } from '../../constructs/platform/kafka-operator';
import { KUBE_PROMETHEUS_STACK_CHART } from '../../constructs/platform/monitoring';
import { EXTERNAL_SECRETS_CHART } from '../../constructs/platform/secrets-operator';

const ROOT = join(__dirname, '..', '..');
const MIRROR = join(ROOT, '..', 'shared', 'charts-mirror');
const HELM = join(ROOT, '.tools', 'bin', 'helm');
const IMAGE = /[a-z0-9-]+(\.[a-z0-9-]+)+(:[0-9]+)?\/[a-z0-9._/-]+:[A-Za-z0-9._-]+(@sha256:[a-f0-9]{64})?/g;

/** Every image reference in the chart's render with its defaults and the image values sandboxkit sets. */
function rendered(chart: { name: string; version: string }): string[] {
  const archive = join(MIRROR, `${chart.name}-${chart.version}.tgz`);
  if (!existsSync(archive))
    throw new Error(
      `the chart mirror has no ${chart.name}-${chart.version}.tgz; add it, then the images to cli/platform-images.ts`,
    );
  const extra =
    chart.name === 'cluster-autoscaler'
      ? ['--set', 'autoDiscovery.clusterName=x']
      : chart.name === 'gateway-helm'
        ? ['--set', `global.images.envoyProxy.image=${ENVOY_PROXY_IMAGE}`]
        : [];
  const out = execFileSync(HELM, ['template', 'x', archive, '--kube-version', '1.33.0', ...extra], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return [...new Set(out.match(IMAGE) ?? [])].sort();
}

describe('bill of materials of the platform', () => {
  it.each([
    ENVOY_GATEWAY_CHART,
    CERT_MANAGER_CHART,
    CLOUDNATIVE_PG_CHART,
    EXTERNAL_SECRETS_CHART,
    EXTERNAL_DNS_CHART,
    METRICS_SERVER_CHART,
    CLUSTER_AUTOSCALER_CHART,
    KUBE_PROMETHEUS_STACK_CHART,
    STRIMZI_CHART,
  ])('knows every image $name $version pulls', (chart) => {
    expect({
      chart: `${chart.name}@${chart.version}`,
      images: PLATFORM_IMAGES[`${chart.name}@${chart.version}`],
    }).toEqual({ chart: `${chart.name}@${chart.version}`, images: rendered(chart) });
  });
});
