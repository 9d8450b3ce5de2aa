import type { WebProxyAuthConfig } from '../../config/types';
import type { WebUser } from './access';

export const DEFAULT_PROXY = {
  userHeader: 'X-Forwarded-Email',
  groupsHeader: 'X-Forwarded-Groups',
  trustedAddresses: ['127.0.0.1', '::1'],
} as const;

/** A request's address as the socket says, with an IPv4-mapped IPv6 address written as IPv4. */
export const plainAddress = (address: string | undefined): string => (address ?? '').replace(/^::ffff:/, '');

/** The outcome of reading the user from a request: a user, or why there is none (the page says it). */
export type Identified = { readonly user: WebUser } | { readonly refused: string };

/**
 * The user a trusted reverse proxy says made the request (as oauth2-proxy passes it with `--set-xauthrequest` or
 * `--pass-user-headers`). The headers are believed only from the proxy's own addresses: anyone else could set them.
 */
export function proxyUser(
  header: (name: string) => string | undefined,
  remoteAddress: string | undefined,
  config: WebProxyAuthConfig,
): Identified {
  const trusted = config.trustedAddresses ?? DEFAULT_PROXY.trustedAddresses;
  const from = plainAddress(remoteAddress);
  if (!trusted.includes(from))
    return {
      refused: `requests must come through the sign-in proxy; ${from || 'this address'} is not one of its addresses`,
    };
  const userHeader = config.userHeader ?? DEFAULT_PROXY.userHeader;
  const name = header(userHeader)?.trim();
  if (!name) return { refused: `the sign-in proxy sent no ${userHeader} header: sign in through the proxy` };
  const groups = (header(config.groupsHeader ?? DEFAULT_PROXY.groupsHeader) ?? '')
    .split(',')
    .map((g) => g.trim())
    .filter(Boolean);
  return { user: { name, groups } };
}
