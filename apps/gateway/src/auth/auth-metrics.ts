import { Counter, Gauge, type Registry } from 'prom-client';

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
  const decision = {
    'per-token': {
      redis: { allowed: decisions.labels('per-token', 'allowed', 'redis'), refused: decisions.labels('per-token', 'refused', 'redis') },
      memory: { allowed: decisions.labels('per-token', 'allowed', 'memory'), refused: decisions.labels('per-token', 'refused', 'memory') },
    },
    'per-ip': {
      redis: { allowed: decisions.labels('per-ip', 'allowed', 'redis'), refused: decisions.labels('per-ip', 'refused', 'redis') },
      memory: { allowed: decisions.labels('per-ip', 'allowed', 'memory'), refused: decisions.labels('per-ip', 'refused', 'memory') },
    },
    'per-ip-verify': {
      redis: { allowed: decisions.labels('per-ip-verify', 'allowed', 'redis'), refused: decisions.labels('per-ip-verify', 'refused', 'redis') },
      memory: { allowed: decisions.labels('per-ip-verify', 'allowed', 'memory'), refused: decisions.labels('per-ip-verify', 'refused', 'memory') },
    },
  };
  return {
    failure: (reason: string) => failures.labels(reason).inc(),
    decision: (policy: 'per-token' | 'per-ip' | 'per-ip-verify', limiter: 'redis' | 'memory', allowed: boolean) =>
      decision[policy][limiter][allowed ? 'allowed' : 'refused'].inc(),
    cacheHit: cacheLookups.labels('hit'),
    cacheMiss: cacheLookups.labels('miss'),
  };
}
export type AuthMetrics = ReturnType<typeof createAuthMetrics>;
