import type { Request, Response } from 'express';
import type { Cluster, Redis } from 'ioredis';
import type { Registry } from 'prom-client';
import type { Logger } from '@warden/config';
import { AppError, type Identity, type IdentitySigner, type ReadinessCheck } from '@warden/http';
import { accountLimitKey, lastUsedKey, tokenVersionKey } from '@warden/api-token';
import type { GatewayConfig } from '../config';
import { GatewayRateLimiter } from '../rate-limit/rate-limiter';
import {
  RateLimitPolicies,
  rateLimitPolicy,
  retryAfterSeconds,
  setRateLimitHeaders,
  setTokenRateLimitHeaders,
  type RateLimitDecision,
  type RateLimitPolicy,
} from '../rate-limit/rate-limit-policy';
import type { BindingAccountQuota } from '../rate-limit/redis-gate';
import type { Authenticator } from './authenticator';
import { bearerFailureDetail, parseBearer, type BearerFailure } from './bearer';
import { clientIp, type ClientIp } from './client-ip';
import { IpAllowlist } from './ip-allowlist';
import { createAuthMetrics, type AuthMetrics } from './auth-metrics';
import { TokenVerifier, type RejectionReason, type VerifiedTokenData } from './token-verifier';
import { RejectedSecrets, secretCacheKey, VerificationCache, type VerifiedToken } from './verification-cache';

export type AuthenticatorConfig = Pick<
  GatewayConfig,
  | 'TOKEN_SERVICE_URL'
  | 'TOKEN_VERIFY_TIMEOUT_MS'
  | 'RATE_LIMIT_PER_TOKEN'
  | 'RATE_LIMIT_WINDOW_SECONDS'
  | 'RATE_LIMIT_PER_ACCOUNT'
  | 'RATE_LIMIT_ACCOUNT_WINDOW_SECONDS'
  | 'RATE_LIMIT_PER_IP'
  | 'RATE_LIMIT_IP_WINDOW_SECONDS'
  | 'RATE_LIMIT_VERIFY_PER_IP_PER_SECOND'
  | 'RATE_LIMIT_KEY_PREFIX'
  | 'AUTH_CACHE_TTL_SECONDS'
  | 'AUTH_CACHE_MAX_ENTRIES'
>;

export interface TokenAuthenticatorDeps {
  config: AuthenticatorConfig;
  redis: Redis | Cluster;
  logger: Logger;
  /** The gateway's metrics registry (auth failures, rate-limit decisions, degraded gauge). */
  registry: Registry;
  /** Mints the identity of the verification calls (`gateway` to `token-service`). */
  signer: IdentitySigner;
  /** Milliseconds; tests may drive it. */
  now?: () => number;
}

export interface TokenAuthenticator extends Authenticator {
  /** `/readyz` entries: the token service must answer; a Redis outage only degrades rate limiting. */
  readiness: { tokenService: ReadinessCheck; rateLimiter: ReadinessCheck };
  readonly degraded: boolean;
  close(): Promise<void>;
}

const REJECTION_DETAILS: Record<RejectionReason, string> = {
  unknown: 'The API token is not valid.',
  disabled: 'The API token is disabled.',
  expired: 'The API token has expired.',
  revoked: 'The API token has been revoked.',
  rotated: 'The API token was rotated; its previous secret no longer works.',
  account_disabled: "The API token's account is disabled.",
};

type VerifyFlight = Promise<{ ok: true; token: VerifiedToken } | { ok: false; reason: RejectionReason }>;

/** A verification that keeps changing under us (edits racing the request) ends as 503 after this many. */
const MAX_REVERIFICATIONS = 2;

