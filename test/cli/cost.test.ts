import { join } from 'path';
import { writeFileSync } from 'fs';
import type { ClusterConfig, InstanceConfig } from '../../config/types';
import { PRICES, dailyCost } from '../../cli/cost';
import { exampleWith, buildStacks, synthJson } from '../fixtures';
import { CLI_CONFIG, Workspace } from './stand-in';

const aws = { name: 'a', cloud: 'aws', region: 'eu-west-1' } as unknown as ClusterConfig;
const existing = { name: 'k', cloud: 'existing' } as unknown as ClusterConfig;
const instance = (extra: Partial<InstanceConfig> = {}) =>
  ({ name: 'i', cluster: 'a', owner: 'o', blocks: ['postgresql'], ...extra }) as InstanceConfig;

describe('daily cost estimate', () => {
  it("prices the size profile's quota held all day, plus storage by the day", () => {
    const p = PRICES.aws;
    const expected = 24 * (4 * p.vcpuHour + 8 * p.memoryGiBHour) + (50 * p.storageGiBMonth) / 30;
    expect(dailyCost(aws, instance())).toEqual({
      usd: Math.round(expected * 100) / 100,
      basis: '4 vCPU, 8Gi memory, 50Gi storage (small)',
    });
    expect(dailyCost(aws, instance({ size: 'large' })).usd!).toBeGreaterThan(
      dailyCost(aws, instance({ size: 'medium' })).usd!,
    );
  });

  it("follows the instance's quota overrides and adds its own cloud resources, not mocked ones", () => {
    const base = dailyCost(aws, instance()).usd!;
    expect(dailyCost(aws, instance({ quota: { cpu: '8' } })).usd!).toBeCloseTo(base + 24 * 4 * PRICES.aws.vcpuHour, 1);
    const own = dailyCost(aws, instance({ cloudResources: { objectStorage: true, queue: true } }));
    expect(own.usd!).toBeCloseTo(
      base + PRICES.aws.cloudResourceDay.objectStorage + PRICES.aws.cloudResourceDay.queue,
      2,
    );
    expect(own.basis).toMatch(/; own bucket, queue$/);
    expect(dailyCost(aws, instance({ cloudResources: { source: 'mock', objectStorage: true } })).usd).toBe(base);
  });

  it('prices the own bucket, queue and table on Azure and Google clusters too', () => {
    for (const cloud of ['azure', 'gcp'] as const) {
      const cluster = { name: 'c', cloud } as unknown as ClusterConfig;
      const base = dailyCost(cluster, instance()).usd!;
      const all = dailyCost(cluster, instance({ cloudResources: { objectStorage: true, queue: true, table: true } }));
      const table = PRICES[cloud].cloudResourceDay;
      expect({ cloud, usd: all.usd }).toEqual({
        cloud,
        usd: Math.round((base + table.objectStorage + table.queue + table.table) * 100) / 100,
      });
      expect(all.basis).toMatch(/; own bucket, queue, table$/);
      for (const price of Object.values(table)) expect(price).toBeGreaterThan(0);
    }
  });

  it('does not price an existing cluster', () => {
    expect(dailyCost(existing, instance())).toEqual({
      usd: null,
      basis: expect.stringMatching(/existing cluster has no price table/),
    });
  });

  it('`instance list --cost` adds a USD/DAY column and the total, and the figures in --json', async () => {
    const w = new Workspace('');
    writeFileSync(w.config, CLI_CONFIG(join(w.dir, 'kubeconfig')));
    const r = await w.run('instance', 'list', '--cost');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/USD\/DAY/);
    expect(r.out).toMatch(/estimated 0\.00 USD a day at most/);
    const json = JSON.parse((await w.run('instance', 'list', '--cost', '--json')).out);
    expect(json[0]).toMatchObject({ name: 'alpha', dailyCostUsd: null, costBasis: expect.stringMatching(/^4 vCPU/) });
  });
});

describe('cost tags on every cloud', () => {
  it('tags every Azure resource of an instance with its instance and owner', () => {
    const config = exampleWith((raw) => {
      raw.instances.push({ name: 'az-demo', cluster: 'azure-main', owner: 'dana@example.org', blocks: ['valkey'] });
    });
    const json = synthJson(buildStacks(config).instances.get('instance-az-demo')!);
    const tagged = Object.entries<Record<string, any>>(json.resource!).filter(([type]) => type.startsWith('azurerm_'));
    expect(tagged.length).toBeGreaterThan(0);
    for (const [type, all] of tagged) {
      for (const [id, r] of Object.entries<any>(all)) {
        if (type === 'azurerm_role_assignment' || type === 'azurerm_federated_identity_credential') continue;
        expect({ id, tags: r.tags }).toEqual({
          id,
          tags: expect.objectContaining({ 'sandbox-instance': 'az-demo', 'sandbox-owner': 'dana@example.org' }),
        });
      }
    }
  });

  it('labels every Google resource of an instance through the provider', () => {
    const json = synthJson(buildStacks().instances.get('instance-identity-trial')!);
    expect(json.provider!.google[0].default_labels).toMatchObject({
      'sandbox-instance': 'identity-trial',
      'sandbox-owner': 'bob_example_org',
    });
  });
});
