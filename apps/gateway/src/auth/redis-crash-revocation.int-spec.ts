import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { tokenVersionKey } from '@warden/api-token';
import { closeServer, listen } from '@warden/http';
import { eventually } from '@warden/testing';
import { bootstrapToken, client, redisReady, startGateway, startOwnRedis, startTokenService, type GatewayHarness, type TokenServiceHarness } from '../test/gateway-harness';
import { VERIFY_PATH } from './token-verifier';

const LIST = '/api/v1/apitokens?limit=1';

/**
 * Between the gateway and the token service: forwards every call, and while `hold` is on keeps the
 * answers of verifications back until `release`, as a starved token service would be slow to send them.
 */
async function holdingProxy(target: string) {
  let held: (() => void)[] = [];
  let holding = false;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const { host: _host, connection: _connection, ...headers } = req.headers as IncomingHttpHeaders & Record<string, string>;
      const answer = await request(`${target}${req.url}`, { method: req.method as 'POST', headers, body: chunks.length > 0 ? Buffer.concat(chunks) : undefined });
      const body = Buffer.from(await answer.body.arrayBuffer());
      if (holding && req.url === VERIFY_PATH) await new Promise<void>((resolve) => held.push(resolve));
      res.writeHead(answer.statusCode, answer.headers as Record<string, string>).end(body);
    });
  });
  const url = await listen(server, 0, '127.0.0.1');
  return {
    url,
    held: () => held.length,
    hold: () => {
      holding = true;
    },
    release: () => {
      holding = false;
      const waiting = held;
      held = [];
      waiting.forEach((resolve) => resolve());
    },
    close: async () => {
      server.closeAllConnections();
      await closeServer(server);
    },
  };
}

/**
 * The attack: a leaked token is revoked (`200`: Redis took the `revoked` signal), and then Redis
 * crashes and comes back from an append-only file without its last second (`appendfsync everysec`),
 * so the token's version key holds its value from before the revoke again. The gateway drops its
 * cached verifications when its connection drops; a verification that the token service answered
 * from the token as it was before the revoke, still on its way back to the gateway, must not be
 * shared with a request that starts after the drop: its version would match the restored key.
 */
describe('a Redis crash that loses a revocation does not bring the revoked secret back', () => {
  const dir = mkdtempSync(join(tmpdir(), 'warden-redis-crash-'));
  let redis: Awaited<ReturnType<typeof startOwnRedis>>;
  let tokens: TokenServiceHarness;
  let proxy: Awaited<ReturnType<typeof holdingProxy>>;
  let gateway: GatewayHarness;
  let admin: { secret: string; accountId: string };

  beforeAll(async () => {
    redis = await startOwnRedis(dir);
    tokens = await startTokenService({ redisUrl: redis.url });
    proxy = await holdingProxy(tokens.url);
    // The held verification must outlast the revoke and the crash without timing out.
    gateway = await startGateway(proxy.url, { REDIS_URL: redis.url, TOKEN_VERIFY_TIMEOUT_MS: '20000' });
    admin = await bootstrapToken(tokens.url, { rateLimit: { limit: 1000, windowSeconds: 60 } });
  });
  afterAll(async () => {
    proxy?.release();
    await gateway?.close();
    await proxy?.close();
    await tokens?.close();
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses the revoked secret after the crash, even while a verification from before the revoke is still in flight', async () => {
    const api = client(gateway.url);
    expect((await api.call('GET', LIST, admin.secret)).status).toBe(200); // the admin token is cached: its calls need no verification
    const created = await api.call('POST', '/api/v1/apitokens', admin.secret, { name: 'leaked', scopes: ['tokens:read'] });
    expect(created.status).toBe(201);
    const leaked = { id: created.body.data.id as string, secret: created.body.data.token as string };
    const versionBefore = (await tokens.redis.get(tokenVersionKey(admin.accountId, leaked.id))) ?? 'missing';
    expect(versionBefore).toMatch(/^\d+$/);

    // A first use of the leaked secret: the token service reads the live token, its answer is slow.
    proxy.hold();
    const early = api.call('GET', LIST, leaked.secret);
    expect(await eventually(() => proxy.held(), (n) => n === 1)).toBe(1);

    const revoked = await api.call('DELETE', `/api/v1/apitokens/${leaked.id}`, admin.secret);
    expect(revoked.status).toBe(200);
    expect(await tokens.redis.get(tokenVersionKey(admin.accountId, leaked.id))).toBe('revoked');

    // Redis crashes and comes back without its last second of writes: the revoke's signal is gone.
    await redis.stop();
    expect(await eventually(() => gateway.redis.status, (status) => status !== 'ready')).not.toBe('ready');
    await redis.start();
    await redisReady([gateway.redis, tokens.redis]);
    await tokens.redis.set(tokenVersionKey(admin.accountId, leaked.id), versionBefore);
    expect(await eventually(() => gateway.authenticator.degraded, (degraded) => !degraded)).toBe(false);

    const late = api.call('GET', LIST, leaked.secret);
    // Time for the request to reach the verification step (joining the held one, or asking anew).
    await eventually(() => proxy.held(), (n) => n === 2, 1_000);
    proxy.release();
    // The first request started before the revoke was answered: either answer is allowed for it.
    expect([200, 401]).toContain((await early).status);
    // The second started after the revoke was answered: it must be refused.
    expect((await late).status).toBe(401);
    // And nothing was cached for it: the next use is refused too.
    expect((await api.call('GET', LIST, leaked.secret)).status).toBe(401);
    expect((await api.call('GET', LIST, admin.secret)).status).toBe(200);
  });
});
