import type { CatalogEntry, Requirement } from '../constructs/catalog/types';
import { describeRequirement, matchesRequirement } from '../constructs/instance/match';
import { sharedNamespace } from '../constructs/shared/shared-names';
import { SHARED_HOSTNAME_LABEL } from '../constructs/shared/shared-plan';
import { describeUnmet, unmetClusterRequirements } from '../constructs/instance/cluster-labels';
import { secretManagerKeyProblem } from '../constructs/secret-manager-keys';
import { broughtSecretKeyProblem } from '../constructs/instance/tenant-names';
import { clusterLabels } from './cluster-labels';
import type { PathIssue } from './path-issue';

type Raw = Record<string, unknown>;
const isObject = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks of what environments ask of their cluster: protection from expiry
 * only where the cluster allows it, and the cluster requirements of their
 * blocks met by the cluster's labels.
 */
export function environmentIssues(
  clusters: readonly unknown[],
  instances: readonly unknown[],
  catalog: ReadonlyMap<string, CatalogEntry | undefined>,
  issues: PathIssue[],
): void {
  const byName = new Map(clusters.filter(isObject).map((c) => [c.name, c]));
  clusters.forEach((c, ci) => isObject(c) && sharedBlockEntryIssues(c, ci, catalog, issues));
  instances.forEach((inst, i) => {
    if (!isObject(inst)) return;
    const cluster = byName.get(inst.cluster);
    if (cluster) clusterRequirementIssues(inst, i, cluster, catalog, issues);
    if (cluster) sharedBlockIssues(inst, i, cluster, issues);
    if (cluster) sharedNameIssues(inst, i, cluster, issues);
    if (cluster) broughtSecretIssues(inst, i, cluster, issues);
    if (inst.protected !== true) return;
    if (cluster && cluster.allowProtectedInstances !== true) {
      issues.push({
        path: ['instances', i, 'protected'],
        message: `cluster "${String(inst.cluster)}" does not allow protected instances; set allowProtectedInstances: true on it, or give the instance a ttlHours`,
      });
    }
    if (inst.ttlHours !== undefined) {
      issues.push({
        path: ['instances', i, 'ttlHours'],
        message: 'a protected instance never expires; remove ttlHours or protected',
      });
    }
  });
}

/** Secrets brought from the cluster's secret manager: only where there is one, under a name it accepts. */
function broughtSecretIssues(inst: Raw, i: number, cluster: Raw, issues: PathIssue[]): void {
  (Array.isArray(inst.secrets) ? inst.secrets : []).forEach((s, si) => {
    if (!isObject(s) || !isObject(s.from) || !('secretManager' in s.from)) return;
    const path = ['instances', i, 'secrets', si, 'from', 'secretManager'];
    if (cluster.cloud === 'existing') {
      issues.push({
        path,
        message: `cluster "${String(cluster.name)}" has no secret manager; bring the secret from a file instead`,
      });
      return;
    }
    // A wildcard or a generated secret's name is refused once, by the tenant check of brought keys.
    const problem =
      typeof s.from.secretManager === 'string' && !broughtSecretKeyProblem(s.from.secretManager, String(cluster.cloud))
        ? secretManagerKeyProblem(String(cluster.cloud), s.from.secretManager)
        : undefined;
    if (problem)
      issues.push({ path, message: `cluster "${String(cluster.name)}" is ${String(cluster.cloud)}: ${problem}` });
  });
}

function clusterRequirementIssues(
  inst: Raw,
  i: number,
  cluster: Raw,
  catalog: ReadonlyMap<string, CatalogEntry | undefined>,
  issues: PathIssue[],
): void {
  const labels = clusterLabels(cluster);
  (Array.isArray(inst.blocks) ? inst.blocks : []).forEach((b, index) => {
    const name = typeof b === 'string' ? b : isObject(b) && typeof b.name === 'string' ? b.name : undefined;
    const entry = name ? catalog.get(name) : undefined;
    if (!name || !entry) return;
    for (const unmet of unmetClusterRequirements([{ name, entry }], labels)) {
      issues.push({
        path: ['instances', i, 'blocks', index],
        message: `${describeUnmet(unmet, String(cluster.name), labels)}; choose another cluster or set its labels`,
      });
    }
  });
}

function sharedBlockIssues(inst: Raw, i: number, cluster: Raw, issues: PathIssue[]): void {
  const shared = (Array.isArray(cluster.sharedBlocks) ? cluster.sharedBlocks : []).map((b) =>
    typeof b === 'string' ? b : isObject(b) ? b.name : undefined,
  );
  (Array.isArray(inst.uses) ? inst.uses : []).forEach((name, u) => {
    if (typeof name === 'string' && !shared.includes(name)) {
      issues.push({
        path: ['instances', i, 'uses', u],
        message: `cluster "${String(cluster.name)}" does not share "${name}"; its sharedBlocks are ${shared.filter(Boolean).join(', ') || 'none'}`,
      });
    }
  });
}

/**
 * Shared blocks come from the catalog; one that needs a database takes it from the one shared block of that engine
 * on the cluster, and one that requires another finds it among them.
 */
