import { stringify } from 'yaml';
import { ConfigError, parseConfig } from '../../config/load';

const base = {
  clusters: [
    {
      name: 'lab',
      cloud: 'existing',
      ingressDomain: 'sandbox.test',
      connection: { kind: 'kubeconfig', path: '/dev/null' },
      storageClasses: { blockRwo: 'standard' },
    },
  ],
};
const parse = (web: unknown) => parseConfig(stringify({ ...base, web }), 'sandbox.yaml');
const problem = (web: unknown): string => {
  try {
    parse(web);
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  throw new Error('accepted');
};

describe('the web config key', () => {
  it('takes a sign-in proxy and admins', () => {
    expect(
      parse({ auth: { proxy: { trustedAddresses: ['127.0.0.1', '10.0.0.7'] } }, admins: ['a@example.org'] }).web,
    ).toEqual({ auth: { proxy: { trustedAddresses: ['127.0.0.1', '10.0.0.7'] } }, admins: ['a@example.org'] });
  });

  it('takes an OIDC issuer with the name of the variable that holds the client secret', () => {
    const oidc = {
      issuer: 'https://login.example.org/realms/x',
      clientId: 'sandboxkit',
      clientSecretEnv: 'SANDBOXKIT_OIDC_SECRET',
    };
    expect(parse({ externalUrl: 'https://sandboxes.example.org', auth: { oidc } }).web?.auth?.oidc).toEqual(oidc);
    expect(problem({ auth: { oidc } })).toMatch(/web\.externalUrl: is required with auth\.oidc/);
  });

  it('refuses both sign-ins at once, a secret in place of its variable, a plain-http issuer and a bad address', () => {
    expect(
      problem({
        auth: { proxy: {}, oidc: { issuer: 'https://x.example', clientId: 'c' } },
      }),
    ).toMatch(/web\.auth: must name one of proxy or oidc, not both/);
    expect(
      problem({
        auth: {
          oidc: {
            issuer: 'https://x.example',
            clientId: 'c',
            clientSecretEnv: 's3cr3t-value',
          },
        },
      }),
    ).toMatch(/web\.auth\.oidc\.clientSecretEnv: must be the name of an environment variable, not the secret/);
    expect(problem({ auth: { oidc: { issuer: 'http://x.example', clientId: 'c' } } })).toMatch(
      /web\.auth\.oidc\.issuer: must be an https:\/\/ URL/,
    );
    expect(problem({ auth: { proxy: { trustedAddresses: ['proxy.local'] } } })).toMatch(
      /web\.auth\.proxy\.trustedAddresses\[0\]: must be an IP address such as 127\.0\.0\.1 or ::1/,
    );
    expect(problem({ auth: { proxy: { userHeader: 'X Bad' } } })).toMatch(/must be an HTTP header name/);
    expect(problem({ admin: ['x'] })).toMatch(/web/);
  });
});
