import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import express from 'express';
import request from 'supertest';
import { Agent, fetch as undiciFetch } from 'undici';
import { createRedis } from '@warden/queue';
import { testInfra, testLogger, TEST_KEYS, uniqueName } from '@warden/testing';
import { bootstrapToken, redisReady, startTokenService, type TokenServiceHarness } from '../test/gateway-harness';
import { composeGateway } from '../compose-gateway';
import { gatewayRedisOptions, loadConfig } from '../config';
import type { TlsFiles } from '@warden/http';
import { createGatewayServer } from './server';

const redis = createRedis(testInfra().redisUrl, 'client');
const cleanups: (() => Promise<void> | void)[] = [];
let tokens: TokenServiceHarness;
let secret: string;
let hanging: Server;
let hangingUrl: string;

/** Serves `app` on the gateway's own server (TLS when given files) on a loopback port, closed after the suite; its `host:port`. */
async function serveGateway(app: express.Express, tls: TlsFiles = {}): Promise<string> {
  const server = createGatewayServer(app, tls);
  cleanups.push(() => {
    server.closeAllConnections();
    server.close();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function gatewayWith(env: Record<string, string> = {}) {
  const config = loadConfig({
    NODE_ENV: 'test',
    REDIS_URL: testInfra().redisUrl,
    INTERNAL_KEYS: TEST_KEYS.INTERNAL_KEYS,
    TOKEN_SERVICE_URL: tokens.url,
    // Nothing listens on the discard port: a service that is down.
    CREDENTIAL_SERVICE_URL: 'http://127.0.0.1:9',
    AUDIT_SERVICE_URL: `http://${hangingUrl}`,
    UPSTREAM_TIMEOUT_MS: '300',
    BODY_LIMIT: '1kb',
    RATE_LIMIT_KEY_PREFIX: `${uniqueName('rl')}:`,
    RATE_LIMIT_PER_IP: '1000',
    RATE_LIMIT_PER_TOKEN: '1000',
    RATE_LIMIT_PER_ACCOUNT: '100000',
    ...env,
  });
  const gatewayRedis = createRedis(config.REDIS_URL, 'client', gatewayRedisOptions(config));
  const gateway = composeGateway(config, { logger: testLogger('gateway'), redis: gatewayRedis });
  cleanups.push(async () => {
    await gateway.close();
    gatewayRedis.disconnect();
  });
  return { config, gateway };
}

beforeAll(async () => {
  await redisReady(redis);
  tokens = await startTokenService();
  secret = (await bootstrapToken(tokens.url)).secret;
  // An upstream that accepts requests and never answers them.
  hanging = express()
    .use((_req, _res) => undefined)
    .listen(0, '127.0.0.1');
  await once(hanging, 'listening');
  hangingUrl = `127.0.0.1:${(hanging.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  hanging.closeAllConnections();
  hanging.close();
  await tokens.close();
  redis.disconnect();
});

describe('hardening', () => {
  it('sends security headers and no x-powered-by', async () => {
    const { gateway } = gatewayWith();
    const res = await request(gateway.app).get('/api/v1/apitokens/verify').set('Authorization', `Bearer ${secret}`);
    expect(res.status).toBe(200);
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['content-security-policy']).toBe("default-src 'none';frame-ancestors 'none'");
    expect(res.headers['strict-transport-security']).toMatch(/max-age=31536000/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers a proxied request alike on its direct path and through the full edge chain (a cross-origin call takes the latter)', async () => {
    const { gateway } = gatewayWith({ CORS_ORIGINS: 'https://console.example.com' });
    const direct = await request(gateway.app).get('/api/v1/apitokens/verify').set('Authorization', `Bearer ${secret}`);
    const chained = await request(gateway.app).get('/api/v1/apitokens/verify').set('Authorization', `Bearer ${secret}`).set('Origin', 'https://console.example.com');
    expect([direct.status, chained.status]).toEqual([200, 200]);
    expect(chained.headers['access-control-allow-origin']).toBe('https://console.example.com');
    expect(direct.headers['access-control-allow-origin']).toBeUndefined();
    expect(chained.body).toEqual(direct.body);
    // Everything but what differs per request (time, id, remaining quota) or is CORS's own.
    const stable = (headers: Record<string, string>) =>
      Object.fromEntries(Object.entries(headers).filter(([name]) => !/^(date|x-request-id|ratelimit|access-control-|vary$)/.test(name)));
    expect(stable(direct.headers)).toEqual(stable(chained.headers));
    expect(Object.keys(stable(direct.headers))).toEqual(expect.arrayContaining(['content-security-policy', 'strict-transport-security', 'content-type', 'etag']));
    // Refusals on the direct path are the same problem+json, with the same headers.
    const refused = await request(gateway.app).get('/api/v1/apitokens/verify');
    const refusedChained = await request(gateway.app).get('/api/v1/apitokens/verify').set('Origin', 'https://console.example.com');
    expect([refused.status, refusedChained.status]).toEqual([401, 401]);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    // (A problem names its request id, so its ETag differs too.)
    expect({ ...stable(refused.headers), etag: undefined }).toEqual({ ...stable(refusedChained.headers), etag: undefined });
    const { requestId: _a, ...refusal } = refused.body;
    const { requestId: _b, ...refusalChained } = refusedChained.body;
    expect(refusal).toEqual(refusalChained);
  });

  it('refuses a request target that is a whole URL instead of a path, before anything goes upstream', async () => {
    const { gateway } = gatewayWith();
    const [host, port] = (await serveGateway(gateway.app)).split(':');
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), host, () => {
        socket.end(`GET http://evil.example/api/v1/apitokens/verify HTTP/1.1\r\nHost: evil.example\r\nAuthorization: Bearer ${secret}\r\nConnection: close\r\n\r\n`);
      });
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString('utf8')));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toMatch(/content-type: application\/problem\+json/i);
    expect(answer).toContain('The request target must be a path');
  });

  it('refuses a body over the limit with 413 and a non-JSON body with 415, before the service sees it', async () => {
    const { gateway } = gatewayWith();
    const big = await request(gateway.app)
      .post('/api/v1/apitokens')
      .set('Authorization', `Bearer ${secret}`)
      .send({ name: 'x'.repeat(2048) });
    expect(big.status).toBe(413);
    expect(big.headers['content-type']).toMatch(/^application\/problem\+json/);
    const form = await request(gateway.app).post('/api/v1/apitokens').set('Authorization', `Bearer ${secret}`).type('form').send('name=x');
    expect(form.status).toBe(415);
  });

  it('cuts off a chunked body that grows past the limit', async () => {
    const { gateway } = gatewayWith();
    const address = await serveGateway(gateway.app);
    const body = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(`{"name":"${'y'.repeat(4096)}"}`));
        controller.close();
      },
    });
    const res = await undiciFetch(`http://${address}/api/v1/apitokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      body,
      duplex: 'half',
    });
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await res.json()).toMatchObject({
      status: 413,
      title: 'Payload Too Large',
      detail: 'Request bodies are limited to 1kb.',
      success: false,
    });
  });

  it('allows cross-origin calls only from configured origins', async () => {
    const { gateway } = gatewayWith({ CORS_ORIGINS: 'https://console.example.com' });
    const allowed = await request(gateway.app)
      .options('/api/v1/apitokens')
      .set('Origin', 'https://console.example.com')
      .set('Access-Control-Request-Method', 'POST');
    expect(allowed.headers['access-control-allow-origin']).toBe('https://console.example.com');
    const denied = await request(gateway.app)
      .options('/api/v1/apitokens')
      .set('Origin', 'https://evil.example.com')
      .set('Access-Control-Request-Method', 'POST');
    expect(denied.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('serves interactive docs rendered from the contract', async () => {
    const { gateway } = gatewayWith();
    const page = await request(gateway.app).get('/docs');
    expect(page.status).toBe(200);
    expect(page.text).toContain('swagger-ui-bundle.js');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect((await request(gateway.app).get('/docs/init.js')).text).toContain('/api/v1/openapi.json');
    expect((await request(gateway.app).get('/docs/assets/swagger-ui-bundle.js')).status).toBe(200);
    const contract = await request(gateway.app).get('/api/v1/openapi.json');
    expect(contract.body.info.title).toBe('Warden');
    // Served without a token however the router matches its path (any case, a trailing slash).
    for (const path of ['/api/v1/OpenAPI.json', '/api/v1/openapi.json/']) {
      const variant = await request(gateway.app).get(path);
      expect([path, variant.status, variant.body.info?.title]).toEqual([path, 200, 'Warden']);
    }
  });
});

describe('upstream failures', () => {
  it('answers 502 problem+json when a service is down', async () => {
    const { gateway } = gatewayWith();
    const res = await request(gateway.app).get('/api/v1/credentials').set('Authorization', `Bearer ${secret}`);
    expect(res.status).toBe(502);
    expect(res.body).toMatchObject({ status: 502, title: 'Bad Gateway', detail: 'The credential service is unavailable.', success: false });
  });

  it('answers 504 problem+json when a service does not answer in time', async () => {
    const { gateway } = gatewayWith();
    const res = await request(gateway.app).get('/api/v1/audit').set('Authorization', `Bearer ${secret}`);
    expect(res.status).toBe(504);
    expect(res.body).toMatchObject({ status: 504, title: 'Gateway Timeout', success: false });
  });

  it('answers 503 from readiness when the token service is down: a bare status publicly, the failing check on the operations app', async () => {
    const { gateway } = gatewayWith({ TOKEN_SERVICE_URL: 'http://127.0.0.1:9' });
    const res = await request(gateway.app).get('/readyz');
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ status: 'not ready' });
    expect(res.text).not.toMatch(/tokenService|unavailable|127\.0\.0\.1/);
    const detailed = await request(gateway.admin).get('/readyz');
    expect(detailed.status).toBe(503);
    expect(detailed.body).toMatchObject({ status: 'not ready', checks: { tokenService: expect.stringMatching(/^unavailable: /) } });
  });

  it('answers 404 to /metrics on the public app, HTTPS required or not, and serves it on the operations app', async () => {
    const envs: Record<string, string>[] = [{}, { REQUIRE_HTTPS: 'true' }];
    for (const env of envs) {
      const { gateway } = gatewayWith(env);
      const res = await request(gateway.app).get('/metrics');
      expect(res.status).toBe(404);
      expect(res.text).not.toMatch(/process_cpu/);
      const scraped = await request(gateway.admin).get('/metrics');
      expect(scraped.status).toBe(200);
      expect(scraped.text).toMatch(/process_cpu_user_seconds_total\{service="gateway"\}/);
    }
  });
});

describe('HTTPS', () => {
  const dir = mkdtempSync(join(tmpdir(), 'warden-tls-'));
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  beforeAll(() => {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', keyFile, '-out', certFile], { stdio: 'ignore' });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses plain HTTP with 403 when HTTPS is required, but keeps health checks reachable', async () => {
    const { gateway } = gatewayWith({ REQUIRE_HTTPS: 'true' });
    const res = await request(gateway.app).get('/api/v1/apitokens/verify').set('Authorization', `Bearer ${secret}`);
    expect(res.status).toBe(403);
    expect(res.body.detail).toMatch(/HTTPS is required/);
    expect((await request(gateway.app).get('/healthz')).status).toBe(200);
  });

  it('requires HTTPS by default in production', () => {
    const config = loadConfig({ NODE_ENV: 'production', REDIS_URL: 'redis://x', INTERNAL_KEYS: TEST_KEYS.INTERNAL_KEYS });
    expect(config.REQUIRE_HTTPS).toBe(true);
  });

  it('terminates TLS itself with a certificate', async () => {
    const { gateway } = gatewayWith({ REQUIRE_HTTPS: 'true', TLS_CERT_FILE: certFile, TLS_KEY_FILE: keyFile });
    const address = await serveGateway(gateway.app, { certFile, keyFile });
    const res = await undiciFetch(`https://${address}/api/v1/apitokens/verify`, {
      headers: { authorization: `Bearer ${secret}` },
      dispatcher: new Agent({ connect: { ca: execFileSync('cat', [certFile]) } }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { messages: string[] }).messages).toEqual(['Congratulations, your API Token works.']);
  });

  it('believes X-Forwarded-Proto only from a trusted proxy', async () => {
    const untrusted = gatewayWith({ REQUIRE_HTTPS: 'true' }).gateway;
    const trusted = gatewayWith({ REQUIRE_HTTPS: 'true', TRUST_PROXY: 'loopback' }).gateway;
    const call = (app: express.Express) =>
      request(app).get('/api/v1/apitokens/verify').set('Authorization', `Bearer ${secret}`).set('X-Forwarded-Proto', 'https');
    expect((await call(untrusted.app)).status).toBe(403);
    expect((await call(trusted.app)).status).toBe(200);
  });

  it('refuses a certificate without its key at start-up', () => {
    expect(() => loadConfig({ REDIS_URL: 'redis://x', INTERNAL_KEYS: TEST_KEYS.INTERNAL_KEYS, TLS_CERT_FILE: certFile })).toThrow(/TLS_KEY_FILE: TLS_CERT_FILE and TLS_KEY_FILE must be set together/);
  });
});
