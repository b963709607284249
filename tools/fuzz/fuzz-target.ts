// The platform under fuzz: the real gateway, token, credential and audit services composed in this
// process (tools/e2e/console/platform.ts), two accounts with every scope, some objects in each, and
// what the fuzzer needs to know about them: ids to aim at, cursors, and a snapshot of account B.
import { randomUUID } from 'node:crypto';
import { Pool } from 'undici';
import { Queue } from 'bullmq';
import { AUDIT_EVENTS_QUEUE } from '@warden/contracts-events';
import { createRedis } from '@warden/queue';
import { testInfra } from '@warden/testing';
import { startPlatform, type BootstrapToken, type Platform } from '../e2e/console/platform';

export interface CredentialRef {
  id: string;
  moniker: string;
  type: string;
}

export interface AccountObjects {
  tokens: string[];
  credentials: CredentialRef[];
  auditRecords: string[];
}

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export interface FuzzTarget {
  url: string;
  a: BootstrapToken;
  b: BootstrapToken;
  /** A's objects the fuzzer may change or delete (never A's own all-scope token). */
  own: AccountObjects;
  /** B's objects: A's token must never reach them. */
  other: AccountObjects;
  /** Real cursors of A's lists, by operationId. */
  cursors: Record<string, string[]>;
  send(request: { method: string; path: string; headers: Record<string, string>; body?: string }): Promise<HttpAnswer>;
  /** B's tokens and credentials as stored (volatile bookkeeping left out), canonical text. */
  snapshotB(): Promise<string>;
  /** B's audit records as stored, canonical text. */
  snapshotBAudit(): Promise<string>;
  /** Creates objects in A's account until it has at least this many of each (deletes use them up). */
  replenish(tokens: number, credentials: number): Promise<void>;
  /** Revokes a token or deletes a credential of A's that the fuzzer no longer aims at (keeps collections small). */
  retire(kind: 'token' | 'credential', id: string): Promise<void>;
  /** Waits until every outbox is empty and the audit worker has consumed every event. */
  drain(timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

const SEED_TOKENS = 6;
/** Per-token and per-IP limits far above what the fuzzer sends: throttling is the brute-force suite's subject. */
const UNTHROTTLED = { limit: 100_000, windowSeconds: 1 };

function seedCredential(type: string, label: string): Record<string, unknown> {
  const moniker = `${label}-${type}-${randomUUID().slice(0, 8)}`;
  const name = `${label} ${type}`;
  switch (type) {
    case 'smpp':
      return { name, moniker, type, properties: { host: 'smpp.example', port: 2775, systemId: 'sys1' }, secrets: { password: `pw-${randomUUID()}` } };
    case 'http-basic':
      return { name, moniker, type, properties: { username: 'user' }, secrets: { password: `pw-${randomUUID()}` } };
    case 'api-key':
      return { name, moniker, type, properties: { headerName: 'X-Api-Key' }, secrets: { key: `key-${randomUUID()}` } };
    default:
      return { name, moniker, type, properties: { tokenUrl: 'https://auth.example/token', clientId: 'client' }, secrets: { clientSecret: `cs-${randomUUID()}` } };
  }
}

export async function startFuzzTarget(): Promise<FuzzTarget> {
  const platform: Platform = await startPlatform({
    gatewayEnv: {
      RATE_LIMIT_PER_TOKEN: '100000',
      RATE_LIMIT_PER_ACCOUNT: '1000000',
      RATE_LIMIT_WINDOW_SECONDS: '1',
      RATE_LIMIT_PER_IP: '100000',
      RATE_LIMIT_IP_WINDOW_SECONDS: '1',
      RATE_LIMIT_VERIFY_PER_IP_PER_SECOND: '100000',
      UPSTREAM_TIMEOUT_MS: '30000',
    },
    admin: { name: 'fuzz-a', rateLimit: UNTHROTTLED },
  });
  const a = platform.admin;
  const b = await platform.newAccount({ name: 'fuzz-b', rateLimit: UNTHROTTLED });
  const pool = new Pool(platform.url, { connections: 8, headersTimeout: 30_000, bodyTimeout: 30_000 });
  const redis = createRedis(testInfra().redisUrl, 'client');
  const eventsQueue = new Queue(AUDIT_EVENTS_QUEUE, { connection: redis, prefix: platform.queuePrefix });

  const send: FuzzTarget['send'] = async ({ method, path, headers, body }) => {
    const response = await pool.request({ method: method as any, path, headers, body });
    const text = await response.body.text();
    return { status: response.statusCode, headers: response.headers, text };
  };

  async function api(token: BootstrapToken, method: string, path: string, body?: unknown): Promise<any> {
    const answer = await send({
      method,
      path,
      headers: { authorization: `Bearer ${token.secret}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (answer.status >= 300) throw new Error(`fuzz setup: ${method} ${path} answered ${answer.status}: ${answer.text.slice(0, 300)}`);
    return JSON.parse(answer.text);
  }

  async function seed(token: BootstrapToken, label: string): Promise<AccountObjects> {
    const objects: AccountObjects = { tokens: [], credentials: [], auditRecords: [] };
    for (let i = 0; i < SEED_TOKENS; i++) {
      const created = await api(token, 'POST', '/api/v1/apitokens', { name: `${label}-token-${i}`, scopes: ['tokens:read'] });
      objects.tokens.push(created.data.id);
    }
    for (const type of ['smpp', 'http-basic', 'api-key', 'oauth2-client-credentials']) {
      for (let i = 0; i < 2; i++) {
        const created = await api(token, 'POST', '/api/v1/credentials', seedCredential(type, label));
        objects.credentials.push({ id: created.data.id, moniker: created.data.moniker, type });
      }
    }
    // One of each: the audit trail gets Updated, Rotated and Revealed records too.
    await api(token, 'PATCH', `/api/v1/apitokens/${objects.tokens[0]}`, { name: `${label}-renamed` });
    await api(token, 'POST', `/api/v1/apitokens/${objects.tokens[0]}/rotate`, {});
    await api(token, 'POST', `/api/v1/credentials/${objects.credentials[0].id}/reveal`);
    return objects;
  }

  const retire: FuzzTarget['retire'] = async (kind, id) => {
    const path = kind === 'token' ? `/api/v1/apitokens/${id}` : `/api/v1/credentials/${id}`;
    const answer = await send({ method: 'DELETE', path, headers: { authorization: `Bearer ${a.secret}` } });
    if (answer.status !== 200 && answer.status !== 404) throw new Error(`fuzz cleanup: DELETE ${path} answered ${answer.status}`);
  };

  const drain: FuzzTarget['drain'] = async (timeoutMs = 20_000) => {
    const deadline = Date.now() + timeoutMs;
    const { tokens, credentials } = platform.databases;
    for (;;) {
      const pending =
        (await tokens.collection('api_tokens').countDocuments({ 'outbox.0': { $exists: true } })) +
        (await tokens.collection('accounts').countDocuments({ 'outbox.0': { $exists: true } })) +
        (await credentials.collection('credentials').countDocuments({ 'outbox.0': { $exists: true } }));
      const counts = await eventsQueue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children');
      if (pending === 0 && Object.values(counts).every((n) => n === 0)) return;
      if (Date.now() > deadline) throw new Error(`the audit pipeline did not drain: ${pending} outbox entries, queue ${JSON.stringify(counts)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  const own = await seed(a, 'a');
  const replenish: FuzzTarget['replenish'] = async (tokens, credentials) => {
    while (own.tokens.length < tokens) {
      own.tokens.push((await api(a, 'POST', '/api/v1/apitokens', { name: 'a-spare', scopes: ['tokens:read'] })).data.id);
    }
    for (let i = 0; own.credentials.length < credentials; i++) {
      const type = ['smpp', 'http-basic', 'api-key', 'oauth2-client-credentials'][i % 4];
      const created = await api(a, 'POST', '/api/v1/credentials', seedCredential(type, 'a-spare'));
      own.credentials.push({ id: created.data.id, moniker: created.data.moniker, type });
    }
  };
  const other = await seed(b, 'b');
  other.tokens.push(b.id);
  await drain();
  const auditIds = async (token: BootstrapToken) => (await api(token, 'GET', '/api/v1/audit?limit=200')).data.map((record: { id: string }) => record.id);
  own.auditRecords.push(...(await auditIds(a)));
  other.auditRecords.push(...(await auditIds(b)));
  // Checkpoints exist once the account's chain has been signed; ask for one so the list has pages.
  await api(a, 'GET', '/api/v1/audit/verify');

  const cursors: Record<string, string[]> = {};
  for (const [operationId, path] of [
    ['listApiTokens', '/api/v1/apitokens?limit=1'],
    ['listCredentials', '/api/v1/credentials?limit=1'],
    ['listAuditRecords', '/api/v1/audit?limit=1'],
    ['listAuditCheckpoints', '/api/v1/audit/checkpoints?limit=1'],
  ] as const) {
    const cursor = (await api(a, 'GET', path)).meta?.nextCursor;
    cursors[operationId] = cursor ? [cursor] : [];
  }

  const stable = (value: unknown) => JSON.stringify(value, (_key, v) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([x], [y]) => x.localeCompare(y))) : v));
  const snapshotB: FuzzTarget['snapshotB'] = async () => {
    const { tokens, credentials } = platform.databases;
    // lastUsedAt moves whenever B's token is used, outbox whenever the relay runs: neither is B's data.
    const projection = { lastUsedAt: 0, outbox: 0 };
    return stable({
      account: await tokens.collection('accounts').find({ _id: b.accountId as any }, { projection }).toArray(),
      tokens: await tokens.collection('api_tokens').find({ accountId: b.accountId }, { projection }).sort({ _id: 1 }).toArray(),
      credentials: await credentials.collection('credentials').find({ accountId: b.accountId }, { projection }).sort({ _id: 1 }).toArray(),
    });
  };
  const snapshotBAudit: FuzzTarget['snapshotBAudit'] = async () =>
    stable(await platform.databases.audit.collection('audit_records').find({ accountId: b.accountId }).sort({ seq: 1 }).toArray());

  return {
    url: platform.url,
    a,
    b,
    own,
    other,
    cursors,
    send,
    snapshotB,
    snapshotBAudit,
    replenish,
    retire,
    drain,
    close: async () => {
      await pool.close();
      await eventsQueue.close();
      redis.disconnect();
      await platform.close();
    },
  };
}
