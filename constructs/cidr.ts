/** An IPv4 CIDR as numbers, for validation and overlap checks at synth. */
export interface Cidr {
  readonly base: number;
  readonly prefix: number;
  readonly text: string;
}

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses `text`; throws naming `what` when it is not an IPv4 CIDR. */
export function parseCidr(text: string, what: string): Cidr {
  const m = CIDR.exec(text);
  const octets = m ? m.slice(1, 5).map(Number) : [];
  const prefix = m ? Number(m[5]) : NaN;
  if (!m || octets.some((o) => o > 255) || prefix > 32) {
    throw new Error(`${what} must be an IPv4 CIDR such as 10.0.0.0/16, got "${text}"`);
  }
  const base = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
  return { base, prefix, text };
}

function range(c: Cidr): [number, number] {
  const size = 2 ** (32 - c.prefix);
  const start = c.base - (c.base % size);
  return [start, start + size - 1];
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  const [a0, a1] = range(a);
  const [b0, b1] = range(b);
  return a0 <= b1 && b0 <= a1;
}

/** Throws when any two of `cidrs` (name → CIDR) overlap, naming both. */
export function assertNoOverlap(owner: string, cidrs: Readonly<Record<string, string>>): void {
  const parsed = Object.entries(cidrs).map(([name, text]) => [name, parseCidr(text, `${owner}: ${name}`)] as const);
  for (let i = 0; i < parsed.length; i++) {
    for (let j = i + 1; j < parsed.length; j++) {
      if (cidrsOverlap(parsed[i][1], parsed[j][1])) {
        throw new Error(
          `${owner}: ${parsed[i][0]} (${parsed[i][1].text}) overlaps ${parsed[j][0]} (${parsed[j][1].text})`,
        );
      }
    }
  }
}
