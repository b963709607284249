// The whole platform in this process, as `npm start` runs it but on ephemeral ports: the token,
// credential and audit services with their outbox relays and the audit worker, all on one private
// queue prefix, and the real gateway in front serving the console at /console.
import { createPublicKey, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { PLATFORM_SCOPES, type PlatformScope } from '@warden/api-token';
import { ApiTokenRepository } from '@warden/tokens-data-access';
import { TokenVersionSignal, issuePlatformToken } from '@warden/tokens-feature';
import type { Server } from 'node:http';
import type { Connection } from 'mongoose';
import { ALL_SCOPES, closeServer, createHttpServer, listen, type ComposedService } from '@warden/http';
import { freePort, operatorIdentity, signedHeaders, testEnv, testLogger, uniqueName } from '@warden/testing';
import { composeTokenService } from '../../../apps/token-service/src/compose';
import { loadConfig as loadTokenServiceConfig } from '../../../apps/token-service/src/config';
import { composeCredentialService } from '../../../apps/credential-service/src/compose';
import { loadConfig as loadCredentialServiceConfig } from '../../../apps/credential-service/src/config';
import { composeAuditService } from '../../../apps/audit-service/src/compose';
import { loadConfig as loadAuditServiceConfig } from '../../../apps/audit-service/src/config';
import { loadConfig as loadGatewayConfig } from '../../../apps/gateway/src/config';
import { composeGateway } from '../../../apps/gateway/src/compose-gateway';

export interface BootstrapToken {
  id: string;
  secret: string;
  accountId: string;
  name: string;
}

export interface Platform {
  /** The gateway's origin: the console is at `${url}/console/`. */
  url: string;
  /** Every gateway replica's origin, `url` first (`PlatformOptions.gateways`). */
  urls: string[];
  /** A platform token (owned by no account), issued as `warden platform tokens create` issues it. */
  platformToken: (scopes?: PlatformScope[], name?: string) => Promise<{ id: string; secret: string }>;
  /** The audit service's public key: what verifies an export offline. */
  auditPublicKey: KeyObject;
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
  /** How many gateway replicas share the platform's Redis (1 by default). */
  gateways?: number;
  /** The Redis every service and gateway uses (`REDIS_URL`, e.g. a `redis+cluster://` seed list); the test run's Redis by default. */
  redisUrl?: string;
}

/** Starts a composed service and serves it on an ephemeral loopback port, as main.ts serves it (same server settings). */
async function run(service: ComposedService, closers: (() => Promise<void>)[], port = 0): Promise<string> {
  await service.start();
  const server: Server = service.createServer?.() ?? createHttpServer(service.app);
  const url = await listen(server, port, '127.0.0.1');
  closers.push(async () => {
    server.closeAllConnections();
    await closeServer(server);
    await service.close();
  });
  return url;
}

export async function startPlatform(options: PlatformOptions = {}): Promise<Platform> {
  // One audit queue prefix for the whole platform: the producers and the audit worker must meet.
  const shared = { AUDIT_QUEUE_PREFIX: uniqueName('q'), OUTBOX_POLL_MS: '200', OUTBOX_CONFIRM_AFTER_MS: '200', ...(options.redisUrl ? { REDIS_URL: options.redisUrl } : {}) };
  const closers: (() => Promise<void>)[] = [];
  // The producers' ports are chosen first: the audit service asks them for the log heads they keep.
  const [tokenPort, credentialPort] = [await freePort(), await freePort()];

  // The audit service runs its API, one worker consuming audit-events and the checkpointer, as main.ts runs them.
  const auditSigningKey = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const audit = await composeAuditService(
    loadAuditServiceConfig(
      testEnv({
        ...shared,
        MONGODB_DB: uniqueName('e2eaudit'),
        AUDIT_SIGNING_KEY: auditSigningKey,
        AUDIT_WORKER_CONCURRENCY: '8',
        AUDIT_BATCH_SIZE: '100',
        AUDIT_CHECKPOINT_INTERVAL_MS: '500',
        AUDIT_ANCHOR_SOURCES: `token-service=http://127.0.0.1:${tokenPort},credential-service=http://127.0.0.1:${credentialPort}`,
      }),
    ),
    { logger: testLogger('audit-service') },
  );
  const auditServiceUrl = await run(audit, closers);

  // The producers clear an outbox entry only once the audit service says its event is recorded.
  // Deleting an account, the token service has the credential service destroy its data key.
  const tokenConfig = loadTokenServiceConfig(
    testEnv({ ...shared, AUDIT_SERVICE_URL: auditServiceUrl, CREDENTIAL_SERVICE_URL: `http://127.0.0.1:${credentialPort}`, MONGODB_DB: uniqueName('e2etokens') }),
  );
  const tokens = await composeTokenService(tokenConfig, {
    logger: testLogger('token-service'),
  });
  const tokenServiceUrl = await run(tokens, closers, tokenPort);

  const credentials = await composeCredentialService(
    loadCredentialServiceConfig(testEnv({ ...shared, AUDIT_SERVICE_URL: auditServiceUrl, MONGODB_DB: uniqueName('e2ecreds') })),
    { logger: testLogger('credential-service') },
  );
  const credentialServiceUrl = await run(credentials, closers, credentialPort);

  // The gateway, with a private rate-limit prefix.
  const gatewayConfig = loadGatewayConfig({
    ...testEnv(),
    TOKEN_SERVICE_URL: tokenServiceUrl,
    CREDENTIAL_SERVICE_URL: credentialServiceUrl,
    AUDIT_SERVICE_URL: auditServiceUrl,
    // Every request of the suite comes from 127.0.0.1, refused ones included.
    RATE_LIMIT_PER_IP: '1000',
    RATE_LIMIT_PER_ACCOUNT: '100000',
    RATE_LIMIT_VERIFY_PER_IP_PER_SECOND: '100000',
    RATE_LIMIT_KEY_PREFIX: `${uniqueName('rl')}:`,
    ...(options.redisUrl ? { REDIS_URL: options.redisUrl } : {}),
    ...options.gatewayEnv,
  });
  // The gateway serves the built console (apps/console/dist) at /console, as in production.
  const urls: string[] = [];
  for (let replica = 0; replica < (options.gateways ?? 1); replica++) urls.push(await run(composeGateway(gatewayConfig, { logger: testLogger('gateway') }), closers));
  const gatewayUrl = urls[0];

  const accountDefaults = { name: 'console-admin', rateLimit: { limit: 10_000, windowSeconds: 60 } };
  const admin = await bootstrapToken(tokenServiceUrl, { ...accountDefaults, ...options.admin });
  const databases = { tokens: tokens.mongo, credentials: credentials.mongo, audit: audit.mongo };

  const platformTokens = {
    tokens: new ApiTokenRepository(tokens.mongo),
    versions: new TokenVersionSignal(tokens.redis, testLogger('token-service')),
    hashKey: tokenConfig.TOKEN_HASH_KEY,
    outbox: tokens.relay,
  };
  return {
    url: gatewayUrl,
    urls,
    platformToken: async (scopes = [...PLATFORM_SCOPES], name = 'provisioning') => {
      const issued = await issuePlatformToken(platformTokens, { type: 'operator', id: 'cli', name: 'operator' }, { name, scopes, allowedIps: [], expiresAt: null, rateLimit: null });
      return { id: issued.token._id, secret: issued.secret };
    },
    auditPublicKey: createPublicKey(auditSigningKey),
    admin,
    newAccount: (body = {}) => bootstrapToken(tokenServiceUrl, { ...accountDefaults, ...body }),
    databases,
    queuePrefix: shared.AUDIT_QUEUE_PREFIX,
    close: async () => {
      // Workers stop first, so nothing writes while the queues and databases go; then every service closes, the gateway first.
      await audit.stopWorkers();
      await Promise.all([tokens.queue.obliterate({ force: true }), audit.recordedQueue.obliterate({ force: true })]).catch(() => undefined);
      for (const db of Object.values(databases)) await db.dropDatabase().catch(() => undefined);
      for (const close of closers.reverse()) await close();
    },
  };
}

/** A new account's first token: a signed call straight to the token service, as operator tooling makes it. */
async function bootstrapToken(tokenServiceUrl: string, body: Record<string, unknown>): Promise<BootstrapToken> {
  const accountId = randomUUID();
  const url = '/api/v1/apitokens';
  const identity = operatorIdentity(accountId);
  const payload = JSON.stringify({ scopes: [...ALL_SCOPES], ...body });
  const response = await fetch(`${tokenServiceUrl}${url}`, {
    method: 'POST',
    headers: { ...signedHeaders('token-service', identity, 'POST', url, { body: payload }), 'content-type': 'application/json' },
    body: payload,
  });
  const json = (await response.json()) as { data: { id: string; token: string; name: string } };
  if (response.status !== 201) throw new Error(`bootstrap token: ${response.status} ${JSON.stringify(json)}`);
  return { id: json.data.id, secret: json.data.token, accountId, name: json.data.name };
}
