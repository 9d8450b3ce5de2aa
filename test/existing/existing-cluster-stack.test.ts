import { Testing, TerraformStack } from 'cdktf';
import { ExistingCluster } from '../../constructs/existing/existing-cluster';
import { buildStacks, synthJson } from '../fixtures';

describe('existing cluster stack', () => {
  const stack = buildStacks().clusters.get('cluster-laptop')!;
  const json = synthJson(stack);

  it('matches the snapshot', () => {
    expect(json).toMatchSnapshot();
  });

  it('creates no cloud resources and no provider', () => {
    expect(json.resource).toBeUndefined();
    expect(json.provider).toBeUndefined();
  });

  it('records the connection, storage classes and domain it assumes', () => {
    expect(json.output).toEqual({
      connection: { value: '~/.kube/config#kind-sandbox' },
      block_storage_class: { value: 'standard' },
      shared_storage_class: { value: '' },
      ingress_domain: { value: 'sandbox.localhost' },
    });
  });

  it('connects by kubeconfig path and context, or by environment when none is given', () => {
    const s = new TerraformStack(Testing.app(), 't');
    const byFile = new ExistingCluster(s, 'A', {
      clusterName: 'a',
      kubeconfig: { path: '/k', context: 'ctx' },
      storage: { blockRwo: 'standard' },
    });
    expect(byFile.connection).toEqual({ configPath: '/k', configContext: 'ctx' });
    const byEnv = new ExistingCluster(s, 'B', { clusterName: 'b', storage: { blockRwo: 'standard' } });
    expect(byEnv.connection).toEqual({});
    expect(byEnv.secretStore.kind).toBe('kubernetes');
  });

  it('refuses storage class names Kubernetes rejects', () => {
    const s = new TerraformStack(Testing.app(), 't');
    expect(() => new ExistingCluster(s, 'A', { clusterName: 'a', storage: { blockRwo: 'Fast_SSD' } })).toThrow(
      /ExistingCluster "A": storage.blockRwo must be a DNS-1123 label.*got "Fast_SSD"/,
    );
  });
});
