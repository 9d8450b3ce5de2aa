import { cidrsOverlap, parseCidr, type Cidr } from '../constructs/cidr';
import type { PathIssue } from './path-issue';

type Raw = Record<string, unknown>;
type Path = readonly (string | number)[];

const isObject = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Network defaults of each cloud, as the cluster constructs apply them. */
const DEFAULTS: Record<string, Record<string, string>> = {
  aws: { vpcCidr: '10.0.0.0/16' },
  azure: {
    vnetCidr: '10.10.0.0/16',
    nodeSubnetCidr: '10.10.0.0/20',
    podCidr: '10.244.0.0/16',
    serviceCidr: '10.250.0.0/16',
  },
  gcp: { nodeCidr: '10.20.0.0/20', podCidr: '10.24.0.0/14', serviceCidr: '10.28.0.0/20', masterCidr: '172.16.0.0/28' },
};

const toText = (c: Cidr) => `${[24, 16, 8, 0].map((s) => (c.base >>> s) & 255).join('.')}/${c.prefix}`;

/** The CIDR, or undefined after reporting why not: a form error is the schema's to report, host bits are ours. */
function cidrAt(value: unknown, path: Path, issues: PathIssue[]): Cidr | undefined {
  if (typeof value !== 'string') return undefined;
  let cidr: Cidr;
  try {
    cidr = parseCidr(value, 'cidr');
  } catch {
    return undefined;
  }
  const size = 2 ** (32 - cidr.prefix);
  if (cidr.base % size !== 0) {
    const network = { ...cidr, base: cidr.base - (cidr.base % size) };
    issues.push({
      path,
      message: `has host bits set: ${value} is inside network ${toText(network)}; write the network address, e.g. ${toText(network)}`,
    });
  }
  return cidr;
}

/**
 * CIDRs of every cluster: no host bits, networks that must not overlap do
 * not, subnets lie inside their network, and sizes the clouds require.
 */
export function networkIssues(cluster: unknown, index: number, issues: PathIssue[]): void {
  if (!isObject(cluster)) return;
  const base: Path = ['clusters', index];
  const cloud = String(cluster.cloud);
  const network = isObject(cluster.network) ? cluster.network : {};
  const lists: Record<string, string> = { aws: 'publicAccessCidrs', azure: 'authorizedIpRanges' };
  for (const field of [lists[cloud], cloud === 'azure' ? 'keyVaultAllowedIpRanges' : undefined]) {
    if (field && Array.isArray(cluster[field]))
      (cluster[field] as unknown[]).forEach((c, i) => cidrAt(c, [...base, field, i], issues));
  }
  if (cloud === 'gcp' && Array.isArray(cluster.masterAuthorizedNetworks)) {
    cluster.masterAuthorizedNetworks.forEach(
      (n, i) => isObject(n) && cidrAt(n.cidr, [...base, 'masterAuthorizedNetworks', i, 'cidr'], issues),
    );
  }
  const defaults = DEFAULTS[cloud];
  if (!defaults || (cloud === 'aws' && isObject(network.existing))) return;
  const cidrs = new Map<string, { cidr: Cidr; path: Path }>();
  for (const field of Object.keys(defaults)) {
    const given = network[field] !== undefined;
    const path = given ? [...base, 'network', field] : [...base, 'network'];
    const cidr = cidrAt(given ? network[field] : defaults[field], path, issues);
    if (cidr) cidrs.set(field, { cidr, path });
  }
  const at = (field: string) => cidrs.get(field);
  if (cloud === 'aws') {
    const vpc = at('vpcCidr');
    if (vpc && vpc.cidr.prefix > 16)
      issues.push({ path: vpc.path, message: `must be a /16 or larger to hold the subnets, got ${vpc.cidr.text}` });
    return;
  }
  const separate =
    cloud === 'azure' ? ['vnetCidr', 'podCidr', 'serviceCidr'] : ['nodeCidr', 'podCidr', 'serviceCidr', 'masterCidr'];
  for (let i = 0; i < separate.length; i++) {
    for (let j = i + 1; j < separate.length; j++) {
      const a = at(separate[i]);
      const b = at(separate[j]);
      if (a && b && cidrsOverlap(a.cidr, b.cidr)) {
        const later = network[separate[j]] !== undefined ? b : a;
        issues.push({
          path: later.path,
          message: `${separate[j]} (${b.cidr.text}) overlaps ${separate[i]} (${a.cidr.text}); the ranges must be disjoint`,
        });
      }
    }
  }
  if (cloud === 'azure') {
    const vnet = at('vnetCidr');
    const node = at('nodeSubnetCidr');
    if (vnet && node && (!cidrsOverlap(vnet.cidr, node.cidr) || node.cidr.prefix < vnet.cidr.prefix)) {
      issues.push({
        path: node.path,
        message: `nodeSubnetCidr (${node.cidr.text}) must lie inside vnetCidr (${vnet.cidr.text})`,
      });
    }
  }
  if (cloud === 'gcp') {
    const master = at('masterCidr');
    if (master && master.cidr.prefix !== 28)
      issues.push({ path: master.path, message: `must be a /28, got ${master.cidr.text}` });
  }
}
