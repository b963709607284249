import type { Express } from 'express';
import type { Connection } from 'mongoose';
import type { Redis } from 'ioredis';
import type { Queue } from 'bullmq';
import request from 'supertest';
import type { ChangeEvent } from '@warden/contracts-events';
import { connectMongo } from '@warden/data';
import { createAuditEventsQueue, createRedis, OutboxRelay, publishChangeEvent } from '@warden/queue';
import { CredentialCipher, CredentialRepository, exclusiveWrite } from '@warden/credentials-data-access';
import { signedHeaders, testInfra, testLogger, TEST_SIGNING_KEY, uniqueName } from '@warden/testing';
import type { Identity } from '@warden/http';
import { createApp } from '../app';

type Call = (identity: Identity, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown) => request.Test;

function callerOf(app: Express): Call {
  return (identity, method, url, body) => {
    const test = request(app)[method.toLowerCase() as 'get' | 'post' | 'patch' | 'delete'](url).set(signedHeaders(identity, method, url));
    return body === undefined ? test : test.send(body as object);
  };
}

/** One credential service on a real FerretDB database and a real Redis queue with a private prefix. */
export interface Harness {
  app: Express;
  mongo: Connection;
  repository: CredentialRepository;
  queue: Queue<ChangeEvent>;
  relay: OutboxRelay;
  call: Call;
  /** `call` against another app on the same database (see `withKeys`). */
  callOn: (app: Express) => Call;
  /** Publishes every pending outbox event and returns every event on the queue so far. */
  events: () => Promise<ChangeEvent[]>;
  /** The same database and queue served with another key list (a rotation or a restart). */
  withKeys: (keys: string) => Express;
  close: () => Promise<void>;
}

async function ready(redis: Redis): Promise<void> {
  if (redis.status === 'ready') return;
  await new Promise((resolve) => redis.once('ready', resolve));
}

export async function startCredentialService(keys: string, dbName = uniqueName('creds')): Promise<Harness> {
  const { redisUrl, mongoUrl } = testInfra();
  const logger = testLogger('credential-service');
  const mongo = await connectMongo(mongoUrl, dbName);
  const repository = new CredentialRepository(mongo);
  await repository.init();
  const redis = createRedis(redisUrl, 'client');
  const producer = createRedis(redisUrl, 'producer');
  await Promise.all([ready(redis), ready(producer)]);
  const queue = createAuditEventsQueue(producer, uniqueName('q'));
  const relay = new OutboxRelay({ models: [repository.model], publish: (event) => publishChangeEvent(queue, event), logger, intervalMs: 60_000, exclusive: exclusiveWrite });
  const build = (keyList: string) =>
    createApp({
      config: { INTERNAL_SIGNING_KEY: TEST_SIGNING_KEY },
      logger,
      mongo,
      redis,
      repository,
      cipher: CredentialCipher.fromEnv(keyList),
      onEvent: () => relay.kick(),
    });
  const app = build(keys);
  return {
    app,
    mongo,
    repository,
    queue,
    relay,
    call: callerOf(app),
    callOn: callerOf,
    events: async () => {
      await relay.flush();
      const jobs = await queue.getJobs(['waiting', 'delayed', 'active', 'completed', 'failed', 'prioritized']);
      return jobs.map((job) => job.data).sort((a, b) => a.occurredAt.localeCompare(b.occurredAt));
    },
    withKeys: build,
    close: async () => {
      await relay.stop();
      await queue.obliterate({ force: true });
      await queue.close();
      await mongo.dropDatabase();
      await mongo.close();
      producer.disconnect();
      redis.disconnect();
    },
  };
}
