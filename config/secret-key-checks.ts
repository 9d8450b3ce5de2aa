import { broughtSecretKeyProblem } from '../constructs/instance/tenant-names';
import type { PathIssue } from './path-issue';

type Raw = Record<string, unknown>;
const isObject = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** Brought secret-manager keys of every instance, checked against their cluster's cloud. */
export function secretKeyIssues(data: Raw): PathIssue[] {
  const clouds = new Map(list(data.clusters).flatMap((c) => (isObject(c) ? [[c.name, String(c.cloud)]] : [])));
  const issues: PathIssue[] = [];
  list(data.instances).forEach((inst, i) => {
    if (!isObject(inst)) return;
    const cloud = clouds.get(inst.cluster);
    list(inst.secrets).forEach((s, si) => {
      if (!isObject(s) || !isObject(s.from) || typeof s.from.secretManager !== 'string' || !cloud) return;
      const problem = broughtSecretKeyProblem(s.from.secretManager, cloud);
      if (problem) issues.push({ path: ['instances', i, 'secrets', si, 'from', 'secretManager'], message: problem });
    });
  });
  return issues;
}
