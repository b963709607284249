import type { Express } from 'express';
import type { Identity } from '@warden/http';
import { signedCall, startStandInAuditService, testEnv, testLogger, TEST_KEYS, uniqueName } from '@warden/testing';
import { loadConfig } from '../config';
import { composeTokenService } from '../compose';

/** Generated for this test process, like every key the tests use. */
export const TEST_TOKEN_HASH_KEY = TEST_KEYS.TOKEN_HASH_KEY;

export interface HarnessOptions {
  /** Run the outbox relay and the last-used flusher (`start`). Without it, writes still kick the relay. */
  relay?: boolean;
  /** Record every MongoDB command the app sends (to prove that a request reads nothing). */
  monitorCommands?: boolean;
  clock?: () => Date;
  /** Configuration over the harness' own (e.g. LAST_USED_FLUSH_MS). */
  env?: Record<string, string>;
}

/** One token service, composed as production composes it, on its own database and queue prefix, with real Redis and the real MongoDB-compatible server. */
export async function startTokenService({ relay: withRelay = true, monitorCommands = false, clock, env = {} }: HarnessOptions = {}) {
  // No audit service here: a stand-in reports an event recorded once its job is on the queue.
  const audit = await startStandInAuditService();
  const config = loadConfig(
    testEnv({ MONGODB_DB: uniqueName('tokens'), TOKEN_HASH_KEY: TEST_TOKEN_HASH_KEY, OUTBOX_POLL_MS: '200', AUDIT_SERVICE_URL: audit.url, OUTBOX_CONFIRM_AFTER_MS: '0', ...env }),
  );
  const logger = testLogger('token-service');
  const service = await composeTokenService(config, { logger, clock, monitorCommands });
  audit.recordQueued(service.queue);
  const commands: string[] = [];
  if (monitorCommands) service.mongo.getClient().on('commandStarted', (event) => commands.push(event.commandName));
  if (withRelay) await service.start();
  const app: Express = service.app;

  /** A request as the gateway would send it, signed for `identity`. */
  const as = (identity: Identity) => {
    const call = signedCall(app, 'token-service');
    return {
      get: (url: string) => call(identity, 'GET', url),
      post: (url: string, body?: object) => call(identity, 'POST', url, body),
      patch: (url: string, body: object) => call(identity, 'PATCH', url, body),
      delete: (url: string) => call(identity, 'DELETE', url),
    };
  };

  const close = async () => {
    await service.mongo.dropDatabase().catch(() => undefined);
    await service.close();
    await audit.close();
  };

  const { mongo, models, redis, queue, relay, lastUsed } = service;
  return { app, admin: service.admin, config, mongo, models, redis, queue, relay, lastUsed, logger, prefix: config.AUDIT_QUEUE_PREFIX as string, commands, as, close };
}
export type TokenServiceHarness = Awaited<ReturnType<typeof startTokenService>>;
