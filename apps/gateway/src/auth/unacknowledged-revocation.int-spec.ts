import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { tokenVersionKey } from '@warden/api-token';
import { eventually } from '@warden/testing';
import { bootstrapToken, redisReady, startGateway, startOwnRedis, startTokenService, type GatewayHarness, type TokenServiceHarness } from '../test/gateway-harness';

const LIST = '/api/v1/apitokens?limit=1';

/**
 * The attack: revoke, disable or rotate a leaked token while the token service cannot reach Redis,
 * and count on a `200` that no gateway replica heard of (a replica that kept its Redis keeps
 * honouring its cached verification). The answer is `503` with `Retry-After`, the change is kept in
 * MongoDB, and repeating the same request once Redis is back sends the signal and answers `200`.
 */
describe('a revocation gateways did not hear of is refused, kept, and completed by repeating it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'warden-unacked-'));
  let redis: Awaited<ReturnType<typeof startOwnRedis>>;
  let tokens: TokenServiceHarness;
  let gateway: GatewayHarness;
  let admin: { secret: string; accountId: string };

  beforeAll(async () => {
    redis = await startOwnRedis(dir);
    tokens = await startTokenService({ redisUrl: redis.url });
    gateway = await startGateway(tokens.url, { REDIS_URL: redis.url });
    admin = await bootstrapToken(tokens.url, { rateLimit: { limit: 1000, windowSeconds: 60 } });
  });
  afterAll(async () => {
    await gateway?.close();
    await tokens?.close();
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const as = (secret: string) => ({
    call: (method: 'get' | 'post' | 'patch' | 'delete', path: string, body?: object) => {
      const req = request(gateway.url)[method](path).set('Authorization', `Bearer ${secret}`);
      return body === undefined ? req : req.send(body);
    },
  });
  const create = async (name: string) => {
    const response = await as(admin.secret).call('post', '/api/v1/apitokens', { name, scopes: ['tokens:read'] });
    expect(response.status).toBe(201);
    return { id: response.body.data.id as string, secret: response.body.data.token as string };
  };
  const stored = (id: string) => tokens.mongo.collection('api_tokens').findOne({ _id: id as never });
  const versionKey = (id: string) => tokens.redis.get(tokenVersionKey(admin.accountId, id));

  it('answers 503 with Retry-After while Redis is down, keeps the change, and completes it on the repeat', async () => {
    const revoked = await create('revoked');
    const disabled = await create('disabled');
    const rotated = await create('rotated');
    for (const token of [revoked, disabled, rotated]) expect((await as(token.secret).call('get', LIST)).status).toBe(200);
    expect(await versionKey(disabled.id)).toBe('1');

    await redis.stop();
    expect(await eventually(() => tokens.redis.status, (status) => status !== 'ready')).not.toBe('ready');

    const [revoke, disable, rotate] = await Promise.all([
      as(admin.secret).call('delete', `/api/v1/apitokens/${revoked.id}`),
      as(admin.secret).call('patch', `/api/v1/apitokens/${disabled.id}`, { enabled: false }),
      as(admin.secret).call('post', `/api/v1/apitokens/${rotated.id}/rotate`, {}),
    ]);
    for (const response of [revoke, disable, rotate]) {
      expect([response.status, response.headers['retry-after'], response.headers['content-type']]).toEqual([503, '5', expect.stringMatching(/^application\/problem\+json/)]);
      expect(response.body).toMatchObject({ status: 503, success: false, detail: expect.stringMatching(/saved.*repeat the request/) });
    }
    // No secret in a refused rotation.
    expect(JSON.stringify(rotate.body)).not.toMatch(/wdn_/);
    // Every change is kept in MongoDB.
    expect(await stored(revoked.id)).toMatchObject({ deletedAt: expect.any(Date), keepTombstone: true });
    expect(await stored(disabled.id)).toMatchObject({ enabled: false, authVersion: 2 });
    expect(await stored(rotated.id)).toMatchObject({ authVersion: 2 });

    await redis.start();
    await Promise.all([redisReady(tokens.redis), redisReady(gateway.redis)]);
    // Redis came back with the versions it had: the changes are not announced yet.
    expect([await versionKey(revoked.id), await versionKey(disabled.id), await versionKey(rotated.id)]).toEqual(['1', '1', '1']);

    // The same requests again complete them.
    const again = await as(admin.secret).call('delete', `/api/v1/apitokens/${revoked.id}`);
    expect([again.status, again.body]).toEqual([200, { success: true, messages: ['API token revoked.'], data: { id: revoked.id, deleted: true } }]);
    expect(await versionKey(revoked.id)).toBe('revoked');
    const disableAgain = await as(admin.secret).call('patch', `/api/v1/apitokens/${disabled.id}`, { enabled: false });
    expect([disableAgain.status, disableAgain.body.data?.enabled]).toEqual([200, false]);
    expect(await versionKey(disabled.id)).toBe('2');
    const rotateAgain = await as(admin.secret).call('post', `/api/v1/apitokens/${rotated.id}/rotate`, {});
    expect(rotateAgain.status).toBe(200);
    expect(await versionKey(rotated.id)).toBe('3');

    // The gateway refuses every old secret and takes the new one.
    for (const token of [revoked, disabled, rotated]) expect((await as(token.secret).call('get', LIST)).status).toBe(401);
    expect((await as(rotateAgain.body.data.token).call('get', LIST)).status).toBe(200);

    // Once acknowledged, a revoked token is gone: the tombstone leaves with its event, and a third DELETE is 404.
    expect(await eventually(() => stored(revoked.id), (doc) => doc === null)).toBeNull();
    expect((await as(admin.secret).call('delete', `/api/v1/apitokens/${revoked.id}`)).status).toBe(404);
  });
});
