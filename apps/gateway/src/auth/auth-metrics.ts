import { Counter, Gauge, type Registry } from 'prom-client';
import type { RateLimitPolicy } from '../rate-limit/rate-limit-policy';

/** Authentication and rate-limit metrics on the gateway's registry. Children are resolved once, not per request. */
export function createAuthMetrics(registry: Registry, isDegraded: () => boolean) {
  const failures = new Counter({
    name: 'gateway_auth_failures_total',
    help: 'Requests refused by authentication, by reason',
    labelNames: ['reason'],
    registers: [registry],
  });
  const decisions = new Counter({
    name: 'gateway_rate_limit_decisions_total',
    help: 'Rate-limit decisions by policy, outcome and limiter (redis, or memory while Redis is unavailable)',
    labelNames: ['policy', 'decision', 'limiter'],
    registers: [registry],
  });
  const cacheLookups = new Counter({
    name: 'gateway_auth_cache_lookups_total',
    help: 'Verification cache lookups (a miss asks the token service)',
    labelNames: ['result'],
    registers: [registry],
  });
  new Gauge({
    name: 'gateway_rate_limiter_degraded',
    help: '1 while Redis is unavailable and this replica limits in memory and verifies every request',
    registers: [registry],
    collect() {
      this.set(isDegraded() ? 1 : 0);
    },
  });
  type Policy = RateLimitPolicy['name'];
  const labelled = (policy: Policy) => ({
    redis: { allowed: decisions.labels(policy, 'allowed', 'redis'), refused: decisions.labels(policy, 'refused', 'redis') },
    memory: { allowed: decisions.labels(policy, 'allowed', 'memory'), refused: decisions.labels(policy, 'refused', 'memory') },
  });
  const decision: Record<Policy, ReturnType<typeof labelled>> = {
    'per-token': labelled('per-token'),
    'per-account': labelled('per-account'),
    'per-ip': labelled('per-ip'),
    'per-ip-verify': labelled('per-ip-verify'),
  };
  return {
    failure: (reason: string) => failures.labels(reason).inc(),
    decision: (policy: Policy, limiter: 'redis' | 'memory', allowed: boolean) =>
      decision[policy][limiter][allowed ? 'allowed' : 'refused'].inc(),
    cacheHit: cacheLookups.labels('hit'),
    cacheMiss: cacheLookups.labels('miss'),
  };
}
export type AuthMetrics = ReturnType<typeof createAuthMetrics>;
