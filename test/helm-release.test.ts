import { Testing, TerraformStack } from 'cdktf';
import { HelmProvider } from '@cdktf/provider-helm/lib/provider';
import { ChartSource, SandboxHelmRelease, escapeTerraform } from '../constructs/helm-release';
import { synthJson } from './fixtures';

function release(props: Partial<ConstructorParameters<typeof SandboxHelmRelease>[2]> = {}) {
  const stack = new TerraformStack(Testing.app(), 'test');
  new HelmProvider(stack, 'helm', {});
  new SandboxHelmRelease(stack, 'R', {
    name: 'app',
    namespace: 'ns',
    chart: ChartSource.repository('https://charts.example.org', 'app'),
    version: '1.2.3',
    ...props,
  });
  return Object.values(synthJson(stack).resource!.helm_release)[0] as any;
}

describe('SandboxHelmRelease', () => {
  it('pins the version and sets explicit atomic, wait, timeout, history and namespace defaults', () => {
    expect(release()).toEqual({
      name: 'app',
      namespace: 'ns',
      repository: 'https://charts.example.org',
      chart: 'app',
      version: '1.2.3',
      atomic: true,
      wait: true,
      timeout: 600,
      max_history: 10,
      create_namespace: false,
      cleanup_on_fail: true,
    });
  });

  it('escapes literal Terraform interpolation in values', () => {
    expect(escapeTerraform('a ${b} %{c}')).toBe('a $${b} %%{c}');
    expect(release({ values: { template: 'Hello ${name}' } }).values).toEqual(['{"template":"Hello $${name}"}']);
  });

  it('keeps references to other resources as references', () => {
    const stack = new TerraformStack(Testing.app(), 'refs');
    new HelmProvider(stack, 'helm', {});
    const other = new SandboxHelmRelease(stack, 'A', {
      name: 'a',
      namespace: 'ns',
      chart: ChartSource.repository('https://c.example.org', 'a'),
      version: '1.0.0',
    });
    new SandboxHelmRelease(stack, 'B', {
      name: 'b',
      namespace: 'ns',
      chart: ChartSource.repository('https://c.example.org', 'b'),
      version: '1.0.0',
      values: { peer: other.release.name, literal: '${not-a-reference}' },
    });
    const b = Object.values(synthJson(stack).resource!.helm_release).find((r: any) => r.name === 'b') as any;
    expect(b.values).toEqual([
      expect.stringMatching(
        /^\{"peer":"\$\{helm_release\.A_Release_[0-9A-F]+\.name\}","literal":"\$\$\{not-a-reference\}"\}$/,
      ),
    ]);
  });

  it('copies local charts into the stack output', () => {
    expect(release({ chart: ChartSource.packaged('mock-email'), version: '0.1.0' }).chart).toMatch(
      /^assets\/SandboxkitChart-mock-email-([0-9a-f]{12})\/([0-9A-F]{12})\/mock-email-\1\.tgz$/,
    );
  });

  it('copies a local chart once per stack however many releases install it', () => {
    const stack = new TerraformStack(Testing.app(), 's');
    new HelmProvider(stack, 'helm', {});
    for (const name of ['one', 'two']) {
      new SandboxHelmRelease(stack, name, {
        name,
        namespace: 'ns',
        chart: ChartSource.packaged('mock-email'),
        version: '0.1.0',
      });
    }
    const charts = Object.values(synthJson(stack).resource!.helm_release).map((r: any) => r.chart);
    expect(charts).toHaveLength(2);
    expect(new Set(charts).size).toBe(1);
  });

  it.each([
    [{ name: 'My_App' }, /SandboxHelmRelease "R": name must be a DNS-1123 label/],
    [{ name: 'a'.repeat(54) }, /name must be at most 53 characters, got 54/],
    [{ version: '^1.2.0' }, /version must be an exact chart version such as 1.2.3, got "\^1.2.0"/],
    [{ version: 'latest' }, /version must be an exact chart version/],
    [{ timeoutSeconds: 5 }, /timeoutSeconds must be a whole number from 30 to 3600, got 5/],
  ])('refuses %p', (props, message) => {
    expect(() => release(props)).toThrow(message);
  });

  it('refuses chart sources that are not https, oci or a chart folder', () => {
    expect(() => ChartSource.repository('http://charts.example.org', 'x')).toThrow(/url must start with https:\/\//);
    expect(() => ChartSource.oci('registry.example.org/x', 'x')).toThrow(/registryPath must start with oci:\/\//);
    expect(() => ChartSource.local('/nonexistent')).toThrow(/no Chart.yaml in "\/nonexistent"/);
  });
});
