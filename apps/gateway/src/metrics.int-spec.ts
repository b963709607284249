import { gatewayForSuite } from './test/gateway-harness';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Prometheus text exposition as samples (comments left out). */
function samples(text: string): Sample[] {
  const found: Sample[] = [];
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{([^}]*)\})? (\S+)$/.exec(line);
    if (!match) continue;
    const labels = Object.fromEntries([...(match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="([^"]*)"/g)].map(([, key, value]) => [key, value]));
    found.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return found;
}

/** The sum of the samples of `name` whose labels include `labels` (and pass `accept`, when given). */
function total(found: Sample[], name: string, labels: Record<string, string>, accept: (sample: Sample) => boolean = () => true): number {
  return found
    .filter((sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value) && accept(sample))
    .reduce((sum, sample) => sum + sample.value, 0);
}

describe('gateway metrics over HTTP', () => {
  const suite = gatewayForSuite();

  const scrape = async () => {
    const response = await fetch(`${suite.gateway.adminUrl}/metrics`);
    return { status: response.status, type: response.headers.get('content-type'), values: samples(await response.text()) };
  };

  it('keeps /metrics off the public port: 404 there', async () => {
    const response = await fetch(`${suite.gateway.url}/metrics`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await response.text()).not.toMatch(/process_cpu|gateway_/);
  });

  it('serves Prometheus text at the operations server\'s /metrics that counts a proxied request, its rate-limit decision and its verification', async () => {
    const before = await scrape();
    expect(before.status).toBe(200);
    expect(before.type).toMatch(/^text\/plain; version=0\.0\.4/);

    const proxied = await fetch(`${suite.gateway.url}/api/v1/apitokens?limit=1`, { headers: { authorization: `Bearer ${suite.admin.secret}` } });
    expect(proxied.status).toBe(200);
    const after = await scrape();
    expect(after.status).toBe(200);

    // The request itself: one more GET answered 200 (the scrape is counted under its own route).
    const requests = (found: Sample[]) =>
      total(found, 'http_request_duration_seconds_count', { service: 'gateway', method: 'GET', status: '200' }, (sample) => sample.labels.route !== '/metrics');
    expect(requests(after.values) - requests(before.values)).toBe(1);
    // The gateway's own work for it: one per-token quota admission and one verification cache lookup.
    const allowed = (found: Sample[]) => total(found, 'gateway_rate_limit_decisions_total', { service: 'gateway', policy: 'per-token', decision: 'allowed', limiter: 'redis' });
    expect(allowed(after.values) - allowed(before.values)).toBe(1);
    const lookups = (found: Sample[]) => total(found, 'gateway_auth_cache_lookups_total', { service: 'gateway' });
    expect(lookups(after.values) - lookups(before.values)).toBe(1);
    expect(total(after.values, 'gateway_rate_limiter_degraded', { service: 'gateway' })).toBe(0);
    // And the process metrics every service exports.
    expect(after.values.some((sample) => sample.name === 'process_cpu_user_seconds_total' && sample.labels.service === 'gateway')).toBe(true);
  });
});
