import { parseCidr } from './cidr';

/** The widest range a public API endpoint may be opened to, unless a cluster sets its own bound: a /8. */
export const DEFAULT_PUBLIC_ACCESS_MIN_PREFIX = 8;

/**
 * Throws unless every range is an IPv4 CIDR no wider than `/minPrefixLength`. Checking for `/0` alone is not
 * enough: `0.0.0.0/1` and `128.0.0.0/1` together open the endpoint to the whole internet as well.
 */
export function assertPublicAccessRanges(
  where: string,
  field: string,
  ranges: readonly string[],
  minPrefixLength = DEFAULT_PUBLIC_ACCESS_MIN_PREFIX,
): void {
  if (!Number.isInteger(minPrefixLength) || minPrefixLength < 1 || minPrefixLength > 32) {
    throw new Error(
      `${where}: publicAccessMinPrefixLength must be a whole number from 1 to 32, got ${minPrefixLength}`,
    );
  }
  ranges.forEach((text, i) => {
    const cidr = parseCidr(text, `${where}: ${field}[${i}]`);
    if (cidr.prefix < minPrefixLength) {
      throw new Error(
        `${where}: ${field}[${i}] must not be wider than /${minPrefixLength}, got ${text}; list the networks that need the API (publicAccessMinPrefixLength sets the bound)`,
      );
    }
  });
}
