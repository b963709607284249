import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { jsonValues, readmeSection, testInfra } from '@warden/testing';
// The README's examples run against the real platform: this token service behind the real gateway.
import { startGateway, type GatewayHarness } from '../../gateway/src/test/gateway-harness';
import { TEST_TOKEN_HASH_KEY, startTokenService, type TokenServiceHarness } from './test/token-service-harness';

const ROOT = join(__dirname, '..', '..', '..');

interface Example {
  script: string;
  expect?: number;
  exports: [variable: string, path: string][];
  sample?: unknown;
}

/** Every ```sh block, with its `<!-- test: ... -->` directives and the ```json sample that follows it. */
function examples(markdown: string): Example[] {
  const blocks = [...markdown.matchAll(/(?:<!--\s*test:([^>]*)-->\s*)?```(sh|json)\n([\s\S]*?)```/g)];
  const found: Example[] = [];
  for (const [, directives = '', language, body] of blocks) {
    if (language === 'json') {
      const last = found[found.length - 1];
      if (last && last.sample === undefined) last.sample = JSON.parse(body);
      continue;
    }
    const expect = /expect\s+(\d{3})/.exec(directives)?.[1];
    const exportList = /export\s+([^;]+)/.exec(directives)?.[1] ?? '';
    found.push({
      script: body,
      expect: expect ? Number(expect) : undefined,
      exports: exportList
        .trim()
        .split(/\s+/)
        .filter(Boolean)
        .map((pair) => pair.split('=') as [string, string]),
    });
  }
  return found;
}


/** The documented response has the same fields (recursively) and the same fixed values as the real one. */
function expectSameShape(actual: any, sample: any, path = '$'): void {
  if (sample === null || typeof sample !== 'object') return;
  expect([path, Array.isArray(actual)]).toEqual([path, Array.isArray(sample)]);
  if (Array.isArray(sample)) {
    if (sample.length > 0 && typeof sample[0] === 'object') {
      expect([path, actual.length > 0]).toEqual([path, true]);
      expectSameShape(actual[0], sample[0], `${path}[0]`);
    }
    return;
  }
  expect([path, Object.keys(actual ?? {}).sort()]).toEqual([path, Object.keys(sample).sort()]);
  for (const fixed of ['success', 'status', 'title', 'type']) {
    if (fixed in sample && (path === '$' || fixed !== 'type')) expect([path, fixed, actual[fixed]]).toEqual([path, fixed, sample[fixed]]);
  }
  if (path === '$' && sample.success === true) expect(actual.messages).toEqual(sample.messages);
  for (const key of Object.keys(sample)) expectSameShape(actual[key], sample[key], `${path}.${key}`);
}

function pick(value: any, path: string): string {
  const picked = path.split('.').reduce((node, key) => node?.[key], value);
  if (typeof picked !== 'string') throw new Error(`no string at ${path}`);
  return picked;
}

let svc: TokenServiceHarness;
let server: Server;
let gateway: GatewayHarness;
const secrets: string[] = [];
/** The token the README's examples create (its id, which the logs name). */
let tokenId: string | undefined;
/** What the examples export, shared by the sections in order (the first one signs in). */
const env: Record<string, string> = {};

/** Runs a section's examples in order, exporting what they say, and checks each response against its documented sample. */
async function runSection(heading: string): Promise<{ example: Example; outputs: any[] }[]> {
  const ran: { example: Example; outputs: any[] }[] = [];
  for (const example of examples(readmeSection(heading))) {
    const { stdout } = await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', example.script], { cwd: ROOT, env, timeout: 60_000 });
    const outputs = jsonValues(stdout) as any[];
    ran.push({ example, outputs });
    for (const [variable, path] of example.exports) {
      env[variable] = pick(outputs[0], path);
      if (/^wdn_/.test(env[variable])) secrets.push(env[variable]);
    }
  }
  // Each command printed one JSON document.
  expect(ran.map(({ example, outputs }) => [example.script, outputs.length])).toEqual(
    ran.map(({ example }) => [example.script, example.script.match(/^(curl|npm) /gm)?.length]),
  );
  // Every example that documents a status answered with it.
  const withStatus = ran.filter(({ example }) => example.expect !== undefined);
  expect(withStatus.map(({ example, outputs }) => [example.script, outputs.map((output) => (output.success === true ? 200 : output.status))])).toEqual(
    withStatus.map(({ example, outputs }) => [example.script, outputs.map(() => ((example.expect as number) < 300 ? 200 : example.expect))]),
  );
  // Every response that has a documented sample has its shape.
  for (const { example, outputs } of ran.filter(({ example }) => example.sample !== undefined)) {
    for (const output of outputs) expectSameShape(output, example.sample);
  }
  return ran;
}

beforeAll(async () => {
  svc = await startTokenService();
  server = svc.app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  gateway = await startGateway(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
afterAll(async () => {
  await gateway?.close();
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await svc?.close();
});

it('runs every example of "Working with API tokens" against the gateway and the token service', async () => {
  Object.assign(env, {
    ...(process.env as Record<string, string>),
    WARDEN_URL: gateway.url,
    MONGODB_URL: testInfra().mongoUrl,
    MONGODB_DB: svc.mongo.name,
    TOKEN_HASH_KEY: TEST_TOKEN_HASH_KEY,
    // The CLI's events stay in the outbox, for this token service's relay (on its private queue).
    REDIS_URL: '',
  });
  const ran = await runSection('Working with API tokens');
  expect(ran.length).toBeGreaterThanOrEqual(12);
  expect(ran.filter(({ example }) => example.expect !== undefined).length).toBeGreaterThanOrEqual(10);
  expect(secrets).toHaveLength(3);
  tokenId = env.TOKEN_ID;
});

it('runs every example of "Recoverable tokens": the revealed secret is the one that was created, and it authenticates', async () => {
  const ran = await runSection('Recoverable tokens');
  expect(ran.map(({ example }) => example.expect)).toEqual([201, 200, 201, 409]);
  expect(env.REVEALED_TOKEN).toBe(env.SUPPORT_TOKEN);
  const verified = await fetch(`${gateway.url}/api/v1/apitokens/verify`, { headers: { authorization: `Bearer ${env.REVEALED_TOKEN}` } });
  expect(verified.status).toBe(200);
  expect(secrets).toHaveLength(6);
});

it('never wrote a token secret to the log', () => {
  const file = process.env.WARDEN_TEST_LOG_FILE ?? '';
  expect(file).not.toBe('');
  expect(existsSync(file)).toBe(true);
  const log = readFileSync(file, 'utf8');
  // The scan looks where these requests went by: the gateway logged the README's read of the token it created.
  expect(tokenId).toMatch(/^[0-9a-f-]{36}$/);
  const lines = log.split('\n');
  expect(lines.filter((line) => line.includes('"service":"gateway"') && line.includes(`"url":"/api/v1/apitokens/${tokenId}"`)).length).toBeGreaterThan(0);
  expect(secrets).toHaveLength(6);
  for (const secret of secrets) expect(log).not.toContain(secret);
});
