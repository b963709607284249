import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { randomUUID } from 'node:crypto';
import { basename, join } from 'node:path';
import express from 'express';
import request from 'supertest';
import { errorHandler, notFoundHandler } from '@warden/http';
import { testLogger } from '@warden/testing';
import { consoleRoutes } from './console.routes';

function gatewayWith(distDir: string) {
  const app = express();
  app.use(consoleRoutes(distDir));
  app.use(notFoundHandler);
  app.use(errorHandler(testLogger('gateway')));
  return app;
}

describe('consoleRoutes', () => {
  let dist: string;
  beforeAll(() => {
    dist = mkdtempSync(join(tmpdir(), 'console-dist-'));
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>Warden console</title><script type="module" src="/console/assets/app-1a2b.js"></script>');
    writeFileSync(join(dist, 'assets', 'app-1a2b.js'), 'console.log(1)');
    writeFileSync(join(dist, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  });
  afterAll(() => rmSync(dist, { recursive: true, force: true }));

  it('serves the page with a strict Content-Security-Policy and revalidation', async () => {
    const res = await request(gatewayWith(dist)).get('/console/');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain('Warden console');
    const csp = res.headers['content-security-policy'];
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['cache-control']).toBe('no-cache');
  });

  it('redirects /console to /console/ and answers deep links with the app page', async () => {
    const app = gatewayWith(dist);
    const redirect = await request(app).get('/console');
    expect(redirect.status).toBe(301);
    expect(redirect.headers.location).toBe('/console/');
    const deep = await request(app).get('/console/tokens');
    expect(deep.status).toBe(200);
    expect(deep.text).toContain('Warden console');
  });

  it('caches hashed assets for good and 404s a missing one as problem+json', async () => {
    const app = gatewayWith(dist);
    const asset = await request(app).get('/console/assets/app-1a2b.js');
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toMatch(/javascript/);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(asset.headers['content-security-policy']).toContain("default-src 'none'");
    const icon = await request(app).get('/console/favicon.svg');
    expect(icon.status).toBe(200);
    const missing = await request(app).get('/console/assets/gone-0000.js');
    expect(missing.status).toBe(404);
    expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('does not serve files outside the build', async () => {
    // A file beside the build, one level up, that a traversal would reach.
    const outside = join(dist, '..', `${basename(dist)}-outside.txt`);
    const marker = `outside-the-build-${randomUUID()}`;
    writeFileSync(outside, marker);
    try {
      const app = gatewayWith(dist);
      const name = basename(outside);
      // Under /console a path the static files do not hold is a page of the app: the traversal gets the app's page.
      for (const path of [`/console/..%2f${name}`, `/console/%2e%2e%2f${name}`, `/console/%2e%2e/${name}`, `/console/..%5c${name}`]) {
        const res = await request(app).get(path);
        expect([path, res.status, res.headers['content-type']]).toEqual([path, 200, expect.stringMatching(/^text\/html/)]);
        expect([path, res.text]).toEqual([path, expect.stringContaining('Warden console')]);
        expect([path, res.text.includes(marker)]).toEqual([path, false]);
      }
      // Under /console/assets it is a missing asset.
      for (const path of [`/console/assets/..%2f..%2f${name}`, `/console/assets/%2e%2e%2f%2e%2e%2f${name}`]) {
        const res = await request(app).get(path);
        expect([path, res.status, res.headers['content-type']]).toEqual([path, 404, expect.stringMatching(/^application\/problem\+json/)]);
        expect([path, res.text.includes(marker)]).toEqual([path, false]);
      }
    } finally {
      rmSync(outside, { force: true });
    }
  });

  it('says how to build the console when it is missing', async () => {
    const res = await request(gatewayWith(join(dist, 'nope'))).get('/console/');
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.detail).toMatch(/npm run console:build/);
  });
});
