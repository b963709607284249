import { Router, type Express } from 'express';
import type { Connection } from 'mongoose';
import type { Redis } from 'ioredis';
import type { Logger } from '@warden/config';
import { createMetrics, createServiceApp } from '@warden/http';
import { pingMongo } from '@warden/data';
import { pingRedis } from '@warden/queue';
import type { TokenServiceConfig } from './config';

export interface TokenServiceDeps {
  config: Pick<TokenServiceConfig, 'INTERNAL_SIGNING_KEY'>;
  logger: Logger;
  mongo: Connection;
  redis: Redis;
}

/** The token-service HTTP app with every dependency passed in: no I/O at import time. */
export function createApp({ config, logger, mongo, redis }: TokenServiceDeps): Express {
  const routes = Router();
  return createServiceApp({
    logger,
    metrics: createMetrics('token-service'),
    readiness: { mongodb: () => pingMongo(mongo), redis: () => pingRedis(redis) },
    signingKey: config.INTERNAL_SIGNING_KEY,
    routes,
  });
}
