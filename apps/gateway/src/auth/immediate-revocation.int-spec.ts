import { performance } from 'node:perf_hooks';
import { bootstrapToken, client, startGateway, startTokenService, type GatewayHarness, type TokenServiceHarness } from '../test/gateway-harness';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const VERIFY = '/api/v1/apitokens/verify';
// Load goes to a route whose service does not itself look at the calling token: only the gateway stands in the way.
const LIST = '/api/v1/apitokens?limit=1';

describe('immediate revocation across two gateway replicas with warm caches', () => {
  let tokens: TokenServiceHarness;
  let replicas: GatewayHarness[];
  let admin: { secret: string };

  beforeAll(async () => {
    tokens = await startTokenService();
    replicas = [await startGateway(tokens.url), await startGateway(tokens.url)];
    admin = await bootstrapToken(tokens.url, { rateLimit: { limit: 100_000, windowSeconds: 60 } });
  });
  afterAll(async () => {
    for (const replica of replicas ?? []) await replica.close();
    await tokens?.close();
  });

  /**
   * Fires requests with `secret` continuously across both replicas (8 in flight), applies `change`
   * through replica A, and returns every request's send time and status, the change's response and
   * the moment it had been received.
   */
  async function fireAcross<T>(secret: string, change: (admin: ReturnType<typeof client>) => Promise<T>) {
    const clients = replicas.map((replica) => client(replica.url));
    try {
      for (const c of clients) expect((await c.call('GET', LIST, secret)).status).toBe(200); // warm both caches
      const results: { sentAt: number; status: number; replica: number }[] = [];
      let stop = false;
      const workers = Array.from({ length: 8 }, async (_, worker) => {
        for (let i = 0; !stop; i++) {
          const replica = (worker + i) % 2;
          const sentAt = performance.now();
          const { status } = await clients[replica].call('GET', LIST, secret);
          results.push({ sentAt, status, replica });
        }
      });
      // Enough accepted load before the change, and enough load on each replica after it, however
      // busy the machine is (bounded, so a stall fails the volume checks rather than hanging; a
      // quiet machine gets there in well under a second).
      const until = async (enough: () => boolean) => {
        for (const deadline = performance.now() + 30_000; !enough() && performance.now() < deadline; ) await sleep(20);
      };
      await until(() => results.filter((r) => r.status === 200).length >= 40);
      const changed = await change(clients[0]);
      const changedAt = performance.now();
      const afterOn = (replica: number) => results.filter((r) => r.sentAt >= changedAt && r.replica === replica).length;
      await until(() => afterOn(0) >= 40 && afterOn(1) >= 40);
      stop = true;
      await Promise.all(workers);
      return { results, changedAt, changed };
    } finally {
      await Promise.all(clients.map((c) => c.close()));
    }
  }

  function expectNoneAcceptedAfter({ results, changedAt }: { results: { sentAt: number; status: number; replica: number }[]; changedAt: number }) {
    const before = results.filter((r) => r.sentAt < changedAt);
    const after = results.filter((r) => r.sentAt >= changedAt);
    expect(before.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(20);
    expect(after.filter((r) => r.replica === 0).length).toBeGreaterThanOrEqual(20);
    expect(after.filter((r) => r.replica === 1).length).toBeGreaterThanOrEqual(20);
    expect(after.filter((r) => r.status !== 401)).toEqual([]);
  }

  const createToken = async () => {
    const c = client(replicas[0].url);
    try {
      const created = await c.call('POST', '/api/v1/apitokens', admin.secret, { name: 'under-load', scopes: ['tokens:read'], rateLimit: { limit: 100_000, windowSeconds: 60 } });
      expect(created.status).toBe(201);
      return { id: created.body.data.id as string, secret: created.body.data.token as string };
    } finally {
      await c.close();
    }
  };

  it('DELETE: once the response is received, no replica accepts the secret', async () => {
    const token = await createToken();
    const run = await fireAcross(token.secret, (c) => c.call('DELETE', `/api/v1/apitokens/${token.id}`, admin.secret));
    expect(run.changed.status).toBe(200);
    expectNoneAcceptedAfter(run);
  });

  it('disable: once the response is received, no replica accepts the secret', async () => {
    const token = await createToken();
    const run = await fireAcross(token.secret, (c) => c.call('PATCH', `/api/v1/apitokens/${token.id}`, admin.secret, { enabled: false }));
    expect(run.changed.status).toBe(200);
    expectNoneAcceptedAfter(run);
  });

  it('rotate: once the response is received, no replica accepts the old secret, and both accept the new one', async () => {
    const token = await createToken();
    const run = await fireAcross(token.secret, (c) => c.call('POST', `/api/v1/apitokens/${token.id}/rotate`, admin.secret, {}));
    expect(run.changed.status).toBe(200);
    const newSecret = run.changed.body.data.token as string;
    expectNoneAcceptedAfter(run);
    for (const replica of replicas) {
      const c = client(replica.url);
      expect((await c.call('GET', VERIFY, newSecret)).status).toBe(200);
      await c.close();
    }
  });
});
