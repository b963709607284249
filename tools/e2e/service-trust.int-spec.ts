import { randomBytes, randomUUID } from 'node:crypto';
import type { Connection } from 'mongoose';
import { parseInternalKeys } from '@warden/config';
import { ALL_SCOPES, bodyDigest, IdentitySigner, type Identity } from '@warden/http';
import { connectMongo } from '@warden/data';
import { operatorIdentity, testInfra, testSigner, TEST_KEYS } from '@warden/testing';
import { loadAuditCliEnv, requestCheckpoints } from '../cli/commands/audit';
import { startApp, stopGracefully, type RunningApp } from './processes';

/**
 * The attacker is behind the gateway: on the services' network, or holding one service's keys. Each
 * attempt goes to real service processes and is refused with 401, and nothing changes: a forged
 * identity (the development key once published in the source, or any other), a replayed one, one
 * moved onto another body, one minted for another service, an expired one, and one minted by an
 * internal caller for a route that does not list it.
 */
describe('service trust: an identity only the gateway can mint, for one request', () => {
  let tokens: RunningApp;
  let credentials: RunningApp;
  let audit: RunningApp;
  let mongo: Connection;
  const url = '/api/v1/apitokens';

  beforeAll(async () => {
    [tokens, credentials, audit] = await Promise.all([
      startApp('token-service'),
      startApp('credential-service', { SECRET_READERS: 'secrets-reader' }),
      startApp('audit-service'),
    ]);
    mongo = await connectMongo(testInfra().mongoUrl, tokens.database);
  });
  afterAll(async () => {
    await mongo?.close();
    await Promise.all([tokens, credentials, audit].filter(Boolean).map((running) => stopGracefully(running.child)));
  });

  /** Tokens of `accountId` stored by the token service: what a refused request must leave at zero. */
  const storedTokens = (accountId: string) => mongo.collection('api_tokens').countDocuments({ accountId });

  /** A token creation for a new account, with the identity headers `mint` makes for its body. */
  async function create(mint: (identity: Identity, body: string) => Record<string, string>, sendBody?: string) {
    const identity = operatorIdentity(randomUUID());
    const body = JSON.stringify({ name: 'attempt', scopes: [...ALL_SCOPES] });
    const headers = mint(identity, body);
    const response = await fetch(`${tokens.url}${url}`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: sendBody ?? body });
    return { status: response.status, problem: (await response.json()) as { detail?: string }, accountId: identity.accountId, headers, body };
  }
  const asGateway = (identity: Identity, body: string) => testSigner('gateway').sign('token-service', identity, { method: 'POST', url, digest: bodyDigest(body) });

  it('accepts the gateway\'s identity for exactly its request (the control)', async () => {
    const created = await create(asGateway);
    expect(created.status).toBe(201);
    expect(await storedTokens(created.accountId)).toBe(1);
  });

  it('refuses an identity signed with any key but the gateway\'s key for this service, the old published development key included', async () => {
    const published = Buffer.from('warden-dev-internal-signing-key-not-for-production').toString('base64url');
    for (const material of [published, randomBytes(32).toString('base64url')]) {
      const forger = new IdentitySigner('gateway', parseInternalKeys(`gateway>token-service:test-1:${material}`));
      const forged = await create((identity, body) => forger.sign('token-service', identity, { method: 'POST', url, digest: bodyDigest(body) }));
      expect([forged.status, forged.problem.detail]).toEqual([401, 'This service accepts only requests signed by the Warden gateway.']);
      expect(await storedTokens(forged.accountId)).toBe(0);
    }
  });

  it('refuses a replayed identity: the first request is served, the copy is not', async () => {
    const first = await create(asGateway);
    expect(first.status).toBe(201);
    const replay = await fetch(`${tokens.url}${url}`, { method: 'POST', headers: { ...first.headers, 'content-type': 'application/json' }, body: first.body });
    expect(replay.status).toBe(401);
    expect(await storedTokens(first.accountId)).toBe(1);
  });

  it('refuses an identity moved onto another body', async () => {
    const wider = JSON.stringify({ name: 'attempt', scopes: [...ALL_SCOPES], rateLimit: { limit: 100_000, windowSeconds: 1 } });
    const moved = await create(asGateway, wider);
    expect([moved.status, moved.problem.detail]).toEqual([401, 'The request body is not the one its identity was minted for.']);
    expect(await storedTokens(moved.accountId)).toBe(0);
  });

  it('refuses an identity minted for another service, and another method or URL', async () => {
    const elsewhere = await create((identity, body) => testSigner('gateway').sign('credential-service', identity, { method: 'POST', url, digest: bodyDigest(body) }));
    expect(elsewhere.status).toBe(401);
    expect(await storedTokens(elsewhere.accountId)).toBe(0);
    const otherUrl = await create((identity, body) => testSigner('gateway').sign('token-service', identity, { method: 'POST', url: `${url}?limit=1`, digest: bodyDigest(body) }));
    expect(otherUrl.status).toBe(401);
    expect(await storedTokens(otherUrl.accountId)).toBe(0);
  });

  it('refuses an expired identity', async () => {
    // The gateway's own key, on a clock 20 s behind: past the lifetime (10 s) and the tolerance (5 s).
    const late = new IdentitySigner('gateway', parseInternalKeys(TEST_KEYS.INTERNAL_KEYS), () => Date.now() - 20_000);
    const expired = await create((identity, body) => late.sign('token-service', identity, { method: 'POST', url, digest: bodyDigest(body) }));
    expect(expired.status).toBe(401);
    expect(await storedTokens(expired.accountId)).toBe(0);
  });

  it('refuses an internal caller on a route that does not list it, and serves it on one that does', async () => {
    const cli = testSigner('cli');
    const reader = testSigner('secrets-reader');
    const identity = operatorIdentity(randomUUID());
    // The CLI's key for the audit service opens its checkpoint route, not its public API.
    const checkpoints = '/internal/v1/audit/checkpoints';
    const checkpointBody = JSON.stringify({ accountId: identity.accountId });
    const listed = await fetch(`${audit.url}${checkpoints}`, {
      method: 'POST',
      headers: { ...cli.sign('audit-service', identity, { method: 'POST', url: checkpoints, digest: bodyDigest(checkpointBody) }), 'content-type': 'application/json' },
      body: checkpointBody,
    });
    expect(listed.status).toBe(200);
    const auditList = '/api/v1/audit?limit=1';
    expect((await fetch(`${audit.url}${auditList}`, { headers: cli.sign('audit-service', identity, { method: 'GET', url: auditList }) })).status).toBe(401);
    // The gateway's identity does not open the CLI's route either.
    const asGatewayCheckpoint = await fetch(`${audit.url}${checkpoints}`, {
      method: 'POST',
      headers: { ...testSigner('gateway').sign('audit-service', identity, { method: 'POST', url: checkpoints, digest: bodyDigest(checkpointBody) }), 'content-type': 'application/json' },
      body: checkpointBody,
    });
    expect(asGatewayCheckpoint.status).toBe(401);
    // A secrets reader reads secrets, and nothing else: not the public API, not token creation.
    const credentialList = '/api/v1/credentials';
    expect((await fetch(`${credentials.url}${credentialList}`, { headers: reader.sign('credential-service', identity, { method: 'GET', url: credentialList }) })).status).toBe(401);
    const missing = `/internal/v1/credentials/${randomUUID()}/secrets`;
    expect((await fetch(`${credentials.url}${missing}`, { headers: reader.sign('credential-service', identity, { method: 'GET', url: missing }) })).status).toBe(404);
    expect((await fetch(`${credentials.url}${missing}`, { headers: testSigner('gateway').sign('credential-service', identity, { method: 'GET', url: missing }) })).status).toBe(401);
    // The CLI holds no key the token service accepts: whatever it mints there is refused.
    expect(() => cli.sign('token-service', identity, { method: 'POST', url })).toThrow('cli holds no internal key for token-service');
  });

  it('lets `warden audit checkpoint` in with the CLI\'s own key, and refuses to run without it', async () => {
    const withKey = loadAuditCliEnv({ AUDIT_SERVICE_URL: audit.url, INTERNAL_KEYS: TEST_KEYS.INTERNAL_KEYS });
    expect(await requestCheckpoints(withKey, randomUUID())).toEqual({ checkpoints: [] });
    const gatewayKeysOnly = TEST_KEYS.INTERNAL_KEYS.split(',').filter((entry) => entry.startsWith('gateway>')).join(',');
    expect(() => loadAuditCliEnv({ AUDIT_SERVICE_URL: audit.url, INTERNAL_KEYS: gatewayKeysOnly })).toThrow('INTERNAL_KEYS: needs a key for cli>audit-service');
    await expect(requestCheckpoints(loadAuditCliEnv({ AUDIT_SERVICE_URL: audit.url }))).rejects.toThrow('INTERNAL_KEYS is not set');
  });
});
