import { Router } from 'express';
import type { Connection } from 'mongoose';
import type { Cluster, Redis } from 'ioredis';
import type { Logger } from '@warden/config';
import { IdentityVerifier, createMetrics, createServiceApp, OpenApiValidator, type ServiceApps } from '@warden/http';
import { pingMongo } from '@warden/data';
import { AuditAnchors, auditAnchorRoutes, pingRedis } from '@warden/queue';
import { loadOpenApiDocument } from '@warden/contracts-api';
import type { CredentialRepository, CredentialSealer } from '@warden/credentials-data-access';
import type { CredentialServiceConfig } from './config';
import { CredentialsUseCase } from './domain/credentials.use-case';
import { CredentialTypes } from './domain/credential-types';
import { credentialRoutes } from './entry-points/http/credentials.routes';
import { internalRoutes } from './entry-points/http/internal.routes';
import { accountDataKeyRoutes } from './entry-points/http/account-data-key.routes';

export interface CredentialServiceDeps {
  config: Pick<CredentialServiceConfig, 'INTERNAL_KEYS' | 'SECRET_READERS'>;
  logger: Logger;
  mongo: Connection;
  redis: Redis | Cluster;
  repository: CredentialRepository;
  /** Seals and opens secrets under the accounts' data keys, with its cache of unwrapped keys (one per process). */
  sealer: CredentialSealer;
  /** The outbox relay, kicked after each write (with the document written) so events go out at once. */
  outbox?: { kick(documentId?: unknown): void };
  clock?: () => Date;
}

/** The credential-service HTTP app and its operations app, every dependency passed in: no I/O at import time. */
export function createApp({ config, logger, mongo, redis, repository, sealer, outbox, clock }: CredentialServiceDeps): ServiceApps {
  const document = loadOpenApiDocument();
  const credentials = new CredentialsUseCase({ repository, sealer, types: new CredentialTypes(document), outbox, clock });
  const routes = Router();
  routes.use(credentialRoutes({ credentials, validator: new OpenApiValidator(document) }));
  routes.use(internalRoutes({ credentials, readers: config.SECRET_READERS }));
  routes.use(accountDataKeyRoutes({ sealer }));
  // The audit log's head as this service last saw it confirmed, for the audit service's verification.
  routes.use(auditAnchorRoutes(new AuditAnchors(mongo)));
  return createServiceApp({
    logger,
    metrics: createMetrics('credential-service'),
    readiness: { mongodb: () => pingMongo(mongo), redis: () => pingRedis(redis) },
    identity: new IdentityVerifier('credential-service', config.INTERNAL_KEYS),
    routes,
  });
}
