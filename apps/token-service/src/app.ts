import { Router } from 'express';
import type { Connection } from 'mongoose';
import type { Cluster, Redis } from 'ioredis';
import type { Logger } from '@warden/config';
import { loadOpenApiDocument } from '@warden/contracts-api';
import { IdentityVerifier, OpenApiValidator, createMetrics, createServiceApp, type ServiceApps } from '@warden/http';
import { pingMongo } from '@warden/data';
import { AuditAnchors, auditAnchorRoutes, pingRedis } from '@warden/queue';
import { AccountRepository, ApiTokenRepository, TokenKeyRing, TokenSecretSealer, tokenDataKeyStore } from '@warden/tokens-data-access';
import type { TokenServiceConfig } from './config';
import { ManageApiTokens } from './domain/manage-api-tokens.use-case';
import { VerifyApiToken } from './domain/verify-api-token.use-case';
import { TokenVersionSignal } from '@warden/tokens-feature';
import { apiTokenRoutes } from './entry-points/http/api-tokens.routes';
import { platformAccountRoutes } from './entry-points/http/platform-accounts.routes';
import { PlatformAccounts } from './domain/platform-accounts.use-case';
import { credentialShredder } from './adapters/credential-shredder';
import { internalVerifyRoutes } from './entry-points/http/internal-verify.routes';

export interface TokenServiceDeps {
  config: Pick<TokenServiceConfig, 'INTERNAL_KEYS' | 'TOKEN_HASH_KEY' | 'TOKEN_ENCRYPTION_KEYS' | 'MAX_TOKENS_PER_ACCOUNT' | 'CREDENTIAL_SERVICE_URL'>;
  logger: Logger;
  mongo: Connection;
  redis: Redis | Cluster;
  /** The outbox relay: kicked after each write. Without it, events wait for the relay's next poll. */
  outbox?: { kick(documentId?: unknown): void };
  clock?: () => Date;
  /** Destroys a deleted account's data key; by default the credential service at `CREDENTIAL_SERVICE_URL`. */
  credentials?: { shred(accountId: string): Promise<void> };
}

/** The token-service HTTP app and its operations app, every dependency passed in: no I/O at import time. */
export function createApp({ config, logger, mongo, redis, outbox, clock, credentials }: TokenServiceDeps): ServiceApps {
  const tokens = new ApiTokenRepository(mongo);
  const versions = new TokenVersionSignal(redis, logger);
  // Recoverable tokens' secrets are sealed under this service's own ring, data keys in its own database.
  const sealer = new TokenSecretSealer({ ring: TokenKeyRing.fromEnv(config.TOKEN_ENCRYPTION_KEYS), store: tokenDataKeyStore(mongo) });
  const manage = new ManageApiTokens({ tokens, versions, hashKey: config.TOKEN_HASH_KEY, outbox, clock, maxTokensPerAccount: config.MAX_TOKENS_PER_ACCOUNT, sealer });
  const accounts = new AccountRepository(mongo);
  const verify = new VerifyApiToken({ tokens, accounts, versions, hashKey: config.TOKEN_HASH_KEY, clock });
  const platform = new PlatformAccounts({
    accounts,
    tokens,
    versions,
    hashKey: config.TOKEN_HASH_KEY,
    credentials: credentials ?? credentialShredder({ credentialServiceUrl: config.CREDENTIAL_SERVICE_URL, keys: config.INTERNAL_KEYS }),
    tokenSecrets: sealer,
    outbox,
    clock,
  });
  const validator = new OpenApiValidator(loadOpenApiDocument());
  const routes = Router();
  routes.use(internalVerifyRoutes({ verify }));
  // The audit log's head as this service last saw it confirmed, for the audit service's verification.
  routes.use(auditAnchorRoutes(new AuditAnchors(mongo)));
  routes.use(apiTokenRoutes({ validator, manage }));
  routes.use(platformAccountRoutes({ validator, accounts: platform }));
  return createServiceApp({
    logger,
    metrics: createMetrics('token-service'),
    readiness: { mongodb: () => pingMongo(mongo), redis: () => pingRedis(redis) },
    identity: new IdentityVerifier('token-service', config.INTERNAL_KEYS),
    routes,
  });
}
