import { isAdmin, mayAct } from '../../cli/web/access';
import { proxyUser } from '../../cli/web/identity';

const alice = { name: 'alice@example.org', groups: ['testers'] };
const bob = { name: 'bob@example.org', groups: [] };
const web = { admins: ['root@example.org'], adminGroups: ['platform'] };

describe('who may act on an instance', () => {
  it('lets the owner act, and says why', () => {
    expect(mayAct(alice, { owner: 'alice@example.org' }, undefined)).toEqual({
      allowed: true,
      reason: 'you own this instance',
    });
  });

  it('lets a member of the owner group act', () => {
    expect(mayAct(alice, { owner: 'carol@example.org', ownerGroup: 'testers' }, undefined).allowed).toBe(true);
  });

  it('lets the admins of the config act, by name or by group', () => {
    expect(mayAct({ name: 'root@example.org', groups: [] }, { owner: 'x' }, web).allowed).toBe(true);
    expect(mayAct({ name: 'dave', groups: ['platform'] }, { owner: 'x' }, web).allowed).toBe(true);
    expect(isAdmin(bob, web)).toBe(false);
  });

  it('refuses anyone else, naming who may', () => {
    expect(mayAct(bob, { owner: 'alice@example.org', ownerGroup: 'testers' }, web)).toEqual({
      allowed: false,
      reason:
        'you are signed in as bob@example.org; only its owner alice@example.org, members of group testers and platform admins may change this instance',
    });
  });

  it('does not take a group of the same name as the owner for the owner', () => {
    expect(
      mayAct({ name: 'eve', groups: ['alice@example.org'] }, { owner: 'alice@example.org' }, undefined).allowed,
    ).toBe(false);
  });
});

describe('the user a sign-in proxy names', () => {
  const headers =
    (h: Record<string, string>) =>
    (name: string): string | undefined =>
      Object.entries(h).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];

  it('reads the user and groups from the default oauth2-proxy headers', () => {
    expect(
      proxyUser(headers({ 'X-Forwarded-Email': 'bob@example.org', 'X-Forwarded-Groups': 'a, b,,c' }), '127.0.0.1', {}),
    ).toEqual({ user: { name: 'bob@example.org', groups: ['a', 'b', 'c'] } });
  });

  it('believes the headers only from the trusted addresses (IPv4-mapped too)', () => {
    expect(proxyUser(headers({ 'X-Forwarded-Email': 'bob' }), '::ffff:127.0.0.1', {})).toHaveProperty('user');
    expect(proxyUser(headers({ 'X-Forwarded-Email': 'root@example.org' }), '10.1.2.3', {})).toEqual({
      refused: 'requests must come through the sign-in proxy; 10.1.2.3 is not one of its addresses',
    });
    expect(
      proxyUser(headers({ 'X-Auth-User': 'bob' }), '10.0.0.5', {
        trustedAddresses: ['10.0.0.5'],
        userHeader: 'X-Auth-User',
      }),
    ).toEqual({ user: { name: 'bob', groups: [] } });
  });

  it('refuses a request without the user header', () => {
    expect(proxyUser(headers({}), '127.0.0.1', {})).toEqual({
      refused: 'the sign-in proxy sent no X-Forwarded-Email header: sign in through the proxy',
    });
  });
});
