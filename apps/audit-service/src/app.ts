import { Router } from 'express';
import type { Connection } from 'mongoose';
import type { Cluster, Redis } from 'ioredis';
import type { Logger } from '@warden/config';
import { IdentityVerifier, OpenApiValidator, createServiceApp, type ServiceApps } from '@warden/http';
import { loadOpenApiDocument } from '@warden/contracts-api';
import { pingMongo } from '@warden/data';
import { pingRedis } from '@warden/queue';
import type { CheckpointSigner } from '@warden/audit-client';
import type { AuditCheckpointRepository, AuditRecordRepository, AuditTreeNodeRepository } from '@warden/audit-data-access';
import type { AuditServiceConfig } from './config';
import type { Checkpointer } from './domain/checkpoint.use-case';
import type { RecordSealer } from '@warden/audit-feature';
import { createAuditMetrics, type AuditMetrics } from './audit-metrics';
import type { AnchorSources } from './anchor-sources';
import { auditRoutes } from './entry-points/http/audit.routes';
import { platformAuditRoutes } from './entry-points/http/platform-audit.routes';
import { internalRoutes } from './entry-points/http/internal.routes';
import { transparencyRoutes } from './entry-points/http/transparency.routes';
import { verificationRoutes } from './entry-points/http/verification.routes';
import type { VerificationJobs } from './domain/verification-jobs.use-case';

export interface AuditServiceDeps {
  config: Pick<AuditServiceConfig, 'INTERNAL_KEYS' | 'AUDIT_VERIFY_DEADLINE_MS'> & Partial<Pick<AuditServiceConfig, 'AUDIT_ROLE'>>;
  logger: Logger;
  mongo: Connection;
  redis: Redis | Cluster;
  records: AuditRecordRepository;
  checkpoints: AuditCheckpointRepository;
  /** The complete subtrees of each account's Merkle tree (proofs read them). */
  tree: AuditTreeNodeRepository;
  checkpointer: Checkpointer;
  signer: CheckpointSigner;
  sealer: RecordSealer;
  metrics?: AuditMetrics;
  /** The producers that keep the log's head in their own databases: `verify` holds the records against them. */
  anchors?: AnchorSources;
  /** Full verifications run as jobs (`POST /audit/verifications`). */
  jobs: VerificationJobs;
}

/**
 * The audit-service HTTP app and its operations app, every dependency passed in: no I/O at import time. A worker-only
 * replica (AUDIT_ROLE=worker) serves health and metrics but no API.
 */
export function createApp(deps: AuditServiceDeps): ServiceApps {
  const { config, logger, mongo, redis } = deps;
  const routes = Router();
  if ((config.AUDIT_ROLE ?? 'all') !== 'worker') {
    // Before the read routes: `/audit/keys` is a literal path, not a record id.
    const verifyDeadlineMs = config.AUDIT_VERIFY_DEADLINE_MS;
    routes.use(transparencyRoutes({ ...deps, verifyDeadlineMs }));
    routes.use(verificationRoutes(deps));
    const validator = new OpenApiValidator(loadOpenApiDocument());
    routes.use(auditRoutes({ ...deps, verifyDeadlineMs }, validator));
    routes.use(platformAuditRoutes(deps, validator));
    routes.use(internalRoutes(deps));
  }
  return createServiceApp({
    logger,
    metrics: (deps.metrics ?? createAuditMetrics()).http,
    readiness: { mongodb: () => pingMongo(mongo), redis: () => pingRedis(redis) },
    identity: new IdentityVerifier('audit-service', config.INTERNAL_KEYS),
    routes,
  });
}
