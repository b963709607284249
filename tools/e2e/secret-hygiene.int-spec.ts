// No secret ever rests where it should not. The whole platform runs in this process; the suite
// creates, uses, rotates and revokes tokens, reveals a recoverable token before and after its
// rotation, creates credentials of every type with distinctive secrets, reveals, changes and
// deletes them, lets the audit pipeline drain, and then scans:
//   - every line every service logged during the whole test run (read once every other suite is done),
//   - every document of every database the platform created, outside the encrypted fields,
//   - every key in Redis: BullMQ's audit-events and audit-recorded jobs, and everything else,
// for each secret in plain text, base64, base64url and hex, and for any real Warden token at all.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import { parseTokenSecret } from '@warden/api-token';
import { AUDIT_EVENTS_QUEUE, AUDIT_RECORDED_QUEUE } from '@warden/contracts-events';
import { createRedis } from '@warden/queue';
import { testInfra } from '@warden/testing';
import { startPlatform, type Platform } from './console/platform';

const UNTHROTTLED = { RATE_LIMIT_PER_TOKEN: '100000', RATE_LIMIT_PER_ACCOUNT: '1000000', RATE_LIMIT_PER_IP: '100000' };

let platform: Platform;
let redis: Redis | Cluster;
const tokenSecrets: string[] = [];
const credentialSecrets: string[] = [];

