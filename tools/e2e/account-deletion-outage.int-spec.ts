import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import pino from 'pino';
import type { Connection } from 'mongoose';
import { tokenVersionKey } from '@warden/api-token';
import { connectMongo } from '@warden/data';
import { CredentialCipher, CredentialRepository, CredentialSealer } from '@warden/credentials-data-access';
import { AccountRepository, ApiTokenRepository, initTokenModels, tokenDataKeyStore } from '@warden/tokens-data-access';
import { TEST_KEYS, eventually, testInfra, uniqueName } from '@warden/testing';
import { TokenVersionSignal, createAccount, deleteAccount, issueApiToken } from '@warden/tokens-feature';
import { startOwnRedis } from '../../apps/gateway/src/test/gateway-harness';

const OPERATOR = { type: 'operator' as const, id: 'cli', name: 'operator' };
let dir: string;
let mongo: Connection;
let redisServer: Awaited<ReturnType<typeof startOwnRedis>>;
let redis: Redis;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'warden-delete-'));
  redisServer = await startOwnRedis(dir);
  // No retries while it is down: each signal fails within its own wait, as the token service's would.
  redis = new Redis(redisServer.url, { maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => 200 });
  mongo = await connectMongo(testInfra().mongoUrl, uniqueName('deleteacct'));
  await initTokenModels(mongo);
});

afterAll(async () => {
  redis?.disconnect();
  await mongo?.dropDatabase().catch(() => undefined);
  await mongo?.close();
  await redisServer?.stop();
  rmSync(dir, { recursive: true, force: true });
});

it('finishes a deletion that Redis interrupted when it is repeated: every token signalled revoked, nothing left half done', async () => {
  const accounts = new AccountRepository(mongo);
  const tokens = new ApiTokenRepository(mongo);
  const versions = new TokenVersionSignal(redis, pino({ level: 'silent' }), { waitMs: 300, delayMs: 50 });
  const credentials = new CredentialRepository(mongo);
  await credentials.init();
  const sealer = new CredentialSealer({ cipher: CredentialCipher.fromEnv(TEST_KEYS.CREDENTIAL_ENCRYPTION_KEYS), repository: credentials });
  const deps = { accounts, tokens, versions, hashKey: TEST_KEYS.TOKEN_HASH_KEY, credentials: { shred: async (accountId: string) => void (await sealer.destroyDataKey(accountId)) }, tokenSecrets: tokenDataKeyStore(mongo) };

  const created = await createAccount(deps, { name: 'Interrupted Ltd', actor: OPERATOR });
  const accountId = created.account.id;
  const second = await issueApiToken(deps, { accountId, actor: OPERATOR, remoteIp: null, requestId: null }, { name: 'ci', type: 'api', enabled: true, scopes: ['tokens:read'], allowedIps: [], expiresAt: null, rateLimit: null }, new Date());
  const ids = [created.token._id, second.token._id];

  await redisServer.stop();
  const interrupted = await deleteAccount(deps, { accountId, actor: OPERATOR });
  expect(interrupted).toMatchObject({ signalled: false, shredded: true, revokedTokens: 2 });
  // Revoked in the database, each tombstone kept for the signal Redis did not take.
  expect(await tokens.liveIdsOfAccount(accountId)).toEqual([]);
  expect((await tokens.keptTombstoneIdsOfAccount(accountId)).sort()).toEqual([...ids].sort());

  await redisServer.start();
  await eventually(() => redis.ping().catch(() => 'down'), (answer) => answer === 'PONG');
  const repeated = await deleteAccount(deps, { accountId, actor: OPERATOR });
  expect(repeated).toMatchObject({ signalled: true, shredded: true });
  for (const id of ids) expect(await redis.get(tokenVersionKey(accountId, id))).toBe('revoked');
  expect(await tokens.keptTombstoneIdsOfAccount(accountId)).toEqual([]);

  // Now every step is done: there is no account left to delete.
  expect(await deleteAccount(deps, { accountId, actor: OPERATOR })).toBeNull();
  // And its "Deleted" events were written once, whatever the repeats.
  const account = await accounts.findIncludingDeleted(accountId);
  expect(account?.outbox.filter((event) => event.auditType === 'Deleted').map((event) => event.accountId).sort()).toEqual([accountId, 'platform'].sort());
});
