import { runWarden } from './run-warden';
import { uniqueName } from '@warden/testing';
import { runAccountsCreate } from '../cli/commands/accounts';
import { parsePlatformTokenOptions, runPlatformTokensCreate, runPlatformTokensRevoke } from '../cli/commands/platform-tokens';
import { operatorPlatformForSuite } from './operator-platform';

// Several CLI processes (tsx) per test: minutes on a busy machine.
jest.setTimeout(300_000);

const ACCOUNTS = '/api/v1/platform/accounts';
const BOTH = 'platform:accounts:read,platform:accounts:write';

/**
 * The operator's `warden platform ...` commands against a token service and two gateway replicas:
 * platform tokens stay in their realm (the attacks: an account's token on the platform API, a
 * platform token on an account's API, a revoked platform token on a replica that cached it), and
 * the account commands drive the platform API as a client.
 */
const platform = operatorPlatformForSuite();
const queuePrefix = uniqueName('q');
const issue = async (scopes = BOTH) => runPlatformTokensCreate(parsePlatformTokenOptions({ name: 'provisioning', scopes }), platform.env(), { queuePrefix });
/** One request on every replica: the statuses, replica by replica. */
const statuses = (method: string, path: string, secret: string, body?: unknown) => Promise.all(platform.clients.map(async (c) => (await c.call(method, path, secret, body)).status));

describe('platform tokens through the gateway', () => {
  it("reach the platform API on every replica, and are refused (403) on an account's API, token verification included", async () => {
    const { secret } = await issue();
    expect(await statuses('GET', ACCOUNTS, secret)).toEqual([200, 200]);
    expect(await statuses('GET', '/api/v1/apitokens', secret)).toEqual([403, 403]);
    expect(await statuses('GET', '/api/v1/apitokens/verify', secret)).toEqual([403, 403]);
    const refused = await platform.clients[0].call('GET', '/api/v1/apitokens/verify', secret);
    expect(refused.body).toMatchObject({ status: 403, detail: "A platform token cannot call an account's API." });
  });

  it("refuse an account's token with every scope on the platform API (403)", async () => {
    const account = await runAccountsCreate('Tenant', platform.env(), { queuePrefix });
    expect(await statuses('GET', ACCOUNTS, account.token)).toEqual([403, 403]);
    const refused = await platform.clients[1].call('POST', ACCOUNTS, account.token, { name: 'Takeover' });
    expect(refused.body).toMatchObject({ status: 403, detail: 'Only a platform token may call the platform API.' });
  });

  it('hold only what they were issued: a read-only platform token cannot create an account (403)', async () => {
    const { secret } = await issue('platform:accounts:read');
    expect(await statuses('GET', ACCOUNTS, secret)).toEqual([200, 200]);
    expect(await statuses('POST', ACCOUNTS, secret, { name: 'Not allowed' })).toEqual([403, 403]);
  });

  it('are refused (401) on both replicas, cached or not, once `platform tokens revoke` returns', async () => {
    const { token, secret } = await issue();
    expect(await statuses('GET', ACCOUNTS, secret)).toEqual([200, 200]);
    // Verified and cached on both replicas: a second round costs no verification.
    const verified = platform.tokens.verifyCalls();
    expect(await statuses('GET', ACCOUNTS, secret)).toEqual([200, 200]);
    expect(platform.tokens.verifyCalls()).toBe(verified);

    expect(await runPlatformTokensRevoke(token.id, platform.env(), { queuePrefix })).toMatchObject({ token: { id: token.id }, published: true });
    expect(await statuses('GET', ACCOUNTS, secret)).toEqual([401, 401]);
  });
});

describe('warden platform accounts: a client of the platform API', () => {
  let secret: string;
  beforeAll(async () => {
    secret = (await issue()).secret;
  });
  /** The CLI as an operator runs it, against the first replica, with the platform token in the environment. */
  const warden = (args: string[], env: Record<string, string> = {}) =>
    runWarden(['platform', 'accounts', ...args], { env: { WARDEN_URL: platform.replicas[0].url, WARDEN_PLATFORM_TOKEN: secret, ...env } });
  const printed: string[] = [];
  const run = async (args: string[]) => {
    const { stdout, stderr } = await warden(args);
    printed.push(stdout, stderr);
    return JSON.parse(stdout);
  };

  it("creates an account whose token works, stops it (401 on both replicas), restarts it, and finds it by name and status", async () => {
    const name = uniqueName('Acme');
    const created = await run(['create', '--name', name, '--json']);
    expect(created).toEqual({ account: expect.objectContaining({ name, enabled: true, rateLimit: null }), tokenId: expect.any(String), token: expect.stringMatching(/^wdn_/) });
    const { id } = created.account;
    expect(await statuses('GET', '/api/v1/apitokens/verify', created.token)).toEqual([200, 200]);

    expect(await run(['update', id, '--disable', '--rate-limit', '600', '--json'])).toMatchObject({ id, enabled: false, rateLimit: { limit: 600, windowSeconds: 60 } });
    expect(await statuses('GET', '/api/v1/apitokens/verify', created.token)).toEqual([401, 401]);
    expect(await run(['list', '--name', name, '--status', 'disabled', '--json'])).toEqual([expect.objectContaining({ id, enabled: false })]);
    expect(await run(['list', '--name', name, '--status', 'enabled', '--json'])).toEqual([]);

    expect(await run(['update', id, '--enable', '--default-rate-limit', '--json'])).toMatchObject({ id, enabled: true, rateLimit: null });
    expect(await statuses('GET', '/api/v1/apitokens/verify', created.token)).toEqual([200, 200]);
    expect(await run(['get', id, '--json'])).toEqual(expect.objectContaining({ id, name, enabled: true }));
  });

  it("prints a refusal's detail on stderr with exit 1, a usage mistake with exit 2, and never the platform token", async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    const notFound = await warden(['get', unknown]).catch((error) => error);
    expect(notFound).toMatchObject({ code: 1, stdout: '', stderr: expect.stringMatching(/^warden: .+ \(404\)\n$/) });
    const readOnly = (await issue('platform:accounts:read')).secret;
    await expect(warden(['create', '--name', 'Nope'], { WARDEN_PLATFORM_TOKEN: readOnly })).rejects.toMatchObject({
      code: 1,
      stderr: "warden: This API token lacks the 'platform:accounts:write' scope. (403)\n",
    });
    await expect(warden(['update', unknown])).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('Nothing to change') });
    await expect(warden(['list'], { WARDEN_PLATFORM_TOKEN: '' })).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('No platform token') });
    printed.push(notFound.stdout, notFound.stderr);
    expect(printed.filter((output) => output.includes(secret) || output.includes(readOnly))).toEqual([]);
  });
});
