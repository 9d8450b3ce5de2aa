import type { PathIssue } from './path-issue';

type Raw = Record<string, unknown>;
const isObject = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Clouds whose instance stacks create `cloudResources`; the others take them from the cloud mock. */
export const CLOUD_RESOURCE_CLOUDS: readonly string[] = ['aws', 'azure', 'gcp'];

/** `cloudResources` of each instance against its cluster's cloud and its mocks. */
export function cloudResourceIssues(data: Raw): PathIssue[] {
  const clusters = new Map(
    (Array.isArray(data.clusters) ? data.clusters : []).filter(isObject).map((c) => [c.name, c.cloud]),
  );
  const issues: PathIssue[] = [];
  (Array.isArray(data.instances) ? data.instances : []).forEach((inst, i) => {
    if (!isObject(inst) || !isObject(inst.cloudResources)) return;
    const r = inst.cloudResources;
    const path = ['instances', i, 'cloudResources'];
    if (!r.objectStorage && !r.queue && !r.table)
      issues.push({ path, message: 'asks for nothing: set objectStorage, queue or table to true' });
    const source = r.source ?? 'cloud';
    const cloud = clusters.get(inst.cluster);
    if (source === 'cloud' && typeof cloud === 'string' && !CLOUD_RESOURCE_CLOUDS.includes(cloud)) {
      issues.push({
        path: [...path, 'source'],
        message: `cloud resources are created on ${CLOUD_RESOURCE_CLOUDS.join(', ')} clusters; cluster "${String(inst.cluster)}" is ${cloud}: set source: mock (with the cloud mock)`,
      });
    }
    // Cloud Storage refuses bucket names containing "google"; the bucket is named sandbox-<cluster>-<instance>.
    if (
      source === 'cloud' &&
      cloud === 'gcp' &&
      r.objectStorage &&
      /google/.test(`${String(inst.cluster)}-${String(inst.name)}`)
    ) {
      issues.push({
        path: [...path, 'objectStorage'],
        message: `Cloud Storage bucket names must not contain "google": rename instance "${String(inst.name)}" or cluster "${String(inst.cluster)}"`,
      });
    }
    if (source === 'cloud' && Array.isArray(inst.mocks) && inst.mocks.includes('cloud')) {
      issues.push({
        path,
        message:
          "come from the cloud, yet the instance also runs the cloud mock: blocks would get the mock's endpoint (cloudApiUrl) with the names of the real resources; set source: mock, or drop cloud from mocks",
      });
    }
    if (source === 'mock' && !(Array.isArray(inst.mocks) && inst.mocks.includes('cloud'))) {
      issues.push({
        path: [...path, 'source'],
        message: "mock needs the cloud mock: add cloud to the instance's mocks",
      });
    }
  });
  return issues;
}
