// What the internal identity costs one proxied request, in CPU: the gateway mints it (HS256 JWT,
// body digest, unique id) and the service checks it (signature, claims, replay memory, body
// digest), measured in this process against the shared-key HMAC header it replaced (kept here as
// the baseline, byte for byte what the earlier gateway and services did). The end-to-end figure is
// in "Token verification"; on a busy 2-core machine its per-request CPU varies by more than this
// whole cost, so the cost is measured here on its own. Writes its table to docs/benchmarks.md.
//
//   npx tsx --tsconfig tsconfig.base.json tools/bench/internal-identity.bench.ts
//
// BENCH_IDENTITY_REQUESTS (default 200000) requests per side, after a tenth as many to warm up.
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import os from 'node:os';
import { generateInternalKey, parseInternalKeys } from '@warden/config';
import { bodyDigest, IDENTITY_HEADER, IdentitySigner, IdentityVerifier, type Identity } from '@warden/http';
import { writeBenchmarkSection } from './benchmarks-doc';

const REQUESTS = Number(process.env.BENCH_IDENTITY_REQUESTS ?? 200_000);
const ROUNDS = 5;

// What a proxied request carries: a token's identity as the gateway states it, a small JSON body.
const identity: Identity = {
  kind: 'token',
  accountId: randomUUID(),
  tokenId: randomUUID(),
  tokenType: 'api',
  tokenExpiresAt: null,
  tokenAllowedIps: [],
  tokenRateLimit: { limit: 60, windowSeconds: 60 },
  defaultRateLimit: { limit: 60, windowSeconds: 60 },
  name: 'ci-deploy',
  scopes: ['tokens:read', 'tokens:write'],
  clientIp: '203.0.113.9',
  requestId: randomUUID(),
};
const request = { method: 'PATCH', url: `/api/v1/apitokens/${randomUUID()}` };
const body = JSON.stringify({ name: 'ci-deploy-renamed', scopes: ['tokens:read'] });

/** The earlier header: base64url JSON of the identity, method, URL and time, and its HMAC-SHA256 under one key every process shared. */
function legacyMint(key: string): Record<string, string> {
  const payload = Buffer.from(JSON.stringify({ ...identity, method: request.method, url: request.url, iat: Date.now() })).toString('base64url');
  return { 'x-warden-identity': payload, 'x-warden-signature': createHmac('sha256', key).update(payload).digest('base64url') };
}

function legacyCheck(key: string, headers: Record<string, string>): boolean {
  const expected = createHmac('sha256', key).update(headers['x-warden-identity']).digest();
  const given = Buffer.from(headers['x-warden-signature'], 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return false;
  const claims = JSON.parse(Buffer.from(headers['x-warden-identity'], 'base64url').toString('utf8'));
  return claims.method === request.method && claims.url === request.url && Math.abs(Date.now() - claims.iat) <= 60_000;
}

/** CPU µs per request (user + system) of `work` over `count` requests. */
function cpuPerRequest(count: number, work: () => void): number {
  for (let i = 0; i < count / 10; i++) work();
  const start = process.cpuUsage();
  for (let i = 0; i < count; i++) work();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / count;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

function main(): void {
  const legacyKey = randomBytes(32).toString('hex');
  const keys = parseInternalKeys(generateInternalKey('gateway', 'token-service', 'bench-1', randomBytes));
  const signer = new IdentitySigner('gateway', keys);
  const verifier = new IdentityVerifier('token-service', keys);

  const sides = {
    legacy: { mint: [] as number[], check: [] as number[] },
    jwt: { mint: [] as number[], check: [] as number[] },
  };
  for (let round = 0; round < ROUNDS; round++) {
    // Minting includes what the gateway does per request for it: the digest of the body it forwards.
    sides.legacy.mint.push(cpuPerRequest(REQUESTS, () => legacyMint(legacyKey)));
    sides.jwt.mint.push(cpuPerRequest(REQUESTS, () => signer.sign('token-service', identity, { ...request, digest: bodyDigest(body) })));
    const legacyHeaders = legacyMint(legacyKey);
    sides.legacy.check.push(cpuPerRequest(REQUESTS, () => legacyCheck(legacyKey, legacyHeaders)));
    // Each check needs an identity it has not seen (the replay memory refuses repeats): minted
    // beforehand, outside the measurement; the service's body digest is part of the check.
    const tokens = Array.from({ length: REQUESTS * 1.1 }, () => signer.sign('token-service', identity, { ...request, digest: bodyDigest(body) })[IDENTITY_HEADER]);
    let next = 0;
    sides.jwt.check.push(
      cpuPerRequest(REQUESTS, () => {
        const result = verifier.verify(tokens[next++], request);
        if (!result.ok || bodyDigest(body) !== result.value.digest) throw new Error('a fresh identity was refused');
      }),
    );
  }
  const figure = (values: number[]) => median(values).toFixed(1);
  const legacy = median(sides.legacy.mint) + median(sides.legacy.check);
  const jwt = median(sides.jwt.mint) + median(sides.jwt.check);
  const added = jwt - legacy;
  const section = [
    '## Internal identity',
    '',
    `CPU per proxied request of minting (gateway) and checking (service) the internal identity, ${REQUESTS.toLocaleString('en-US')} requests per side,`,
    `median of ${ROUNDS} rounds, in one Node ${process.version} process on ${os.cpus()[0]?.model ?? 'an unknown CPU'} (load average ${os.loadavg()[0].toFixed(1)} when it ended).`,
    'The earlier header (one shared HMAC key, identity and method/URL/time, no body digest, no unique id) against the HS256 JWT',
    '(per caller and service key, audience, 10 s expiry, unique id remembered per replica, method, URL and the body\'s SHA-256):',
    '',
    '| identity | mint µs | check µs | per request µs |',
    '| --- | ---: | ---: | ---: |',
    `| shared-key HMAC header (before) | ${figure(sides.legacy.mint)} | ${figure(sides.legacy.check)} | ${legacy.toFixed(1)} |`,
    `| HS256 JWT, fast-jwt (now) | ${figure(sides.jwt.mint)} | ${figure(sides.jwt.check)} | ${jwt.toFixed(1)} |`,
    '',
    `Added per proxied request: ${added.toFixed(1)} µs of CPU (budget: about 20 µs). A verification call from the gateway to the token`,
    'service mints and checks one more identity, on cache misses only.',
    '',
    'Reproduce: `npm run bench -- internal-identity`',
    '',
  ].join('\n');
  writeBenchmarkSection('## Internal identity', section);
  console.log(section);
}

main();
