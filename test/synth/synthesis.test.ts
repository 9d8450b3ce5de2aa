import { readFileSync, readdirSync, statSync } from 'fs';
import { join, relative } from 'path';
import { loadConfig } from '../../config/load';
import type { InstanceConfig, SandboxConfig } from '../../config/types';
import { setCdktfFastPaths } from '../../synth/cdktf-fast-paths';
import { synthesize, synthesizeSelection } from '../../synth/synthesize';
import { mergeShardOutputs, planShards, shardCount } from '../../synth/shards';
import { EXAMPLE_CONFIG, tempDir } from '../fixtures';

/** Every file under `dir`, by relative path, with its bytes. */
function tree(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.set(relative(dir, path), readFileSync(path));
    }
  };
  walk(dir);
  return files;
}

function expectSameTree(actual: string, expected: string): void {
  const a = tree(actual);
  const e = tree(expected);
  expect([...a.keys()].sort()).toEqual([...e.keys()].sort());
  const differing = [...e.keys()].filter((file) => !a.get(file)!.equals(e.get(file)!));
  expect(differing).toEqual([]);
}

/** The example with `count` instances cycled from its own three, spread over its clusters. */
function manyInstances(count: number): SandboxConfig {
  const example = loadConfig(EXAMPLE_CONFIG);
  const templates = example.instances ?? [];
  const instances: InstanceConfig[] = Array.from({ length: count }, (_, i) => ({
    ...templates[i % templates.length],
    name: `many-${i}`,
  }));
  return { ...example, instances };
}

describe('synthesis shortcuts and shards', () => {
  it('writes the same bytes with and without the cdktf shortcuts, for every stack of every cloud', () => {
    const config = loadConfig(join(__dirname, '..', '..', 'examples', 'everything.yaml'));
    const fast = synthesize(config, join(tempDir(), 'out'), { shards: 1 }).outdir;
    setCdktfFastPaths(false);
    let plain: string;
    try {
      plain = synthesize(config, join(tempDir(), 'out'), { shards: 1 }).outdir;
    } finally {
      setCdktfFastPaths(true);
    }
    expect(tree(fast).size).toBeGreaterThan(10);
    expectSameTree(fast, plain);
  });

  it('writes the same bytes when the instances are split into shards and merged', () => {
    const config = manyInstances(9);
    const whole = synthesize(config, join(tempDir(), 'out'), { shards: 1 });
    const shards = planShards(config, 3);
    const dirs = shards.map((selection) => {
      const dir = join(tempDir(), 'shard');
      synthesizeSelection(config, dir, selection);
      return dir;
    });
    mergeShardOutputs(dirs[0], dirs.slice(1));
    expectSameTree(dirs[0], whole.outdir);
    expect(whole.stacks.filter((s) => s.startsWith('instance-'))).toEqual(
      config.instances!.map((i) => `instance-${i.name}`),
    );
  });

  it('gives every instance to exactly one shard and the base stacks to the first, balancing the work', () => {
    const config = manyInstances(500);
    const shards = planShards(config, 2);
    expect(shards.map((s) => s.base)).toEqual([true, false]);
    const assigned = shards.flatMap((s) => [...s.instances]);
    expect(assigned.sort()).toEqual(config.instances!.map((i) => i.name).sort());
    // The first shard also builds 4 clusters' base stacks, so it takes fewer instances.
    expect(shards[0].instances.size).toBeLessThan(shards[1].instances.size);
    expect(shards[1].instances.size - shards[0].instances.size).toBeLessThan(50);
    expect(planShards(config, 1)).toEqual([{ base: true, instances: new Set(config.instances!.map((i) => i.name)) }]);
  });

  it('uses a shard per core only when each gets enough instances, and takes an explicit count', () => {
    expect(shardCount(3, 8)).toBe(1);
    expect(shardCount(120, 2)).toBe(2);
    expect(shardCount(500, 4)).toBe(4);
    expect(shardCount(500, 1)).toBe(1);
    expect(shardCount(3, 8, '2')).toBe(2);
    expect(shardCount(1, 8, '4')).toBe(1);
    expect(() => shardCount(10, 2, 'two')).toThrow(
      'SANDBOXKIT_SYNTH_SHARDS: expected a whole number of at least 1, got "two"',
    );
    expect(() => shardCount(10, 2, '0')).toThrow(/at least 1/);
  });
});
