import { execFile } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { TEST_KEYS, eventually, jsonValues, readmeExamples, readmeSection, shapeDifferences, testInfra, type ReadmeExample } from '@warden/testing';
// The README's platform examples run against the whole platform: the gateway, the token service
// with its outbox relay, the credential service (a deletion shreds its data key) and the audit service.
import { startPlatform, type Platform } from './console/platform';

// Each block starts the CLI (tsx) once per command: minutes on a busy machine.
jest.setTimeout(600_000);

const ROOT = join(__dirname, '..', '..');
const EXPORTS = ['account-audit.ndjson', 'globex-audit.ndjson'].map((file) => join(ROOT, file));

function pick(value: unknown, path: string): string {
  const picked = path.split('.').reduce<any>((node, key) => node?.[key], value);
  if (typeof picked !== 'string') throw new Error(`no string at ${path}`);
  return picked;
}

let platform: Platform;
const secrets: string[] = [];
beforeAll(async () => {
  platform = await startPlatform();
});
afterAll(async () => {
  for (const file of EXPORTS) rmSync(file, { force: true });
  await platform?.close();
});

it('runs every example of "Platform API" through the gateway', async () => {
  const all = readmeExamples(readmeSection('Platform API'));
  expect(all.length).toBeGreaterThanOrEqual(12);
  // No INTERNAL_KEYS: the CLI's events wait in the outbox for the token service's relay, on this platform's queue.
  const { INTERNAL_KEYS: _none, ...inherited } = process.env as Record<string, string>;
  const env: Record<string, string> = {
    ...inherited,
    NODE_ENV: 'test',
    WARDEN_URL: platform.url,
    // `platform tokens create` writes to this token service's database.
    MONGODB_URL: testInfra().mongoUrl,
    MONGODB_DB: platform.databases.tokens.name,
    REDIS_URL: testInfra().redisUrl,
    TOKEN_HASH_KEY: TEST_KEYS.TOKEN_HASH_KEY,
    AUDIT_PUBLIC_KEY: platform.auditPublicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
  };
  const platformAudit = async (query: string) =>
    (await (await fetch(`${platform.url}/api/v1/platform/audit?${query}`, { headers: { authorization: `Bearer ${env.WARDEN_PLATFORM_TOKEN}` } })).json()) as { data: unknown[] };
  // Polled once a second: the platform token's own quota (60 a minute) is the limit every poll counts against.
  const untilRecorded = async (query: string) => (await eventually(() => platformAudit(query), (page) => (page.data?.length ?? 0) > 0, 30_000, 1_000)).data;
  const ran: { example: ReadmeExample; stdout: string; outputs: any[] }[] = [];
  const waited: number[] = [];
  for (const example of all) {
    const { stdout } = await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', example.script], { cwd: ROOT, env, timeout: 300_000 }).catch((error) => {
      throw new Error(`${example.script}\nexited ${error.code}: ${error.stdout}${error.stderr}`);
    });
    // A block documented by its exit status prints text; the others print one JSON document per command.
    const outputs = 'exit' in example.directives ? [] : (jsonValues(stdout) as any[]);
    ran.push({ example, stdout, outputs });
    for (const [variable, path] of (example.directives.export ?? '').split(/\s+/).filter(Boolean).map((pair) => pair.split('='))) {
      env[variable] = pick(outputs[0], path);
      if (/^wdn_/.test(env[variable])) secrets.push(env[variable]);
    }
    if ('wait-audit' in example.directives) {
      // The deletion reaches the platform's chain through the outbox relay and the audit worker.
      waited.push((await untilRecorded(`objectId=${env.ACCOUNT_ID}&auditType=Deleted`)).length);
    }
  }
  expect(waited).toEqual([1]);
  const json = ran.filter(({ example }) => !('exit' in example.directives));
  expect(json.map(({ example, outputs }) => [example.script, outputs.length])).toEqual(json.map(({ example }) => [example.script, example.script.match(/^(curl|npm) /gm)?.length]));
  // Every response answered with its documented status, in its documented shape.
  const withStatus = json.filter(({ example }) => example.directives.expect !== undefined);
  expect(withStatus.length).toBeGreaterThanOrEqual(9);
  expect(withStatus.map(({ example, outputs }) => [example.script, outputs.map((output) => (output.success === true ? 'ok' : output.status))])).toEqual(
    withStatus.map(({ example, outputs }) => [example.script, outputs.map(() => (Number(example.directives.expect) < 300 ? 'ok' : Number(example.directives.expect)))]),
  );
  const documented = json.filter(({ example }) => example.sample?.language === 'json');
  expect(documented.map(({ example, outputs }) => [example.script, shapeDifferences(outputs[0], JSON.parse(example.sample?.body ?? 'null'))])).toEqual(
    documented.map(({ example }) => [example.script, []]),
  );
  // bash -e: every command of a block documented by its exit status exited 0; the verification printed what the README shows.
  const texts = ran.filter(({ example }) => example.sample?.language === 'text');
  expect(texts.map(({ example, stdout }) => [example.script, stdout.split(' ')[0]])).toEqual(texts.map(({ example }) => [example.script, example.sample?.body.split(' ')[0]]));
  // The platform token's issue is in the platform's chain too.
  expect(await untilRecorded('objectType=ApiToken&auditType=Created')).toHaveLength(1);
  // The platform token and the account's first token.
  expect(secrets).toHaveLength(2);
});

it('never wrote a token secret to the log', () => {
  const file = process.env.WARDEN_TEST_LOG_FILE ?? '';
  expect(existsSync(file)).toBe(true);
  const log = readFileSync(file, 'utf8');
  expect(secrets.length).toBeGreaterThan(0);
  for (const secret of secrets) expect(log).not.toContain(secret);
});
