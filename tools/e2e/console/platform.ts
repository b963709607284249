// The whole platform in this process, as `npm start` runs it but on ephemeral ports: the token,
// credential and audit services with their outbox relays and the audit worker, all on one private
// queue prefix, and the real gateway in front serving the console at /console.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import type { Redis } from 'ioredis';
import type { Connection } from 'mongoose';
import { CheckpointSigner, createRecordedQueue, publishRecorded } from '@warden/audit-client';
import { AuditCheckpointRepository, AuditRecordRepository } from '@warden/audit-data-access';
import { connectMongo } from '@warden/data';
import { ALL_SCOPES, type Scope } from '@warden/http';
import { OutboxRelay, createAuditEventsQueue, createRedis, publishChangeEvent } from '@warden/queue';
import { TEST_SIGNING_KEY, signedHeaders, testIdentity, testInfra, testLogger, uniqueName } from '@warden/testing';
import { exclusiveWrite as tokensExclusiveWrite, initTokenModels } from '@warden/tokens-data-access';
import {
  CredentialCipher,
  CredentialRepository,
  DEV_CREDENTIAL_ENCRYPTION_KEYS,
  exclusiveWrite as credentialsExclusiveWrite,
} from '@warden/credentials-data-access';
import { createApp as createTokenServiceApp } from '../../../apps/token-service/src/app';
import { createApp as createCredentialServiceApp } from '../../../apps/credential-service/src/app';
import { createApp as createAuditServiceApp } from '../../../apps/audit-service/src/app';
import { ChainAppender } from '../../../apps/audit-service/src/domain/append-to-chain.use-case';
import { Checkpointer } from '../../../apps/audit-service/src/domain/checkpoint.use-case';
import { RecordSealer } from '../../../apps/audit-service/src/domain/record-seal';
import { createAuditEventsWorker } from '../../../apps/audit-service/src/entry-points/queue/audit-events.consumer';
import { loadConfig as loadGatewayConfig } from '../../../apps/gateway/src/config';
import { composeGateway } from '../../../apps/gateway/src/compose-gateway';

const TOKEN_HASH_KEY = 'e2e-token-hash-key-0123456789abcdef0123';

export interface BootstrapToken {
  id: string;
  secret: string;
  accountId: string;
  name: string;
}

export interface Platform {
  /** The gateway's origin: the console is at `${url}/console/`. */
  url: string;
  /** The account's first token (every scope), made the way operator tooling does. */
  admin: BootstrapToken;
  /** Another account and its first token (every scope, unless `body` says otherwise), made the same way. */
  newAccount: (body?: Record<string, unknown>) => Promise<BootstrapToken>;
  /** Each service's own database, for suites that inspect what was stored. */
  databases: { tokens: Connection; credentials: Connection; audit: Connection };
  /** The BullMQ prefix of this platform's audit-events and audit-recorded queues. */
  queuePrefix: string;
  close: () => Promise<void>;
}

export interface PlatformOptions {
  /** Gateway settings over this file's defaults, e.g. rate limits. */
  gatewayEnv?: Record<string, string>;
  /** The first account's token body over the defaults. */
  admin?: Record<string, unknown>;
}

