import type { CatalogEntry } from '../constructs/catalog/types';
import type { PathIssue } from './path-issue';

type Raw = Record<string, unknown>;
const isObject = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Clouds whose instance stacks create a managed database server (Google and Azure: on clusters with `managedDatabases`). */
export const MANAGED_DATABASE_CLOUDS: readonly string[] = ['aws', 'gcp', 'azure'];

/** `database` of each instance: a managed server needs a cloud that creates one and no in-cluster block of the same engine. */
export function managedDatabaseIssues(data: Raw, builtin: readonly CatalogEntry[]): PathIssue[] {
  const clusters = new Map(
    (Array.isArray(data.clusters) ? data.clusters : []).filter(isObject).map((c) => [c.name, c]),
  );
  const catalog = new Map<unknown, unknown>(builtin.map((e) => [e.name, e.provides?.database?.engine]));
  for (const e of Array.isArray(data.catalog) ? data.catalog : []) {
    if (isObject(e))
      catalog.set(
        e.name,
        isObject(e.provides) && isObject(e.provides.database) ? e.provides.database.engine : undefined,
      );
  }
  const issues: PathIssue[] = [];
  (Array.isArray(data.instances) ? data.instances : []).forEach((inst, i) => {
    if (!isObject(inst) || !isObject(inst.database) || inst.database.source !== 'managed') return;
    const engine = inst.database.engine;
    const path = ['instances', i, 'database'];
    const cluster = clusters.get(inst.cluster);
    const cloud = cluster?.cloud;
    if (cloud === 'existing') {
      issues.push({
        path: [...path, 'source'],
        message: `cluster "${String(inst.cluster)}" is an existing cluster, with no cloud account to create a managed database in: use source: cluster and list the ${String(engine)} block`,
      });
    } else if (typeof cloud === 'string' && !MANAGED_DATABASE_CLOUDS.includes(cloud)) {
      issues.push({
        path: [...path, 'source'],
        message: `managed databases are created on ${MANAGED_DATABASE_CLOUDS.join(', ')} clusters; cluster "${String(inst.cluster)}" is ${cloud}: use source: cluster and list the ${String(engine)} block`,
      });
    }
    if ((cloud === 'gcp' || cloud === 'azure') && !isObject(cluster?.managedDatabases)) {
      const what =
        cloud === 'gcp'
          ? 'private services access and a Cloud SQL key'
          : 'a delegated subnet, private DNS zone and key';
      issues.push({
        path: [...path, 'source'],
        message: `cluster "${String(inst.cluster)}" does not offer managed databases: set managedDatabases: {} on it (${what}), or use source: cluster`,
      });
    }
    if (cloud === 'azure' && engine !== 'postgresql')
      issues.push({
        path: [...path, 'engine'],
        message: `managed databases on Azure are PostgreSQL Flexible Servers; use source: cluster for ${String(engine)}`,
      });
    const size = inst.database.instanceClass;
    if (typeof size === 'string' && cloud === 'aws' && !size.startsWith('db.'))
      issues.push({
        path: [...path, 'instanceClass'],
        message: `on AWS this is an RDS instance class such as db.t4g.micro, got "${size}"`,
      });
    if (typeof size === 'string' && cloud === 'gcp' && !size.startsWith('db-'))
      issues.push({
        path: [...path, 'instanceClass'],
        message: `on Google this is a Cloud SQL tier such as db-custom-1-3840, got "${size}"`,
      });
    if (typeof size === 'string' && cloud === 'azure' && !/^(B|GP|MO)_Standard_/.test(size))
      issues.push({
        path: [...path, 'instanceClass'],
        message: `on Azure this is a Flexible Server SKU such as B_Standard_B1ms, got "${size}"`,
      });
    const version = inst.database.version;
    if (typeof version === 'string' && engine === 'postgresql' && Number(version.split('.')[0]) < 13) {
      issues.push({
        path: [...path, 'version'],
        message: `managed PostgreSQL starts at major version 13, got "${version}"`,
      });
    }
    if (typeof version === 'string' && engine === 'mysql' && !['8.0', '8.4'].includes(version)) {
      issues.push({
        path: [...path, 'version'],
        message: `managed MySQL is 8.0 or 8.4 (major.minor), got "${version}"`,
      });
    }
    (Array.isArray(inst.blocks) ? inst.blocks : []).forEach((b, j) => {
      const name = isObject(b) ? b.name : b;
      if (catalog.get(name) === engine) {
        issues.push({
          path: ['instances', i, 'blocks', j],
          message: `"${String(name)}" provides ${String(engine)}, which the instance's managed database provides: remove the block or use database.source: cluster`,
        });
      }
    });
  });
  return issues;
}
