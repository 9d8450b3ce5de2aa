/** Compares two versions such as `1.2.3`, `v16.4` or `2024.12.18`; missing parts count as 0, pre-releases sort first. */
export function compareVersions(a: string, b: string): number {
  const parse = (v: string) => {
    const [core, pre] = v.replace(/^v/, '').split('-', 2);
    return { parts: core.split('.').map((p) => Number.parseInt(p, 10)), pre };
  };
  const x = parse(a);
  const y = parse(b);
  if (x.parts.some(Number.isNaN) || y.parts.some(Number.isNaN)) {
    throw new Error(`cannot compare versions "${a}" and "${b}": expected numbers separated by dots`);
  }
  for (let i = 0; i < Math.max(x.parts.length, y.parts.length); i++) {
    const d = (x.parts[i] ?? 0) - (y.parts[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  if (x.pre === y.pre) return 0;
  if (x.pre === undefined) return 1;
  if (y.pre === undefined) return -1;
  return x.pre < y.pre ? -1 : 1;
}