async function listen(app: Express): Promise<{ server: Server; url: string }> {
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

async function ready(redis: Redis): Promise<void> {
  if (redis.status !== 'ready') await once(redis, 'ready');
}

export async function startPlatform(options: PlatformOptions = {}): Promise<Platform> {
  const { redisUrl, mongoUrl } = testInfra();
  const queuePrefix = uniqueName('q');
  const closers: (() => Promise<void> | void)[] = [];
  const databases: Connection[] = [];
  const redisClients: Redis[] = [];

  const redis = createRedis(redisUrl, 'client');
  const producer = createRedis(redisUrl, 'producer');
  redisClients.push(redis, producer);
  await Promise.all([ready(redis), ready(producer)]);
  const queue = createAuditEventsQueue(producer, queuePrefix);
  const publish = (event: Parameters<typeof publishChangeEvent>[1]) => publishChangeEvent(queue, event);

  // Token service
  const tokensDb = await connectMongo(mongoUrl, uniqueName('e2etokens'));
  databases.push(tokensDb);
  const tokenModels = await initTokenModels(tokensDb);
  const tokenLogger = testLogger('token-service');
  const tokenRelay = new OutboxRelay({
    models: [tokenModels.accounts, tokenModels.apiTokens],
    publish,
    logger: tokenLogger,
    intervalMs: 200,
    exclusive: tokensExclusiveWrite,
  }).start();
  closers.push(() => tokenRelay.stop());
  const tokenService = await listen(
    createTokenServiceApp({ config: { INTERNAL_SIGNING_KEY: TEST_SIGNING_KEY, TOKEN_HASH_KEY }, logger: tokenLogger, mongo: tokensDb, redis, outbox: tokenRelay }),
  );
  closers.push(() => closeServer(tokenService.server));

  // Credential service
  const credentialsDb = await connectMongo(mongoUrl, uniqueName('e2ecreds'));
  databases.push(credentialsDb);
  const repository = new CredentialRepository(credentialsDb);
  await repository.init();
  const credentialLogger = testLogger('credential-service');
  const credentialRelay = new OutboxRelay({
    models: [repository.model],
    publish,
    logger: credentialLogger,
    intervalMs: 200,
    exclusive: credentialsExclusiveWrite,
  }).start();
  closers.push(() => credentialRelay.stop());
  const credentialService = await listen(
    createCredentialServiceApp({
      config: { INTERNAL_SIGNING_KEY: TEST_SIGNING_KEY },
      logger: credentialLogger,
      mongo: credentialsDb,
      redis,
      repository,
      cipher: CredentialCipher.fromEnv(DEV_CREDENTIAL_ENCRYPTION_KEYS),
      onEvent: () => credentialRelay.kick(),
    }),
  );
  closers.push(() => closeServer(credentialService.server));

  // Audit service: the API, one worker consuming audit-events and the checkpointer, as main.ts runs them.
  const auditDb = await connectMongo(mongoUrl, uniqueName('e2eaudit'));
  databases.push(auditDb);
  const auditLogger = testLogger('audit-service');
  const records = new AuditRecordRepository(auditDb);
  const checkpoints = new AuditCheckpointRepository(auditDb);
  await Promise.all([records.ready(), checkpoints.ready()]);
  const { privateKey } = generateKeyPairSync('ed25519');
  const signer = new CheckpointSigner(privateKey);
  const sealer = new RecordSealer(privateKey);
  const checkpointer = new Checkpointer({ records, checkpoints, signer, sealer, logger: auditLogger, every: 1_000 });
  const workerRedis = createRedis(redisUrl, 'worker');
  redisClients.push(workerRedis);
  await ready(workerRedis);
  const recordedQueue = createRecordedQueue(workerRedis, queuePrefix);
  const appender = new ChainAppender({
    records,
    sealer,
    logger: auditLogger,
    batchSize: 100,
    publish: (events) => publishRecorded(recordedQueue, events),
    onAppended: (accountId, from, written) => checkpointer.noteAppended(accountId, from, written),
  });
  const worker = createAuditEventsWorker({ connection: workerRedis, prefix: queuePrefix, concurrency: 8, appender, logger: auditLogger });
  checkpointer.start(500);
  closers.push(async () => {
    await worker.close();
    await checkpointer.stop();
    await recordedQueue.obliterate({ force: true }).catch(() => undefined);
    await recordedQueue.close();
  });
  const auditService = await listen(
    createAuditServiceApp({
      config: { INTERNAL_SIGNING_KEY: TEST_SIGNING_KEY },
      logger: auditLogger,
      mongo: auditDb,
      redis,
      records,
      checkpoints,
      checkpointer,
      signer,
      sealer,
    }),
  );
  closers.push(() => closeServer(auditService.server));

  // Gateway: the production wiring (composeGateway, as main.ts uses it), with a private rate-limit prefix.
  const gatewayConfig = loadGatewayConfig({
    NODE_ENV: 'test',
    REDIS_URL: redisUrl,
    INTERNAL_SIGNING_KEY: TEST_SIGNING_KEY,
    TOKEN_SERVICE_URL: tokenService.url,
    CREDENTIAL_SERVICE_URL: credentialService.url,
    AUDIT_SERVICE_URL: auditService.url,
    // Every request of the suite comes from 127.0.0.1, refused ones included.
    RATE_LIMIT_PER_IP: '1000',
    RATE_LIMIT_KEY_PREFIX: `${uniqueName('rl')}:`,
    ...options.gatewayEnv,
  });
  const gatewayLogger = testLogger('gateway');
  const gatewayRedis = createRedis(redisUrl, 'client', { commandTimeout: gatewayConfig.REDIS_COMMAND_TIMEOUT_MS });
  redisClients.push(gatewayRedis);
  await ready(gatewayRedis);
  // The gateway serves the built console (apps/console/dist) at /console, as in production.
  const gatewayParts = composeGateway(gatewayConfig, { logger: gatewayLogger, redis: gatewayRedis });
  const gateway = await listen(gatewayParts.app);
  closers.push(async () => {
    await closeServer(gateway.server);
    await gatewayParts.close();
  });

  const accountDefaults = { name: 'console-admin', rateLimit: { limit: 10_000, windowSeconds: 60 } };
  const admin = await bootstrapToken(tokenService.url, { ...accountDefaults, ...options.admin });

  return {
    url: gateway.url,
    admin,
    newAccount: (body = {}) => bootstrapToken(tokenService.url, { ...accountDefaults, ...body }),
    databases: { tokens: tokensDb, credentials: credentialsDb, audit: auditDb },
    queuePrefix,
    close: async () => {
      for (const close of closers.reverse()) await close();
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
      for (const db of databases) {
        await db.dropDatabase().catch(() => undefined);
        await db.close();
      }
      for (const client of redisClients) client.disconnect();
    },
  };
}

/** A new account's first token: a signed call straight to the token service, as operator tooling makes it. */
async function bootstrapToken(tokenServiceUrl: string, body: Record<string, unknown>): Promise<BootstrapToken> {
  const accountId = randomUUID();
  const url = '/api/v1/apitokens';
  const identity = testIdentity({ accountId, scopes: [...ALL_SCOPES] as Scope[], name: 'operator' });
  const response = await fetch(`${tokenServiceUrl}${url}`, {
    method: 'POST',
    headers: { ...signedHeaders(identity, 'POST', url), 'content-type': 'application/json' },
    body: JSON.stringify({ scopes: [...ALL_SCOPES], ...body }),
  });
  const json = (await response.json()) as { data: { id: string; token: string; name: string } };
  if (response.status !== 201) throw new Error(`bootstrap token: ${response.status} ${JSON.stringify(json)}`);
  return { id: json.data.id, secret: json.data.token, accountId, name: json.data.name };
}
