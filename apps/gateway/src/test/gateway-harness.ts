import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import type { Server } from 'node:http';
import { connect, createServer, type AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import express from 'express';
import type { Cluster, Redis } from 'ioredis';
import type { Connection } from 'mongoose';
import { Pool } from 'undici';
import { ALL_SCOPES, closeServer, createHttpServer, listen, type Metrics } from '@warden/http';
import { operatorIdentity, signedHeaders, testEnv, testInfra, testLogger, TEST_KEYS, startStandInAuditService, uniqueName } from '@warden/testing';
// Tests compose the real token service behind the real gateway in one process (never production code).
// eslint-disable-next-line @nx/enforce-module-boundaries
import { composeTokenService } from '../../../token-service/src/compose';
// eslint-disable-next-line @nx/enforce-module-boundaries
import { loadConfig as loadTokenServiceConfig } from '../../../token-service/src/config';
import { composeGateway } from '../compose-gateway';
import { loadConfig, type GatewayConfig } from '../config';
import type { TokenAuthenticator } from '../auth/token-authenticator';
import { VERIFY_PATH } from '../auth/token-verifier';

/** The token service's TOKEN_HASH_KEY (generated for this test process): a test that writes tokens with the operator CLI passes it too. */
export const TOKEN_HASH_KEY = TEST_KEYS.TOKEN_HASH_KEY;

/** Serves `app` on an ephemeral loopback port as the services serve it (same keep-alive settings). */
async function serve(app: express.Express): Promise<{ server: Server; url: string }> {
  const server = createHttpServer(app);
  return { server, url: await listen(server, 0, '127.0.0.1') };
}

async function stopServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await closeServer(server);
}

export { redisReady } from '@warden/queue';

export interface TokenServiceHarness {
  url: string;
  mongo: Connection;
  redis: Redis | Cluster;
  /** Internal verify calls that reached the token service so far. */
  verifyCalls: () => number;
  close: () => Promise<void>;
}

/** The real token service, composed as production composes it, on an ephemeral port, counting the internal verify calls it receives. */
export async function startTokenService({
  redisUrl = testInfra().redisUrl,
  background = true,
  env = {},
}: {
  redisUrl?: string;
  /** Run the outbox relay and the last-used flusher, as main.ts does; off, the service touches its database only when asked. */
  background?: boolean;
  /** Token-service settings over the harness' own, e.g. MAX_TOKENS_PER_ACCOUNT. */
  env?: Record<string, string>;
} = {}): Promise<TokenServiceHarness> {
  // No audit service here: a stand-in reports an event recorded once its job is on the queue.
  const audit = await startStandInAuditService();
  const config = loadTokenServiceConfig(
    testEnv({ REDIS_URL: redisUrl, MONGODB_DB: uniqueName('gwtokens'), TOKEN_HASH_KEY, OUTBOX_POLL_MS: '200', AUDIT_SERVICE_URL: audit.url, OUTBOX_CONFIRM_AFTER_MS: '0', ...env }),
  );
  const service = await composeTokenService(config, { logger: testLogger('token-service') });
  audit.recordQueued(service.queue);
  if (background) await service.start();
  let verifyCalls = 0;
  const counting = express();
  counting.use((req, _res, next) => {
    if (req.path === VERIFY_PATH) verifyCalls++;
    next();
  });
  counting.use(service.app);
  const { server, url } = await serve(counting);
  return {
    url,
    mongo: service.mongo,
    redis: service.redis,
    verifyCalls: () => verifyCalls,
    close: async () => {
      await stopServer(server);
      await service.mongo.dropDatabase().catch(() => undefined);
      await service.close();
      await audit.close();
    },
  };
}

export interface GatewayHarness {
  url: string;
  /** The replica's operations server (`/metrics`, detailed `/readyz`), as main.ts serves it on ADMIN_PORT. */
  adminUrl: string;
  config: GatewayConfig;
  authenticator: TokenAuthenticator;
  redis: Redis | Cluster;
  metrics: Metrics;
  close: () => Promise<void>;
}

