// The platform operator's API through the real gateway, as a SaaS that provisions tenants over HTTP
// uses it: platform tokens and account tokens kept to their own sides, and an account's whole life
// (create, use, stop on two replicas at once, restart, delete) with what a deletion must leave
// behind: no token that works, no credential anyone can open, an audit trail that still verifies.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { CredentialCipher, CredentialRepository, CredentialSealer, credentialModel } from '@warden/credentials-data-access';
import { TEST_KEYS, eventually } from '@warden/testing';
import { verifyAuditExport } from '../cli/commands/audit';
import { startPlatform, type Platform } from './console/platform';

let platform: Platform;
let operator: { id: string; secret: string };
let reader: { id: string; secret: string };
let dir: string;

async function call(secret: string, method: string, path: string, body?: unknown, gateway = 0): Promise<{ status: number; body: any; text: string }> {
  const response = await fetch(`${platform.urls[gateway]}${path}`, {
    method,
    headers: { authorization: `Bearer ${secret}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const json = /^application\/(problem\+)?json/.test(response.headers.get('content-type') ?? '') && text ? JSON.parse(text) : undefined;
  return { status: response.status, body: json, text };
}

/** The status each gateway replica answers. */
async function onEveryReplica(secret: string, method: string, path: string): Promise<number[]> {
  return Promise.all(platform.urls.map(async (_url, gateway) => (await call(secret, method, path, undefined, gateway)).status));
}

beforeAll(async () => {
  platform = await startPlatform({ gateways: 2, gatewayEnv: { RATE_LIMIT_PER_TOKEN: '100000' } });
  operator = await platform.platformToken();
  reader = await platform.platformToken(['platform:accounts:read'], 'dashboard');
  dir = mkdtempSync(join(tmpdir(), 'warden-platform-'));
}, 60_000);

afterAll(async () => {
  await platform?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('platform tokens and account tokens stay on their own sides', () => {
  it.each([
    ['GET', '/api/v1/apitokens/verify'],
    ['GET', '/api/v1/apitokens'],
    ['POST', '/api/v1/apitokens'],
    ['GET', '/api/v1/credentials'],
    ['GET', '/api/v1/audit'],
    ['GET', '/api/v1/audit/export'],
  ])("a platform token cannot call an account's API: %s %s is 403", async (method, path) => {
    const refused = await call(operator.secret, method, path, method === 'POST' ? { name: 'sneaky' } : undefined);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ status: 403, detail: "A platform token cannot call an account's API." });
  });

  it.each([
    ['GET', '/api/v1/platform/accounts'],
    ['POST', '/api/v1/platform/accounts'],
    ['GET', '/api/v1/platform/audit'],
    ['GET', '/api/v1/platform/audit/export'],
  ])("an account's token, even with every scope, cannot call the platform API: %s %s is 403", async (method, path) => {
    const refused = await call(platform.admin.secret, method, path, method === 'POST' ? { name: 'sneaky' } : undefined);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ status: 403, detail: 'Only a platform token may call the platform API.' });
  });

  it('a platform token acts within its own scopes', async () => {
    expect((await call(reader.secret, 'GET', '/api/v1/platform/accounts')).status).toBe(200);
    const refused = await call(reader.secret, 'POST', '/api/v1/platform/accounts', { name: 'not allowed' });
    expect(refused).toMatchObject({ status: 403, body: { detail: "This API token lacks the 'platform:accounts:write' scope." } });
  });

  it('refuses bad input with 400 and changes nothing', async () => {
    expect((await call(operator.secret, 'POST', '/api/v1/platform/accounts', { name: '' })).status).toBe(400);
    expect((await call(operator.secret, 'POST', '/api/v1/platform/accounts', { name: 'x', plan: 'gold' })).status).toBe(400);
    expect((await call(operator.secret, 'GET', '/api/v1/platform/accounts?name[$ne]=x')).status).toBe(400);
    expect((await call(operator.secret, 'GET', '/api/v1/platform/accounts?status=archived')).status).toBe(400);
    expect((await call(operator.secret, 'GET', '/api/v1/platform/accounts/not-a-uuid')).status).toBe(404);
    expect((await call(operator.secret, 'GET', `/api/v1/platform/accounts/${randomUUID()}`)).status).toBe(404);
    expect((await call(operator.secret, 'PATCH', `/api/v1/platform/accounts/${randomUUID()}`, {})).status).toBe(400);
    // The platform's own owner is not an account any path can name.
    expect((await call(operator.secret, 'GET', '/api/v1/platform/accounts/platform')).status).toBe(404);
    expect((await call(operator.secret, 'DELETE', '/api/v1/platform/accounts/platform')).status).toBe(404);
  });
});

describe("an account's life through the platform API", () => {
  const name = `Acme ${randomUUID().slice(0, 8)}`;
  let accountId: string;
  let tenant: string;
  let credentialId: string;
  const credentialSecret = `acme-key-${randomUUID()}`;

  it('creates the account and its first token, shown once, which works on every replica', async () => {
    const created = await call(operator.secret, 'POST', '/api/v1/platform/accounts', { name });
    expect(created.status).toBe(201);
    expect(created.body.data.account).toMatchObject({ name, enabled: true, rateLimit: null });
    expect(created.body.data.token).toMatch(/^wdn_/);
    accountId = created.body.data.account.id;
    tenant = created.body.data.token;
    expect(await onEveryReplica(tenant, 'GET', '/api/v1/apitokens/verify')).toEqual([200, 200]);
    const verified = await call(tenant, 'GET', '/api/v1/apitokens/verify');
    expect(verified.body.data).toMatchObject({ id: created.body.data.tokenId, accountId, name: 'default' });
    // The secret is never shown again, to the tenant or the platform.
    expect(JSON.stringify((await call(operator.secret, 'GET', `/api/v1/platform/accounts/${accountId}`)).body)).not.toContain(tenant);
    // A recoverable token too: its secret is sealed under the account's token data key.
    expect((await call(tenant, 'POST', '/api/v1/apitokens', { name: 'support', scopes: ['tokens:read'], recoverable: true })).status).toBe(201);
    const credential = await call(tenant, 'POST', '/api/v1/credentials', { name: 'Partner API', moniker: `partner-${accountId.slice(0, 8)}`, type: 'api-key', properties: { headerName: 'X-Api-Key' }, secrets: { key: credentialSecret } });
    expect(credential.status).toBe(201);
    credentialId = credential.body.data.id;
  });

  it('lists and reads it, filtered by name and status', async () => {
    const listed = await call(operator.secret, 'GET', `/api/v1/platform/accounts?name=${encodeURIComponent(name.toUpperCase())}`);
    expect(listed.body.data).toEqual([expect.objectContaining({ id: accountId, name, enabled: true })]);
    expect((await call(operator.secret, 'GET', `/api/v1/platform/accounts?name=${encodeURIComponent(name)}&status=disabled`)).body.data).toEqual([]);
    expect((await call(reader.secret, 'GET', `/api/v1/platform/accounts/${accountId}`)).body.data).toMatchObject({ id: accountId, name });
  });

  it('pages through accounts newest first', async () => {
    const prefix = `Paged ${randomUUID().slice(0, 8)}`;
    for (const n of [1, 2, 3]) expect((await call(operator.secret, 'POST', '/api/v1/platform/accounts', { name: `${prefix} ${n}` })).status).toBe(201);
    const first = await call(operator.secret, 'GET', `/api/v1/platform/accounts?name=${encodeURIComponent(prefix)}&limit=2`);
    expect(first.body.data.map((account: { name: string }) => account.name)).toEqual([`${prefix} 3`, `${prefix} 2`]);
    const second = await call(operator.secret, 'GET', `/api/v1/platform/accounts?name=${encodeURIComponent(prefix)}&limit=2&cursor=${first.body.meta.nextCursor}`);
    expect(second.body.data.map((account: { name: string }) => account.name)).toEqual([`${prefix} 1`]);
    expect(second.body.meta.nextCursor).toBeNull();
  });

  it('stops the account: its tokens are 401 on both replicas from the response on, and work again once restarted', async () => {
    const stopped = await call(operator.secret, 'PATCH', `/api/v1/platform/accounts/${accountId}`, { enabled: false });
    expect(stopped.status).toBe(200);
    expect(stopped.body.data).toMatchObject({ id: accountId, enabled: false });
    expect(await onEveryReplica(tenant, 'GET', '/api/v1/apitokens/verify')).toEqual([401, 401]);
    expect((await call(operator.secret, 'GET', `/api/v1/platform/accounts?name=${encodeURIComponent(name)}&status=disabled`)).body.data).toHaveLength(1);
    const restarted = await call(operator.secret, 'PATCH', `/api/v1/platform/accounts/${accountId}`, { enabled: true });
    expect(restarted.body.data.enabled).toBe(true);
    expect(await onEveryReplica(tenant, 'GET', '/api/v1/apitokens/verify')).toEqual([200, 200]);
  });

  it('renames it and sets its shared quota in one change', async () => {
    const changed = await call(operator.secret, 'PATCH', `/api/v1/platform/accounts/${accountId}`, { name: `${name} Ltd`, rateLimit: { limit: 500, windowSeconds: 60 } });
    expect(changed.body.data).toMatchObject({ name: `${name} Ltd`, rateLimit: { limit: 500, windowSeconds: 60 } });
    // The account's quota binds before the token's own (100000 here), so the gateway announces it.
    const used = await fetch(`${platform.url}/api/v1/apitokens/verify`, { headers: { authorization: `Bearer ${tenant}` } });
    expect(used.status).toBe(200);
    expect(used.headers.get('ratelimit-policy')).toContain('q=500;w=60');
    const unchanged = await call(operator.secret, 'PATCH', `/api/v1/platform/accounts/${accountId}`, { rateLimit: null });
    expect(unchanged.body.data.rateLimit).toBeNull();
  });

  it('deletes it: tokens refused everywhere, credentials shredded even for whoever holds the database and the key ring, the trail kept', async () => {
    const stored = await credentialModel(platform.databases.credentials).findById(credentialId).lean();
    if (!stored) throw new Error('the credential was not stored');
    // A process of its own each time, with nothing cached: the database and the key ring alone.
    const open = () =>
      new CredentialSealer({ cipher: CredentialCipher.fromEnv(TEST_KEYS.CREDENTIAL_ENCRYPTION_KEYS), repository: new CredentialRepository(platform.databases.credentials) }).openAll(
        stored.secrets,
        { accountId, credentialId, secretsVersion: stored.secretsVersion },
      );
    // Until the deletion, the database and the key ring together open the secret.
    expect(await open()).toEqual({ key: credentialSecret });

    const deleted = await call(operator.secret, 'DELETE', `/api/v1/platform/accounts/${accountId}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body.data).toEqual({ id: accountId, deleted: true });
    expect(await onEveryReplica(tenant, 'GET', '/api/v1/apitokens/verify')).toEqual([401, 401]);
    expect(await onEveryReplica(tenant, 'GET', `/api/v1/credentials/${credentialId}`)).toEqual([401, 401]);
    expect((await call(operator.secret, 'GET', `/api/v1/platform/accounts/${accountId}`)).status).toBe(404);
    expect((await call(operator.secret, 'GET', `/api/v1/platform/accounts?name=${encodeURIComponent(name)}`)).body.data).toEqual([]);
    expect((await call(operator.secret, 'DELETE', `/api/v1/platform/accounts/${accountId}`)).status).toBe(404);
    expect((await call(operator.secret, 'PATCH', `/api/v1/platform/accounts/${accountId}`, { enabled: true })).status).toBe(404);

    // The ciphertext is still in the database; nothing opens it any more, a fresh process with the key ring included.
    const after = await credentialModel(platform.databases.credentials).findById(credentialId).lean();
    expect(after?.secrets).toEqual(stored.secrets);
    await expect(open()).rejects.toThrow(/data key of account .* was destroyed/);
    // Nor does anything open the recoverable tokens' secrets in a backup taken before: their data key is gone too.
    const tokenKey = await platform.databases.tokens.collection('token_data_keys').findOne({ _id: accountId as never });
    expect(tokenKey).toMatchObject({ destroyedAt: expect.any(Date) });
    expect(tokenKey).not.toHaveProperty('wrapped');
  });

  it("records every step in the account's chain and the platform's, and both verify offline", async () => {
    const platformTrail = await eventually(
      async () => (await call(reader.secret, 'GET', `/api/v1/platform/audit?objectId=${accountId}`)).body.data as { auditType: string; objectType: string }[],
      (records) => records.some((record) => record.auditType === 'Deleted'),
    );
    expect(platformTrail.map((record) => record.auditType)).toEqual(['Deleted', 'Updated', 'Updated', 'Updated', 'Updated', 'Created']);
    expect(new Set(platformTrail.map((record) => record.objectType))).toEqual(new Set(['Account']));

    for (const [label, path] of [
      ['account', `/api/v1/platform/audit/export?accountId=${accountId}`],
      ['platform', '/api/v1/platform/audit/export'],
    ]) {
      const exported = await eventually(
        () => call(operator.secret, 'GET', path),
        (answer) => answer.status === 200 && answer.text.includes('"Deleted"'),
      );
      const file = join(dir, `${label}.ndjson`);
      writeFileSync(file, exported.text);
      const verified = await verifyAuditExport(file, { publicKey: platform.auditPublicKey, progress: false });
      expect([label, verified.valid, verified.exitCode]).toEqual([label, true, 0]);
      expect(exported.text).not.toContain(credentialSecret);
      expect(exported.text).not.toContain(tenant);
    }
    // The account's own chain: the account, its token, its credential, and how each ended.
    const accountExport = (await call(operator.secret, 'GET', `/api/v1/platform/audit/export?accountId=${accountId}`)).text;
    const records = accountExport
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
      .filter((line) => line.kind === 'record')
      .map((line) => line.record);
    const steps = records.map((record) => `${record.objectType} ${record.auditType}`);
    expect(steps).toEqual(expect.arrayContaining(['Account Created', 'ApiToken Created', 'Credential Created', 'Account Deleted', 'ApiToken Deleted']));
  });
});
