import mongoose, { type Connection } from 'mongoose';
import type { Express } from 'express';
import type { Redis } from 'ioredis';
import request from 'supertest';
import type { Queue } from 'bullmq';
import type { ChangeEvent } from '@warden/contracts-events';
import { connectMongo } from '@warden/data';
import type { Identity } from '@warden/http';
import { OutboxRelay, createAuditEventsQueue, createRedis, publishChangeEvent } from '@warden/queue';
import { TEST_SIGNING_KEY, signedHeaders, testInfra, testLogger, uniqueName } from '@warden/testing';
import { exclusiveWrite, initTokenModels } from '@warden/tokens-data-access';
import { createApp } from '../app';

export const TEST_TOKEN_HASH_KEY = 'test-token-hash-key-0123456789abcdef';

/** Resolves once the client is connected; connection errors before that only mean "not yet". */
export async function whenReady(redis: Redis): Promise<void> {
  if (redis.status !== 'ready') await new Promise((resolve) => redis.once('ready', resolve));
}

export interface HarnessOptions {
  /** Run an outbox relay (kicked after each write) publishing to a queue with a unique prefix. */
  relay?: boolean;
  /** Record every MongoDB command the app sends (to prove that a request reads nothing). */
  monitorCommands?: boolean;
  clock?: () => Date;
}

/** One token service on its own database, with real Redis and the real MongoDB-compatible server. */
export async function startTokenService({ relay: withRelay = true, monitorCommands = false, clock }: HarnessOptions = {}) {
  const { redisUrl, mongoUrl } = testInfra();
  const dbName = uniqueName('tokens');
  const mongo: Connection = monitorCommands
    ? await mongoose.createConnection(mongoUrl, { dbName, autoIndex: true, monitorCommands: true }).asPromise()
    : await connectMongo(mongoUrl, dbName);
  const commands: string[] = [];
  if (monitorCommands) mongo.getClient().on('commandStarted', (event) => commands.push(event.commandName));
  const models = await initTokenModels(mongo);
  const redis = createRedis(redisUrl, 'client');
  const producer = createRedis(redisUrl, 'producer');
  await Promise.all([whenReady(redis), whenReady(producer)]);
  const prefix = uniqueName('q');
  const queue: Queue<ChangeEvent> = createAuditEventsQueue(producer, prefix);
  const logger = testLogger('token-service');
  const relay = withRelay
    ? new OutboxRelay({ models: [models.accounts, models.apiTokens], publish: (event) => publishChangeEvent(queue, event), logger, intervalMs: 200, exclusive: exclusiveWrite }).start()
    : undefined;
  const app: Express = createApp({ config: { INTERNAL_SIGNING_KEY: TEST_SIGNING_KEY, TOKEN_HASH_KEY: TEST_TOKEN_HASH_KEY }, logger, mongo, redis, outbox: relay, clock });

  /** A request as the gateway would send it, signed for `identity`. */
  const as = (identity: Identity) => {
    const call = (method: 'get' | 'post' | 'patch' | 'delete', url: string) => request(app)[method](url).set(signedHeaders(identity, method.toUpperCase(), url));
    return {
      get: (url: string) => call('get', url),
      post: (url: string, body?: object) => (body === undefined ? call('post', url) : call('post', url).send(body)),
      patch: (url: string, body: object) => call('patch', url).send(body),
      delete: (url: string) => call('delete', url),
    };
  };

  const close = async () => {
    await relay?.stop();
    await queue.close();
    await mongo.dropDatabase().catch(() => undefined);
    await mongo.close();
    redis.disconnect();
    producer.disconnect();
  };

  return { app, mongo, models, redis, queue, relay, logger, prefix, commands, as, close };
}
export type TokenServiceHarness = Awaited<ReturnType<typeof startTokenService>>;