/** One gateway replica in front of `tokenServiceUrl`, composed as production composes it, with its own Redis connection and metrics. */
export async function startGateway(tokenServiceUrl: string, env: Record<string, string> = {}): Promise<GatewayHarness> {
  const config = loadConfig({
    NODE_ENV: 'test',
    REDIS_URL: testInfra().redisUrl,
    INTERNAL_KEYS: TEST_KEYS.INTERNAL_KEYS,
    TOKEN_SERVICE_URL: tokenServiceUrl,
    // Nothing listens there: these suites exercise the token routes only.
    CREDENTIAL_SERVICE_URL: 'http://127.0.0.1:9',
    AUDIT_SERVICE_URL: 'http://127.0.0.1:9',
    RATE_LIMIT_KEY_PREFIX: `${uniqueName('rl')}:`,
    RATE_LIMIT_PER_TOKEN: '1000',
    RATE_LIMIT_PER_ACCOUNT: '100000',
    RATE_LIMIT_PER_IP: '1000',
    RATE_LIMIT_VERIFY_PER_IP_PER_SECOND: '100000',
    ...env,
  });
  const gateway = composeGateway(config, { logger: testLogger('gateway') });
  await gateway.start();
  const { server, url } = await serve(gateway.app);
  const { server: adminServer, url: adminUrl } = await serve(gateway.admin);
  return {
    url,
    adminUrl,
    config,
    authenticator: gateway.authenticator,
    redis: gateway.redis,
    metrics: gateway.metrics,
    close: async () => {
      await Promise.all([stopServer(server), stopServer(adminServer)]);
      await gateway.close();
    },
  };
}

export interface CreatedToken {
  id: string;
  secret: string;
}

/**
 * An account's first token, made the way an operator's tooling does: a signed call straight to the
 * token service (the gateway is for tokens that already exist).
 */
export async function bootstrapToken(tokenServiceUrl: string, body: Record<string, unknown> = {}): Promise<CreatedToken & { accountId: string }> {
  const accountId = randomUUID();
  const url = '/api/v1/apitokens';
  const identity = operatorIdentity(accountId);
  const payload = JSON.stringify({ name: 'bootstrap', scopes: [...ALL_SCOPES], ...body });
  const response = await fetch(`${tokenServiceUrl}${url}`, {
    method: 'POST',
    headers: { ...signedHeaders('token-service', identity, 'POST', url, { body: payload }), 'content-type': 'application/json' },
    body: payload,
  });
  const json: any = await response.json();
  if (response.status !== 201) throw new Error(`bootstrap token: ${response.status} ${JSON.stringify(json)}`);
  return { id: json.data.id, secret: json.data.token, accountId };
}

/** Keep-alive HTTP clients for firing many requests at a gateway quickly. */
export function client(url: string) {
  const pool = new Pool(url, { connections: 16 });
  return {
    async call(method: string, path: string, secret?: string, body?: unknown): Promise<{ status: number; headers: Record<string, any>; body: any }> {
      const response = await pool.request({
        method: method as any,
        path,
        headers: {
          ...(secret ? { authorization: `Bearer ${secret}` } : {}),
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.body.text();
      return { status: response.statusCode, headers: response.headers, body: text ? JSON.parse(text) : undefined };
    },
    close: () => pool.close(),
  };
}

/**
 * A Redis of the test's own that it can kill and start again on the same port (an outage). It keeps
 * its data across the restart (append-only file), like a Redis that was only unreachable.
 */
export async function startOwnRedis(dir: string): Promise<{ url: string; stop: () => Promise<void>; start: () => Promise<void> }> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const port = (probe.address() as AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--appendfsync', 'always', '--dir', dir], { stdio: 'ignore' });
    for (let attempt = 0; attempt < 100; attempt++) {
      const connected = await new Promise<boolean>((resolve) => {
        const socket = connect(port, '127.0.0.1', () => {
          socket.end();
          resolve(true);
        }).on('error', () => resolve(false));
      });
      if (connected) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('redis-server did not start');
  };
  const stop = async () => {
    if (!child || child.exitCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  };
  await start();
  return { url: `redis://127.0.0.1:${port}`, stop, start };
}

export interface GatewaySuite {
  tokens: TokenServiceHarness;
  gateway: GatewayHarness;
  /** The account's first token, every scope. */
  admin: CreatedToken & { accountId: string };
}

/** A token service, one gateway in front of it and an account's first token for the calling suite: started before its tests, stopped after them. */
export function gatewayForSuite(env: Record<string, string> = {}): GatewaySuite {
  const suite = {} as GatewaySuite;
  beforeAll(async () => {
    suite.tokens = await startTokenService();
    suite.gateway = await startGateway(suite.tokens.url, env);
    suite.admin = await bootstrapToken(suite.tokens.url);
  });
  afterAll(async () => {
    await suite.gateway?.close();
    await suite.tokens?.close();
  });
  return suite;
}
