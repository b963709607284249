import { Router, type Express } from 'express';
import type { Connection } from 'mongoose';
import type { Redis } from 'ioredis';
import type { Logger } from '@warden/config';
import { createMetrics, createServiceApp } from '@warden/http';
import { pingMongo } from '@warden/data';
import { pingRedis } from '@warden/queue';
import type { AuditServiceConfig } from './config';

export interface AuditServiceDeps {
  config: Pick<AuditServiceConfig, 'INTERNAL_SIGNING_KEY'>;
  logger: Logger;
  mongo: Connection;
  redis: Redis;
}

/** The audit-service HTTP app with every dependency passed in: no I/O at import time. */
export function createApp({ config, logger, mongo, redis }: AuditServiceDeps): Express {
  const routes = Router();
  return createServiceApp({
    logger,
    metrics: createMetrics('audit-service'),
    readiness: { mongodb: () => pingMongo(mongo), redis: () => pingRedis(redis) },
    signingKey: config.INTERNAL_SIGNING_KEY,
    routes,
  });
}