function sharedBlockEntryIssues(
  cluster: Raw,
  ci: number,
  catalog: ReadonlyMap<string, CatalogEntry | undefined>,
  issues: PathIssue[],
): void {
  const shared = (Array.isArray(cluster.sharedBlocks) ? cluster.sharedBlocks : []).map((b) =>
    typeof b === 'string' ? b : isObject(b) && typeof b.name === 'string' ? b.name : undefined,
  );
  shared.forEach((name, bi) => {
    if (!name) return;
    const path = ['clusters', ci, 'sharedBlocks', bi];
    if (!catalog.has(name)) {
      issues.push({
        path,
        message: `unknown building block "${name}"; the catalog offers ${[...catalog.keys()].sort().join(', ')}`,
      });
      return;
    }
    const entry = catalog.get(name);
    const others = shared.filter((o): o is string => !!o && o !== name);
    const engine = entry?.needs?.database;
    const providers = others.filter((o) => catalog.get(o)?.provides?.database?.engine === engine);
    if (engine && providers.length !== 1)
      issues.push({
        path,
        message: `"${name}" needs a ${engine} database, which a shared block of that engine gives it: ${providers.length ? `${providers.join(' and ')} both provide one; share one` : `share one too (e.g. ${engine === 'postgresql' ? 'postgresql' : engine})`}`,
      });
    for (const req of entry?.requires?.strong ?? []) {
      if (!others.some((o) => catalog.get(o) && safeMatches(catalog.get(o)!.labels, req)))
        issues.push({
          path,
          message: `shared block "${name}" requires ${describeRequirement(req)}, which no other shared block of cluster "${String(cluster.name)}" provides; share a block that does`,
        });
    }
  });
}

function safeMatches(labels: Readonly<Record<string, string>>, req: Requirement): boolean {
  try {
    return matchesRequirement(labels, req);
  } catch {
    return false;
  }
}

/**
 * Names the cluster's shared blocks hold: `shared` (their hostnames are `<block>.shared.<domain>`) and the namespace
 * `shared-<block>` of each shared block; an instance there would collide with them.
 */
function sharedNameIssues(inst: Raw, i: number, cluster: Raw, issues: PathIssue[]): void {
  if (inst.name === SHARED_HOSTNAME_LABEL)
    issues.push({
      path: ['instances', i, 'name'],
      message: `"${SHARED_HOSTNAME_LABEL}" is reserved: shared blocks serve their hostnames under ${SHARED_HOSTNAME_LABEL}.<domain>`,
    });
  const namespace = typeof inst.namespace === 'string' ? inst.namespace : inst.name;
  const shared = (Array.isArray(cluster.sharedBlocks) ? cluster.sharedBlocks : []).map((b) =>
    typeof b === 'string' ? b : isObject(b) ? b.name : undefined,
  );
  if (typeof namespace === 'string' && shared.some((b) => typeof b === 'string' && sharedNamespace(b) === namespace))
    issues.push({
      path: ['instances', i, typeof inst.namespace === 'string' ? 'namespace' : 'name'],
      message: `"${namespace}" is the namespace of a shared block of cluster "${String(cluster.name)}"; choose another`,
    });
}

/** Members exist, belong to one group each, and bring the group's CA. */
export function instanceGroupIssues(
  groups: readonly unknown[],
  instances: readonly unknown[],
  issues: PathIssue[],
): void {
  const byName = new Map(instances.filter(isObject).map((i) => [i.name, i]));
  const memberOf = new Map<unknown, number>();
  groups.forEach((g, gi) => {
    if (!isObject(g)) return;
    // An instance of the group's name would own `*.<group>.<domain>`, the members' names among them.
    if (byName.has(g.name))
      issues.push({
        path: ['instanceGroups', gi, 'name'],
        message: `"${String(g.name)}" is the name of an instance; a group needs a name of its own`,
      });
    if (!Array.isArray(g.members)) return;
    const ca = isObject(g.ca) ? g.ca.secret : undefined;
    const nodes = isObject(g.expose) && typeof g.expose.nodes === 'number' ? g.expose.nodes : 1;
    g.members.forEach((entry, mi) => {
      const path = ['instanceGroups', gi, 'members', mi];
      const m = isObject(entry) ? entry.instance : entry;
      const addresses = isObject(entry) && Array.isArray(entry.addresses) ? entry.addresses : undefined;
      if (addresses && addresses.length !== nodes)
        issues.push({
          path: [...path, 'addresses'],
          message: `gives ${addresses.length} address${addresses.length === 1 ? '' : 'es'} for ${nodes} node${nodes === 1 ? '' : 's'} (expose.nodes): one per node, in order`,
        });
      const inst = byName.get(m);
      if (!inst) {
        issues.push({ path, message: `"${String(m)}" is not a declared instance` });
        return;
      }
      const earlier = memberOf.get(m);
      if (earlier !== undefined)
        issues.push({ path, message: `instance "${String(m)}" is already a member of instanceGroups[${earlier}]` });
      memberOf.set(m, gi);
      const brings = (Array.isArray(inst.secrets) ? inst.secrets : []).some((s) => isObject(s) && s.name === ca);
      if (typeof ca === 'string' && !brings) {
        issues.push({
          path,
          message: `instance "${String(m)}" must bring the group's CA as secret "${ca}" (instances[].secrets)`,
        });
      }
    });
  });
}
