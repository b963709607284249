import type { Express } from 'express';
import type { Connection } from 'mongoose';
import type { Queue } from 'bullmq';
import type { ChangeEvent, SignedChangeEvent } from '@warden/contracts-events';
import type { OutboxRelay } from '@warden/queue';
import { CredentialCipher, CredentialSealer, type CredentialRepository } from '@warden/credentials-data-access';
import { signedCall, startStandInAuditService, testEnv, testLogger, uniqueName, type SignedCall } from '@warden/testing';
import { createApp } from '../app';
import { loadConfig } from '../config';
import { composeCredentialService } from '../compose';

/** One credential service, composed as production composes it, on a real FerretDB database and a real Redis queue with a private prefix. */
export interface Harness {
  app: Express;
  mongo: Connection;
  repository: CredentialRepository;
  /** The service's own sealer (its cache of unwrapped data keys included). */
  sealer: CredentialSealer;
  queue: Queue<SignedChangeEvent>;
  relay: OutboxRelay;
  call: SignedCall;
  /** Calls as `secrets-reader`, the internal service `SECRET_READERS` names here (the internal secrets route). */
  readSecrets: SignedCall;
  /** Calls to another app of this service, as the gateway or as the internal `caller` given. */
  callOn: (app: Express, caller?: string) => SignedCall;
  /** Publishes every pending outbox event and returns every event on the queue so far. */
  events: () => Promise<ChangeEvent[]>;
  /** The same database and queue served with another key list (a rotation or a restart), with a cache of its own. */
  withKeys: (keys: string) => Express;
  close: () => Promise<void>;
}

export async function startCredentialService(keys: string, dbName = uniqueName('creds')): Promise<Harness> {
  // No audit service here: a stand-in reports an event recorded once its job is on the queue.
  const audit = await startStandInAuditService();
  const config = loadConfig(
    testEnv({ MONGODB_DB: dbName, CREDENTIAL_ENCRYPTION_KEYS: keys, OUTBOX_POLL_MS: '60000', SECRET_READERS: 'secrets-reader', AUDIT_SERVICE_URL: audit.url, OUTBOX_CONFIRM_AFTER_MS: '0' }),
  );
  const logger = testLogger('credential-service');
  const service = await composeCredentialService(config, { logger });
  audit.recordQueued(service.queue);
  await service.start();
  const { app, mongo, redis, repository, sealer, queue, relay } = service;
  const withKeys = (keyList: string) =>
    createApp({ config, logger, mongo, redis, repository, sealer: new CredentialSealer({ cipher: CredentialCipher.fromEnv(keyList), repository }), outbox: relay }).app;
  return {
    app,
    mongo,
    repository,
    sealer,
    queue,
    relay,
    call: signedCall(app, 'credential-service'),
    readSecrets: signedCall(app, 'credential-service', 'secrets-reader'),
    callOn: (other: typeof app, caller?: string) => signedCall(other, 'credential-service', caller),
    events: async () => {
      // The second flush asks the audit service about what the first published, and clears it.
      await relay.flush();
      await relay.flush();
      const jobs = await queue.getJobs(['waiting', 'delayed', 'active', 'completed', 'failed', 'prioritized']);
      return jobs.map((job) => job.data.event).sort((a, b) => a.occurredAt.localeCompare(b.occurredAt));
    },
    withKeys,
    close: async () => {
      await queue.obliterate({ force: true });
      await mongo.dropDatabase();
      await service.close();
      await audit.close();
    },
  };
}