async function call(method: string, path: string, secret: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${platform.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${secret}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

async function ok(method: string, path: string, secret: string, body?: unknown): Promise<any> {
  const answer = await call(method, path, secret, body);
  if (answer.status >= 300) throw new Error(`${method} ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

/** A secret that cannot occur by chance, so finding it anywhere is a leak. */
function distinctive(label: string): string {
  return `hygiene-${label}-${randomUUID().replace(/-/g, '')}`;
}

/**
 * The forms a secret can take in stored or logged text: itself, hex, and its base64/base64url at
 * every alignment (the base64 of a longer text contains that of the secret's aligned middle).
 */
function encodings(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const forms = [secret, bytes.toString('hex')];
  for (let skip = 0; skip < 3; skip++) {
    const whole = bytes.subarray(skip, skip + Math.floor((bytes.length - skip) / 3) * 3);
    forms.push(whole.toString('base64'), whole.toString('base64url'));
  }
  return [...new Set(forms)];
}

/** Real Warden tokens (the checksum holds) anywhere in the text. */
function tokensIn(text: string): string[] {
  return (text.match(/wdn_[0-9A-Za-z]{36}/g) ?? []).filter((candidate) => parseTokenSecret(candidate).ok);
}

/** Where each secret (in any of its forms) or any real token shows up in `texts`, by label. */
function findLeaks(texts: [label: string, text: string][]): string[] {
  const needles = [...tokenSecrets, ...credentialSecrets].flatMap((secret) => encodings(secret).map((form) => ({ form, secret })));
  const leaks: string[] = [];
  for (const [label, text] of texts) {
    for (const { form, secret } of needles) if (text.includes(form)) leaks.push(`${label}: a secret (${secret.slice(0, 12)}…) as ${form === secret ? 'plain text' : 'an encoding'}`);
    for (const token of tokensIn(text)) leaks.push(`${label}: a Warden token (${token.slice(0, 8)}…)`);
  }
  return leaks;
}

/** Everything Redis holds under `pattern`, one text per key. */
async function redisContents(pattern: string): Promise<[string, string][]> {
  const contents: [string, string][] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) {
      const type = await redis.type(key);
      let value: unknown;
      if (type === 'string') value = await redis.get(key);
      else if (type === 'hash') value = await redis.hgetall(key);
      else if (type === 'list') value = await redis.lrange(key, 0, -1);
      else if (type === 'set') value = await redis.smembers(key);
      else if (type === 'zset') value = await redis.zrange(key, '0', '-1');
      else if (type === 'stream') value = await redis.xrange(key, '-', '+');
      contents.push([`redis ${key}`, `${key} ${JSON.stringify(value)}`]);
    }
  } while (cursor !== '0');
  return contents;
}

beforeAll(async () => {
  platform = await startPlatform({ gatewayEnv: UNTHROTTLED, admin: { name: 'hygiene-admin', rateLimit: { limit: 100_000, windowSeconds: 60 } } });
  redis = createRedis(testInfra().redisUrl, 'client');
  tokenSecrets.push(platform.admin.secret);
});

afterAll(async () => {
  redis?.disconnect();
  await platform?.close();
});

/**
 * The other suites of this run that have not finished yet, once all have or `timeoutMs` has passed.
 * Jest runs suites in parallel workers; this suite starts last (run-hygiene-last.sequencer.cjs) but
 * other workers may still be running theirs and writing to the log. The sequencer records the run's
 * suites and the test environment marks each one done after its last hook (test-environment.cjs),
 * so once every other suite is marked, nothing but this suite writes to the log any more.
 */
async function unfinishedSuites(timeoutMs: number): Promise<string[]> {
  const runDir = process.env.WARDEN_TEST_RUN_DIR;
  if (!runDir) throw new Error('WARDEN_TEST_RUN_DIR is unset: the Jest global setup did not run');
  const suites = JSON.parse(readFileSync(join(runDir, 'suites.json'), 'utf8')) as string[] | null;
  if (!suites) throw new Error("the run's suites are unknown: run-hygiene-last.sequencer.cjs is not Jest's testSequencer");
  const others = suites.filter((suite) => suite !== expect.getState().testPath);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const done = new Set(readdirSync(join(runDir, 'done')).map((marker) => readFileSync(join(runDir, 'done', marker), 'utf8')));
    const unfinished = others.filter((suite) => !done.has(suite));
    if (unfinished.length === 0 || Date.now() > deadline) return unfinished;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** However long the slowest other suite (the contract fuzzer, a browser test) still takes on a loaded machine. */
const OTHERS_DEADLINE_MS = 15 * 60_000;

it('keeps every token and credential secret out of logs, stored documents and queue payloads', async () => {
  const admin = platform.admin.secret;

  // Tokens: create, use, rotate (with and without grace), use old and new secrets, revoke, use again.
  const created = [];
  for (const type of ['api', 'service']) {
    const token = (await ok('POST', '/api/v1/apitokens', admin, { name: `hygiene-${type}`, type, scopes: ['tokens:read', 'credentials:read'] })).data;
    tokenSecrets.push(token.token);
    created.push(token);
    expect((await call('GET', '/api/v1/apitokens/verify', token.token)).status).toBe(200);
  }
  const rotated = (await ok('POST', `/api/v1/apitokens/${created[0].id}/rotate`, admin, {})).data.token;
  const graced = (await ok('POST', `/api/v1/apitokens/${created[1].id}/rotate`, admin, { gracePeriodSeconds: 3600 })).data.token;
  tokenSecrets.push(rotated, graced);
  expect((await call('GET', '/api/v1/apitokens/verify', created[0].token)).status).toBe(401);
  expect((await call('GET', '/api/v1/apitokens/verify', created[1].token)).status).toBe(200);
  expect((await call('GET', '/api/v1/apitokens', rotated)).status).toBe(200);
  await ok('PATCH', `/api/v1/apitokens/${created[1].id}`, admin, { name: 'hygiene-renamed', enabled: false });
  expect((await call('GET', '/api/v1/apitokens/verify', graced)).status).toBe(401);
  await ok('DELETE', `/api/v1/apitokens/${created[0].id}`, admin);
  expect((await call('GET', '/api/v1/apitokens/verify', rotated)).status).toBe(401);

  // A recoverable token: created, used, revealed, rotated and revealed again.
  const recoverable = (await ok('POST', '/api/v1/apitokens', admin, { name: 'hygiene-recoverable', scopes: ['tokens:read'], recoverable: true })).data;
  tokenSecrets.push(recoverable.token);
  expect((await call('GET', '/api/v1/apitokens/verify', recoverable.token)).status).toBe(200);
  expect((await ok('POST', `/api/v1/apitokens/${recoverable.id}/reveal`, admin)).data.token).toBe(recoverable.token);
  const rerolled = (await ok('POST', `/api/v1/apitokens/${recoverable.id}/rotate`, admin, {})).data.token;
  tokenSecrets.push(rerolled);
  expect((await ok('POST', `/api/v1/apitokens/${recoverable.id}/reveal`, admin)).data.token).toBe(rerolled);

  // The platform API: a platform token creates an account (its first token shown once), which
  // stores a credential, is stopped, restarted and deleted (its tokens revoked, its data key destroyed).
  const operator = await platform.platformToken();
  tokenSecrets.push(operator.secret);
  const tenant = (await ok('POST', '/api/v1/platform/accounts', operator.secret, { name: 'hygiene-tenant' })).data;
  tokenSecrets.push(tenant.token);
  const tenantKey = distinctive('tenant');
  credentialSecrets.push(tenantKey);
  await ok('POST', '/api/v1/credentials', tenant.token, { name: 'Tenant key', moniker: 'tenant-key', type: 'api-key', properties: { headerName: 'X-Api-Key' }, secrets: { key: tenantKey } });
  await ok('PATCH', `/api/v1/platform/accounts/${tenant.account.id}`, operator.secret, { enabled: false });
  expect((await call('GET', '/api/v1/apitokens/verify', tenant.token)).status).toBe(401);
  await ok('PATCH', `/api/v1/platform/accounts/${tenant.account.id}`, operator.secret, { enabled: true, name: 'hygiene-tenant-renamed' });
  expect((await call('GET', '/api/v1/apitokens/verify', tenant.token)).status).toBe(200);
  await ok('DELETE', `/api/v1/platform/accounts/${tenant.account.id}`, operator.secret);
  expect((await call('GET', '/api/v1/apitokens/verify', tenant.token)).status).toBe(401);
  expect((await call('GET', '/api/v1/apitokens', operator.secret)).status).toBe(403);

  // Credentials of every type, each with its own distinctive secret; read, reveal, change, delete.
  const bodies = [
    { type: 'smpp', properties: { host: 'smpp.example', port: 2775, systemId: 'hyg' }, secrets: { password: distinctive('smpp') } },
    { type: 'http-basic', properties: { username: 'hyg' }, secrets: { password: distinctive('basic') } },
    { type: 'api-key', properties: { headerName: 'X-Api-Key' }, secrets: { key: distinctive('apikey') } },
    { type: 'oauth2-client-credentials', properties: { tokenUrl: 'https://auth.example/token', clientId: 'hyg' }, secrets: { clientSecret: distinctive('oauth') } },
  ];
  for (const [i, body] of bodies.entries()) {
    credentialSecrets.push(...Object.values(body.secrets));
    const moniker = `hygiene-${i}`;
    const credential = (await ok('POST', '/api/v1/credentials', admin, { name: `Hygiene ${body.type}`, moniker, ...body })).data;
    expect(JSON.stringify(credential)).not.toContain(Object.values(body.secrets)[0]);
    await ok('GET', `/api/v1/credentials/${moniker}`, admin);
    expect((await ok('POST', `/api/v1/credentials/${moniker}/reveal`, admin)).data.secrets).toEqual(body.secrets);
    const field = Object.keys(body.secrets)[0];
    const changed = distinctive(`${body.type}-changed`);
    credentialSecrets.push(changed);
    await ok('PATCH', `/api/v1/credentials/${credential.id}`, admin, { name: `Hygiene ${body.type} v2`, secrets: { [field]: changed } });
    expect((await ok('POST', `/api/v1/credentials/${credential.id}/reveal`, admin)).data.secrets[field]).toBe(changed);
    // A refused change that carries a secret (an unknown field) must not be logged either.
    const refused = distinctive(`${body.type}-refused`);
    credentialSecrets.push(refused);
    expect((await call('PATCH', `/api/v1/credentials/${moniker}`, admin, { secrets: { [field]: refused, surprise: refused } })).status).toBe(400);
    if (i % 2 === 1) await ok('DELETE', `/api/v1/credentials/${moniker}`, admin);
  }

  // Let every outbox reach the audit trail, and the trail reach audit-recorded.
  const { tokens, credentials, audit } = platform.databases;
  // A generous deadline: the pipeline drains in a second on a quiet machine, much later on a loaded one.
  const deadline = Date.now() + 60_000;
  for (;;) {
    const pending =
      (await tokens.collection('api_tokens').countDocuments({ 'outbox.0': { $exists: true } })) +
      (await tokens.collection('accounts').countDocuments({ 'outbox.0': { $exists: true } })) +
      (await credentials.collection('credentials').countDocuments({ 'outbox.0': { $exists: true } }));
    const waiting = (await redis.llen(`${platform.queuePrefix}:${AUDIT_EVENTS_QUEUE}:wait`)) + (await redis.llen(`${platform.queuePrefix}:${AUDIT_EVENTS_QUEUE}:active`));
    const records = await audit.collection('audit_records').countDocuments({ accountId: platform.admin.accountId });
    if (pending === 0 && waiting === 0 && records > 0) break;
    if (Date.now() > deadline) throw new Error(`the audit pipeline did not drain (${pending} outbox entries, ${waiting} jobs waiting)`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  // Every change of this suite is on the trail, and the trail carries the reveals.
  const records = await audit.collection('audit_records').find({ accountId: platform.admin.accountId }).toArray();
  expect(records.filter((r) => r.auditType === 'Revealed')).toHaveLength(10);
  expect(records.filter((r) => r.objectType === 'ApiToken' && r.auditType === 'Revealed')).toHaveLength(2);
  expect(records.filter((r) => r.auditType === 'Rotated')).toHaveLength(3);
  expect(records.filter((r) => r.objectType === 'Credential' && r.auditType === 'Deleted')).toHaveLength(2);
  // The platform's chain has the tenant's whole life, and so has the tenant's own.
  const platformRecords = await audit.collection('audit_records').find({ accountId: 'platform', objectId: tenant.account.id }).toArray();
  expect(platformRecords.map((r) => r.auditType).sort()).toEqual(['Created', 'Deleted', 'Updated', 'Updated']);
  expect(await audit.collection('audit_records').countDocuments({ accountId: tenant.account.id, auditType: 'Deleted' })).toBe(2);

  // 1. Every log line of the whole test run, every service's, read once every other suite is done.
  expect(await unfinishedSuites(OTHERS_DEADLINE_MS)).toEqual([]);
  const logFile = process.env.WARDEN_TEST_LOG_FILE ?? '';
  expect(logFile).not.toBe('');
  const log = readFileSync(logFile, 'utf8');
  const lines = log.split('\n').filter(Boolean);
  expect(lines.length).toBeGreaterThan(50);
  // The log does carry this suite's requests (so the scan looks where the secrets went by).
  expect(log).toContain(created[0].id);

  // 2. Every document of every collection of the platform's databases, outside the encrypted fields.
  const documents: [string, string][] = [];
  for (const [service, db] of Object.entries(platform.databases)) {
    if (!db.db) throw new Error(`${service}: not connected`);
    const collections = await db.db.listCollections().toArray();
    expect(collections.length).toBeGreaterThan(0);
    for (const { name } of collections) {
      for (const doc of await db.collection(name).find({}).toArray()) {
        // The ciphertexts are the one place a secret may rest (credentials' fields, a recoverable
        // token's sealed secret); their key ids and metadata are scanned.
        const scanned =
          service === 'credentials' && name === 'credentials'
            ? { ...doc, secrets: Object.keys(doc.secrets ?? {}) }
            : service === 'tokens' && name === 'api_tokens' && doc.sealedSecret
              ? { ...doc, sealedSecret: { keyId: doc.sealedSecret.keyId } }
              : doc;
        documents.push([`${service}.${name} ${String(doc._id)}`, JSON.stringify(scanned)]);
      }
    }
  }
  expect(documents.some(([label]) => label.startsWith('audit.audit_records'))).toBe(true);

  // 3. Every queue payload of this platform, and everything else in Redis.
  const queues = await redisContents(`${platform.queuePrefix}:*`);
  const jobs = (queue: string) => queues.filter(([label]) => new RegExp(`^redis ${platform.queuePrefix}:${queue}:[0-9a-f-]{36}$`).test(label));
  expect(jobs(AUDIT_EVENTS_QUEUE).length).toBeGreaterThan(10);
  expect(jobs(AUDIT_RECORDED_QUEUE).length).toBeGreaterThan(10);
  const everything = await redisContents('*');

  const leaks = findLeaks([
    ...lines.map((line, i): [string, string] => [`log line ${i + 1}`, line]),
    ...documents,
    ...queues,
    ...everything.filter(([label]) => !label.startsWith(`redis ${platform.queuePrefix}:`)),
  ]);
  expect(leaks).toEqual([]);

  // The scan does find a secret where one is: the secrets are in what the test itself holds.
  expect(findLeaks([['control', JSON.stringify({ note: Buffer.from(`x${credentialSecrets[0]}y`).toString('base64') })]])).toHaveLength(1);
  expect(findLeaks([['control', `Bearer ${rotated}`]]).length).toBeGreaterThan(0);
}, OTHERS_DEADLINE_MS + 120_000);
