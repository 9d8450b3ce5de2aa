import { MOCKS, type MockKind } from '../../constructs/instance/mocks';

/** Where a tester reads what a mock received (docs/concepts/mocks-and-data.md): its port and path. */
export const MOCK_JOURNALS: Readonly<
  Record<MockKind, { readonly port: number; readonly path: string; readonly what: string }>
> = {
  email: { port: 8025, path: '/', what: 'Mailpit inbox' },
  sms: { port: 8080, path: '/__admin/requests', what: 'WireMock request journal' },
  payment: { port: 8080, path: '/__admin/requests', what: 'WireMock request journal' },
  cloud: { port: 5000, path: '/moto-api/data.json', what: 'moto data' },
};

/** A mock of an instance as the page shows it: the Service, the command that reaches it, the journal's link. */
export interface MockLink {
  readonly kind: MockKind;
  readonly service: string;
  readonly portForward: string;
  readonly journalUrl: string;
  readonly what: string;
}

/**
 * The mocks are not routed through the gateway (only blocks are), so their journals are reached with a port-forward
 * to this machine; the link opens the journal once it runs.
 */
export function mockLinks(kinds: readonly MockKind[], namespace: string): MockLink[] {
  return kinds.map((kind) => {
    const j = MOCK_JOURNALS[kind];
    return {
      kind,
      service: MOCKS[kind].chart,
      portForward: `kubectl -n ${namespace} port-forward svc/${MOCKS[kind].chart} ${j.port}`,
      journalUrl: `http://localhost:${j.port}${j.path}`,
      what: j.what,
    };
  });
}
