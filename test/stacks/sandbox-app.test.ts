import { buildStacks, exampleConfig, synthJson } from '../fixtures';

describe('stacks of the example config', () => {
  const stacks = buildStacks();

  it('has one cluster stack and one platform stack per cluster, one instance stack per instance', () => {
    const config = exampleConfig();
    expect([...stacks.clusters.keys()]).toEqual(config.clusters.map((c) => `cluster-${c.name}`));
    expect([...stacks.platforms.keys()]).toEqual(config.clusters.map((c) => `platform-${c.name}`));
    expect([...stacks.instances.keys()]).toEqual(config.instances!.map((i) => `instance-${i.name}`));
  });

  it('never shares a state location between two stacks', () => {
    const all = [...stacks.clusters.values(), ...stacks.platforms.values(), ...stacks.instances.values()];
    const locations = all.map((s) => JSON.stringify(synthJson(s).terraform!.backend));
    expect(new Set(locations).size).toBe(all.length);
  });

  it('finds the cluster of an instance by name, not through remote state', () => {
    for (const stack of stacks.instances.values()) {
      const json = synthJson(stack);
      expect(json.data?.terraform_remote_state).toBeUndefined();
    }
    expect(synthJson(stacks.instances.get('instance-payments-demo')!).data!.aws_eks_cluster).toEqual({
      Cluster_3DA9CCBA: expect.objectContaining({ name: 'aws-main' }),
    });
  });
});