/**
 * Bearer-token authentication. The hot path (a cached verification) costs one Redis round trip:
 * one script compares the token's version key with the cached `authVersion` (so a revoke, disable,
 * rotate or edit acknowledged by the token service is seen by every replica on the next request),
 * applies the token's sliding-window quota and records last use. A cache miss or a moved version
 * asks the token service (`POST /internal/v1/tokens/verify`), once per replica for a burst of the
 * same token, within the client IP's verification budget (`per-ip-verify`, per second). While Redis
 * is unavailable nothing is cached: every request is verified by the token service and limited per
 * replica in memory.
 *
 * The client IP's failure quota (`per-ip`) counts only what ends without a valid token (`401`) or
 * outside the token's allowlist (`403`), and past it those answers are `429`. A valid token used
 * from an address its allowlist admits is never checked against it, so clients that fail behind
 * one load balancer's address do not lock out the ones that hold valid tokens. A secret the token
 * service called unknown is remembered for a while and refused again without asking it.
 */
export function createTokenAuthenticator({ config, redis, logger, registry, signer, now = Date.now }: TokenAuthenticatorDeps): TokenAuthenticator {
  const verifier = new TokenVerifier({
    origin: config.TOKEN_SERVICE_URL,
    signer,
    timeoutMs: config.TOKEN_VERIFY_TIMEOUT_MS,
  });
  const cache = new VerificationCache(config.AUTH_CACHE_TTL_SECONDS * 1000, config.AUTH_CACHE_MAX_ENTRIES);
  const policies = new RateLimitPolicies();
  const defaultTokenPolicy = policies.get('per-token', config.RATE_LIMIT_PER_TOKEN, config.RATE_LIMIT_WINDOW_SECONDS);
  const defaultAccountPolicy = policies.get('per-account', config.RATE_LIMIT_PER_ACCOUNT, config.RATE_LIMIT_ACCOUNT_WINDOW_SECONDS);
  const limiter = new GatewayRateLimiter({
    redis,
    keyPrefix: config.RATE_LIMIT_KEY_PREFIX,
    defaultAccountPolicy,
    logger,
    onDegraded: () => forget(),
    now,
  });
  const metrics: AuthMetrics = createAuthMetrics(registry, () => limiter.degraded);
  const ipPolicy = rateLimitPolicy('per-ip', config.RATE_LIMIT_PER_IP, config.RATE_LIMIT_IP_WINDOW_SECONDS);
  const verifyPolicy = rateLimitPolicy('per-ip-verify', config.RATE_LIMIT_VERIFY_PER_IP_PER_SECOND, 1);
  const rejected = new RejectedSecrets(Math.max(config.AUTH_CACHE_TTL_SECONDS, 1) * 1000, config.AUTH_CACHE_MAX_ENTRIES);
  const defaultRateLimit = { limit: defaultTokenPolicy.limit, windowSeconds: defaultTokenPolicy.windowSeconds };
  const flights = new Map<string, VerifyFlight>();

  // A replica that loses Redis, even while idle, must not trust what it verified before: the
  // token service may have changed a token it could no longer announce to this replica, and a
  // Redis that crashed may come back without its last second of writes (a revoke's signal among
  // them), its version keys back at values that verifications from before the change match. Nor
  // may a request after the drop share a verification still in flight from before it: the token
  // service may have read the token before that change.
  function forget(): void {
    cache.flush();
    flights.clear();
  }
  redis.on('close', forget);
  redis.on('reconnecting', forget);
  redis.on('end', forget);
  // On a cluster the client stays up while one master fails over: the node's own errors and its
  // leaving the slot map say that master's keys (a promoted replica's may lag) can no longer be trusted.
  redis.on('node error', forget);
  redis.on('-node', forget);

  function toVerifiedToken(data: VerifiedTokenData): VerifiedToken {
    const policy = data.rateLimit ? policies.get('per-token', data.rateLimit.limit, data.rateLimit.windowSeconds) : defaultTokenPolicy;
    const accountQuota = data.accountRateLimit;
    return {
      tokenId: data.tokenId,
      accountId: data.accountId,
      name: data.name,
      type: data.type,
      scopes: data.scopes,
      allowedIps: data.allowedIps ?? [],
      allowlist: new IpAllowlist(data.allowedIps ?? []),
      expiresAt: data.expiresAt ? Date.parse(data.expiresAt) : null,
      expiresAtText: data.expiresAt ? new Date(data.expiresAt).toISOString() : null,
      secretExpiresAt: data.secretExpiresAt ? Date.parse(data.secretExpiresAt) : null,
      policy,
      rateLimit: { limit: policy.limit, windowSeconds: policy.windowSeconds },
      authVersion: String(data.authVersion),
      versionKey: tokenVersionKey(data.accountId, data.tokenId),
      rateKey: limiter.tokenKey(data.accountId, data.tokenId),
      account: {
        rateKey: limiter.accountKey(data.accountId),
        limitKey: accountLimitKey(data.accountId),
        lastUsedKey: lastUsedKey(data.accountId),
        revision: String(data.accountRevision ?? 0),
        policy: accountQuota ? policies.get('per-account', accountQuota.limit, accountQuota.windowSeconds) : defaultAccountPolicy,
      },
    };
  }

  /** The account's policy for the headers, when its quota is the tighter one. */
  function accountPolicy(quota: BindingAccountQuota | null): RateLimitPolicy | null {
    return quota ? policies.get('per-account', quota.limit, quota.windowSeconds) : null;
  }

  /** A failed request (401, or 403 outside the allowlist) spends the client IP's quota; past it the answer is 429. */
  async function fail(res: Response, ip: ClientIp, reason: BearerFailure | RejectionReason | 'ip_not_allowed', refusal: AppError): Promise<never> {
    metrics.failure(reason);
    const { decision, limiter: which } = await limiter.ip(ip.limitKey, ipPolicy, true);
    metrics.decision('per-ip', which, decision.allowed);
    setRateLimitHeaders(res, ipPolicy, decision);
    if (!decision.allowed) throw AppError.tooManyRequests(retryAfterSeconds(decision));
    throw refusal;
  }

  function refuse(res: Response, ip: ClientIp, reason: BearerFailure | RejectionReason, detail: string): Promise<never> {
    return fail(res, ip, reason, AppError.unauthorized(detail));
  }

  /** Before a call to the token service: the client IP's verification budget (per second), the only per-IP limit a valid token can meet. */
  async function spendVerification(res: Response, ip: ClientIp): Promise<void> {
    const { decision, limiter: which } = await limiter.ip(ip.limitKey, verifyPolicy, true);
    metrics.decision('per-ip-verify', which, decision.allowed);
    if (decision.allowed) return;
    setRateLimitHeaders(res, verifyPolicy, decision);
    throw AppError.tooManyRequests(retryAfterSeconds(decision));
  }

  /**
   * Asks the token service. `join` lets a burst of the same secret share one call; a re-verification
   * after a stale version never joins a call that may have started before the change.
   */
  async function verify(res: Response, key: string, secret: string, ip: ClientIp, join: boolean): Promise<VerifiedToken> {
    const cacheable = !limiter.degraded;
    const generation = cache.generation;
    let flight = join && cacheable ? flights.get(key) : undefined;
    if (!flight) {
      await spendVerification(res, ip);
      // A request for the same secret may have started a call meanwhile.
      flight = join && cacheable ? flights.get(key) : undefined;
    }
    if (!flight) {
      flight = verifier
        .verify(secret, ip.text, res.locals.requestId)
        .then((outcome) => (outcome.ok ? { ok: true as const, token: toVerifiedToken(outcome.data) } : outcome));
      if (cacheable) {
        const own = flight;
        flights.set(key, own);
        const done = () => {
          if (flights.get(key) === own) flights.delete(key);
        };
        own.then(done, done);
      }
    }
    const outcome = await flight;
    if (!outcome.ok) {
      cache.delete(key);
      if (outcome.reason === 'unknown') rejected.add(key, now());
      return refuse(res, ip, outcome.reason, REJECTION_DETAILS[outcome.reason]);
    }
    if (cacheable && !limiter.degraded) cache.set(key, outcome.token, now(), generation);
    return outcome.token;
  }

  return {
    readiness: {
      tokenService: () => verifier.ping(),
      rateLimiter: async () => (limiter.degraded ? 'degraded' : undefined),
    },

    get degraded() {
      return limiter.degraded;
    },

    async authenticate(req: Request, res: Response): Promise<Identity> {
      const ip = clientIp(req.ip);
      const bearer = parseBearer(req.headers.authorization);
      if (!bearer.ok) return refuse(res, ip, bearer.reason, bearerFailureDetail(bearer.reason));
      const key = secretCacheKey(bearer.secret);

      let token = limiter.degraded ? undefined : cache.get(key, now());
      let fresh = false;
      if (token) {
        metrics.cacheHit.inc();
      } else {
        metrics.cacheMiss.inc();
        // A secret no token holds: refused again without asking (and counted as the failure it is).
        if (rejected.has(key, now())) return refuse(res, ip, 'unknown', REJECTION_DETAILS.unknown);
        token = await verify(res, key, bearer.secret, ip, true);
        fresh = true;
      }

      let decision: RateLimitDecision;
      let binding: BindingAccountQuota | null;
      let which: 'redis' | 'memory' = 'redis';
      let allowedIp: boolean;
      for (let reverified = 0; ; reverified++) {
        allowedIp = token.allowlist.allows(ip.address);
        // A use from outside the allowlist checks the version but spends none of the owner's quota.
        const result = await limiter.token(token, allowedIp);
        if (result.kind === 'decision') {
          ({ decision, account: binding } = result);
          break;
        }
        if (result.kind === 'revoked') {
          cache.delete(key);
          return refuse(res, ip, 'revoked', REJECTION_DETAILS.revoked);
        }
        if (result.kind === 'unavailable') {
          // Redis cannot vouch for a cached verification any more: only a fresh one counts.
          if (!fresh) {
            token = await verify(res, key, bearer.secret, ip, false);
            allowedIp = token.allowlist.allows(ip.address);
          }
          ({ decision, account: binding } = limiter.tokenInMemory(token, allowedIp));
          which = 'memory';
          break;
        }
        // Stale: the token changed since it was verified (or Redis lost its version key).
        cache.delete(key);
        if (reverified >= MAX_REVERIFICATIONS) throw AppError.serviceUnavailable('The API token changed during the request; try again.');
        token = await verify(res, key, bearer.secret, ip, false);
        fresh = true;
      }

      // A use from outside the allowlist is a failure of this IP (a stolen token being probed).
      if (!allowedIp) return fail(res, ip, 'ip_not_allowed', AppError.forbidden('This API token may not be used from this IP address.'));
      const bindingAccount = accountPolicy(binding);
      setTokenRateLimitHeaders(res, token.policy, bindingAccount, decision);
      metrics.decision(bindingAccount ? 'per-account' : 'per-token', which, decision.allowed);
      if (!decision.allowed) throw AppError.tooManyRequests(retryAfterSeconds(decision));
      return {
        kind: 'token',
        accountId: token.accountId,
        tokenId: token.tokenId,
        tokenType: token.type,
        tokenExpiresAt: token.expiresAtText,
        // Every limit the token holds, so that a service can keep what it hands out within them without a read.
        tokenAllowedIps: token.allowedIps,
        tokenRateLimit: token.rateLimit,
        defaultRateLimit,
        name: token.name,
        scopes: token.scopes,
        clientIp: ip.text,
        requestId: res.locals.requestId,
      };
    },

    async close() {
      redis.off('close', forget);
      redis.off('reconnecting', forget);
      redis.off('end', forget);
      await verifier.close();
    },
  };
}
