import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { eventually, readmeSection } from '@warden/testing';
// The README's audit examples run against the whole platform: the real gateway authenticating real
// tokens, the token service with its outbox relay, and this audit service with its worker.
import { startPlatform, type Platform } from '../../../tools/e2e/console/platform';

jest.setTimeout(120_000);

const ROOT = join(__dirname, '..', '..', '..');

interface Example {
  script: string;
  expect?: number;
  exit?: number;
  waitAudit: boolean;
  exports: [variable: string, path: string][];
  sample?: { language: string; body: string };
}

/** Every ```sh block with its `<!-- test: ... -->` directives and the ```json/```text sample after it. */
function examples(markdown: string): Example[] {
  const found: Example[] = [];
  for (const [, directives, language, body] of markdown.matchAll(/(?:<!--\s*test:([^>]*)-->\s*)?```(sh|json|text|ts)\n([\s\S]*?)```/g)) {
    if (language !== 'sh') {
      const last = found[found.length - 1];
      if (last && !last.sample && language !== 'ts') last.sample = { language, body };
      continue;
    }
    const d = directives ?? '';
    found.push({
      script: body,
      expect: /expect\s+(\d{3})/.exec(d) ? Number(/expect\s+(\d{3})/.exec(d)?.[1]) : undefined,
      exit: /exit\s+(\d)/.exec(d) ? Number(/exit\s+(\d)/.exec(d)?.[1]) : undefined,
      waitAudit: /wait-audit/.test(d),
      exports: (/export\s+([^;]+)/.exec(d)?.[1] ?? '')
        .trim()
        .split(/\s+/)
        .filter(Boolean)
        .map((pair) => pair.split('=') as [string, string]),
    });
  }
  return found;
}

/** The documented response has the same fields, recursively, as the real one. */
function expectSameShape(actual: any, sample: any, path = '$'): void {
  if (sample === null || typeof sample !== 'object') return;
  expect([path, Array.isArray(actual)]).toEqual([path, Array.isArray(sample)]);
  if (Array.isArray(sample)) {
    if (sample.length > 0) expectSameShape(actual[0], sample[0], `${path}[0]`);
    return;
  }
  expect([path, Object.keys(actual ?? {}).sort()]).toEqual([path, Object.keys(sample).sort()]);
  for (const key of Object.keys(sample)) expectSameShape(actual[key], sample[key], `${path}.${key}`);
}

function pick(value: any, path: string): string {
  const picked = path.split('.').reduce((node, key) => node?.[key], value);
  if (typeof picked !== 'string') throw new Error(`no string at ${path}`);
  return picked;
}

let platform: Platform;
beforeAll(async () => {
  platform = await startPlatform();
});
afterAll(async () => {
  rmSync(join(ROOT, 'audit-export.ndjson'), { force: true });
  await platform?.close();
});

it("runs every example of the README's Audit trail section through the gateway", async () => {
  const all = examples(readmeSection('Audit trail'));
  expect(all.length).toBeGreaterThanOrEqual(6);
  const env: Record<string, string> = { ...(process.env as Record<string, string>), WARDEN_URL: platform.url, WARDEN_TOKEN: platform.admin.secret, NODE_ENV: 'test' };
  const get = async (path: string) => (await fetch(`${platform.url}${path}`, { headers: { authorization: `Bearer ${platform.admin.secret}` } })).json() as Promise<any>;
  const ran: { example: Example; stdout: string; output?: any }[] = [];
  const waited: number[] = [];
  for (const example of all) {
    const { stdout } = await promisify(execFile)('bash', ['-euo', 'pipefail', '-c', example.script], { cwd: ROOT, env, timeout: 60_000 }).catch((error) => {
      throw new Error(`${example.script}\nexited ${error.code}: ${error.stdout}${error.stderr}`);
    });
    // A block documented by its exit code prints text; the others print one JSON response.
    const output = example.exit === undefined ? JSON.parse(stdout) : undefined;
    ran.push({ example, stdout, output });
    for (const [variable, path] of example.exports) env[variable] = pick(output, path);
    if (example.waitAudit) {
      // The change reaches the trail through the outbox relay and the audit worker.
      waited.push((await eventually(() => get(`/api/v1/audit?objectId=${env.OBJECT_ID}`), (page) => page.data.length > 0)).data.length);
    }
  }
  // Every change a block waited for reached the trail.
  expect(waited.length).toBeGreaterThan(0);
  expect(waited.filter((records) => records === 0)).toEqual([]);
  // bash -e: every block ran to its end, so every command exited 0, as the documented exit codes say.
  const byExit = ran.filter(({ example }) => example.exit !== undefined);
  expect(byExit.length).toBeGreaterThan(0);
  expect(byExit.map(({ example }) => [example.script, example.exit])).toEqual(byExit.map(({ example }) => [example.script, 0]));
  const texts = byExit.filter(({ example }) => example.sample?.language === 'text');
  expect(texts.map(({ example, stdout }) => [example.script, stdout])).toEqual(
    texts.map(({ example }) => [example.script, expect.stringMatching(new RegExp(`^${example.sample?.body.trim().split(' ')[0]}`))]),
  );
  // Every response answered with its documented status, in its documented shape.
  const withStatus = ran.filter(({ example }) => example.exit === undefined && example.expect !== undefined);
  expect(withStatus.map(({ example, output }) => [example.script, output.success === true ? 'ok' : output.status])).toEqual(
    withStatus.map(({ example }) => [example.script, (example.expect as number) < 300 ? 'ok' : example.expect]),
  );
  for (const { example, output } of ran.filter(({ example }) => example.exit === undefined && example.sample?.language === 'json')) {
    expectSameShape(output, JSON.parse(example.sample?.body ?? 'null'));
  }
  const verify = await get('/api/v1/audit/verify');
  expect(verify.data).toMatchObject({ valid: true, checkpoint: { seq: verify.data.head.seq } });
});
