// The web console in a real Chromium against the real platform: what a person does in the
// browser, checked against what the public API then answers.
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { eventually } from '@warden/testing';
import { ensureConsoleBuilt, launchChromium } from './browser';
import { startPlatform, type Platform } from './platform';

const root = join(__dirname, '..', '..', '..');
// docs/console.png (the README's picture) is refreshed only when missing or on request, so a test
// run leaves the checkout clean; every run writes tmp/console.png.
const SCREENSHOTS = [join(root, 'tmp', 'console.png')];
if (!existsSync(join(root, 'docs', 'console.png')) || process.env.WARDEN_UPDATE_SCREENSHOTS === '1') SCREENSHOTS.push(join(root, 'docs', 'console.png'));

let platform: Platform;
let browser: Browser;
let page: Page;
const pageProblems: string[] = [];

async function api(method: string, path: string, secret: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${platform.url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${secret}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

/** An expression evaluated in the page (this file compiles without the DOM's types). */
const inPage = <T = unknown>(target: Page, expression: string): Promise<T> => target.evaluate<T>(expression);

const verifyStatus = async (secret: string) => (await api('GET', '/apitokens/verify', secret)).status;

async function newConsolePage(): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: platform.url });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  page.on('console', (message) => {
    if (message.type() === 'error' && !/Failed to load resource/.test(message.text())) pageProblems.push(message.text());
  });
  page.on('pageerror', (error) => pageProblems.push(String(error)));
  return { context, page };
}

async function signIn(target: Page, secret: string): Promise<void> {
  await target.goto(`${platform.url}/console/`);
  await target.getByLabel('API token').fill(secret);
  await target.getByRole('button', { name: 'Sign in' }).click();
  await target.getByRole('heading', { level: 1 }).filter({ hasNotText: 'Sign in' }).waitFor();
}

const dialog = (target: Page = page): Locator => target.getByRole('dialog');

/**
 * A console page signed in with a new restricted token of the admin's account: token scopes only,
 * loopback only, expiring at the end of 2099, 500 requests a minute.
 */
async function signedInRestricted(name: string): Promise<{ context: BrowserContext; page: Page }> {
  const created = await api('POST', '/apitokens', platform.admin.secret, {
    name,
    scopes: ['tokens:read', 'tokens:write'],
    allowedIps: ['127.0.0.0/8', '::1/128'],
    expiresAt: '2099-12-31T12:00:00.000Z',
    rateLimit: { limit: 500, windowSeconds: 60 },
  });
  expect(created.status).toBe(201);
  const restricted = await newConsolePage();
  await signIn(restricted.page, created.body.data.token);
  return restricted;
}

// Long enough for a first run that installs chromium with apt-get.
beforeAll(async () => {
  ensureConsoleBuilt();
  [platform, browser] = await Promise.all([startPlatform(), launchChromium()]);
  ({ page } = await newConsolePage());
}, 300_000);

// A failed step must not leave a dialog in the way of the next one.
afterEach(async () => {
  if (page && (await page.getByRole('dialog').count())) await page.keyboard.press('Escape');
});

afterAll(async () => {
  await browser?.close();
  await platform?.close();
});

describe('console: signing in', () => {
  it('refuses a bad token with the API problem, then signs in and shows the account and scopes', async () => {
    await page.goto(`${platform.url}/console/`);
    await page.getByRole('heading', { name: 'Sign in to the console' }).waitFor();
    await page.getByLabel('API token').fill('wdn_not-a-real-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    expect(await page.getByRole('alert').textContent()).toMatch(/Your token was not accepted/);

    await page.getByLabel('API token').fill(platform.admin.secret);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'API tokens' }).waitFor();
    expect(await page.getByTestId('token-name').textContent()).toBe('console-admin');
    expect(await page.getByTestId('account-id').textContent()).toBe(platform.admin.accountId);
    expect(await page.getByTestId('session-scopes').locator('li').allTextContents()).toEqual([
      'tokens:read',
      'tokens:write',
      'credentials:read',
      'credentials:write',
      'credentials:reveal',
      'audit:read',
      'audit:witness',
      'tokens:reveal',
    ]);
    // The token lives in this tab's sessionStorage only.
    const storage = await inPage<{ session: string; local: number; cookies: string }>(
      page,
      '({ session: JSON.stringify(sessionStorage), local: localStorage.length, cookies: document.cookie })',
    );
    expect(storage.session).toContain(platform.admin.secret);
    expect(storage.local).toBe(0);
    expect(storage.cookies).toBe('');
  });
});

describe('console: API tokens', () => {
  let secret: string;
  let rotated: string;

  it('creates a token and shows its secret once, with a copy button', async () => {
    const createButton = page.getByRole('button', { name: 'Create token' });
    await createButton.click();
    await dialog().getByRole('heading', { name: 'Create an API token' }).waitFor();
    // Focus moves into the dialog, Escape closes it and focus returns to the button.
    expect(await inPage(page, 'document.activeElement?.id')).toBe('token-name');
    await page.keyboard.press('Escape');
    await dialog().waitFor({ state: 'detached' });
    expect(await eventually(() => inPage(page, 'document.activeElement?.textContent'), (text) => text === 'Create token')).toBe('Create token');

    await createButton.click();
    await dialog().getByLabel('Name', { exact: true }).fill('ci-deploy');
    await dialog().getByRole('checkbox', { name: 'tokens:write' }).uncheck();
    await dialog().getByRole('checkbox', { name: 'credentials:write' }).uncheck();
    await dialog().getByRole('checkbox', { name: 'credentials:reveal' }).uncheck();
    await dialog().getByRole('checkbox', { name: 'audit:witness' }).uncheck();
    await dialog().getByRole('checkbox', { name: 'tokens:reveal' }).uncheck();
    await dialog().getByLabel('Requests').fill('100');
    await dialog().getByLabel('per (seconds)').fill('60');
    await dialog().getByRole('button', { name: 'Create token' }).click();

    await dialog().getByText('you will not see this again').waitFor();
    secret = await dialog().locator('input[data-secret]').inputValue();
    expect(secret.length).toBeGreaterThan(30);
    await dialog().getByRole('button', { name: 'Copy' }).click();
    await dialog().getByText('Copied to the clipboard.').waitFor();
    expect(await inPage(page, 'navigator.clipboard.readText()')).toBe(secret);
    await dialog().getByRole('button', { name: 'Done' }).click();
    await dialog().waitFor({ state: 'detached' });

    const row = page.locator('tr', { has: page.getByRole('rowheader', { name: /ci-deploy/ }) });
    await row.waitFor();
    expect(await row.locator('.chip').allTextContents()).toEqual(['tokens:read', 'credentials:read', 'audit:read']);
    // Once the dialog is closed the secret is nowhere on the page.
    expect(await page.content()).not.toContain(secret);
    expect(await verifyStatus(secret)).toBe(200);
  });

  it('disables the token (verify fails with it) and enables it again', async () => {
    const toggle = page.getByRole('switch', { name: 'Enabled: ci-deploy' });
    expect(await toggle.isChecked()).toBe(true);
    await toggle.click();
    await page.getByText('ci-deploy is now disabled.').waitFor();
    expect(await toggle.isChecked()).toBe(false);
    expect(await verifyStatus(secret)).toBe(401);

    await toggle.click();
    await page.getByText('ci-deploy is now enabled.').waitFor();
    expect(await verifyStatus(secret)).toBe(200);
  });

  it('edits the token', async () => {
    await page.getByRole('button', { name: 'Edit ci-deploy' }).click();
    await dialog().getByLabel('Name', { exact: true }).fill('ci-deploy-eu');
    await dialog().getByRole('button', { name: 'Save changes' }).click();
    await dialog().waitFor({ state: 'detached' });
    await page.getByRole('rowheader', { name: /ci-deploy-eu/ }).waitFor();
    const { body } = await api('GET', '/apitokens?name=ci-deploy', platform.admin.secret);
    expect(body.data.map((t: { name: string }) => t.name)).toEqual(['ci-deploy-eu']);
  });

  it('rotates the token: the new secret is shown once and the old one stops working', async () => {
    await page.getByRole('button', { name: 'Rotate ci-deploy-eu' }).click();
    await dialog().getByRole('button', { name: 'Rotate secret' }).click();
    await dialog().getByText('you will not see this again').waitFor();
    rotated = await dialog().locator('input[data-secret]').inputValue();
    expect(rotated).not.toBe(secret);
    expect(await dialog().textContent()).toMatch(/previous secret has stopped working/);
    await dialog().getByRole('button', { name: 'Done' }).click();
    expect(await verifyStatus(secret)).toBe(401);
    expect(await verifyStatus(rotated)).toBe(200);
  });

  it('revokes the token after a confirmation', async () => {
    await page.getByRole('button', { name: 'Revoke ci-deploy-eu' }).click();
    await dialog().getByRole('heading', { name: 'Revoke ci-deploy-eu?' }).waitFor();
    // The safe choice has the focus.
    expect(await inPage(page, 'document.activeElement?.textContent')).toBe('Cancel');
    await dialog().getByRole('button', { name: 'Revoke token' }).click();
    await dialog().waitFor({ state: 'detached' });
    await page.getByText('ci-deploy-eu was revoked.').waitFor();
    expect(await page.getByRole('rowheader', { name: /ci-deploy-eu/ }).count()).toBe(0);
    expect(await verifyStatus(rotated)).toBe(401);
  });

  it('creates a recoverable token, shows its secret masked in the edit dialog and reveals it only on a click', async () => {
    await page.getByRole('button', { name: 'Create token' }).click();
    await dialog().getByLabel('Name', { exact: true }).fill('support-sync');
    await dialog().getByRole('checkbox', { name: 'Recoverable' }).check();
    await dialog().getByRole('button', { name: 'Create token' }).click();
    await dialog().getByText('This token is recoverable').waitFor();
    const recoverable = await dialog().locator('input[data-secret]').inputValue();
    await dialog().getByRole('button', { name: 'Done' }).click();
    await dialog().waitFor({ state: 'detached' });

    await page.getByRole('button', { name: 'Edit support-sync' }).click();
    const field = dialog().locator('[data-secret-field="token"]');
    expect(await field.textContent()).toBe(`•••••••• wdn_…${recoverable.slice(-4)}`);
    expect(await page.content()).not.toContain(recoverable);
    await dialog().getByRole('button', { name: 'Reveal secret' }).click();
    await dialog().getByRole('button', { name: 'Hide secret' }).waitFor();
    expect(await field.textContent()).toBe(recoverable);
    await dialog().getByRole('button', { name: 'Hide secret' }).click();
    expect(await field.textContent()).not.toContain(recoverable);
    await dialog().getByRole('button', { name: 'Cancel' }).click();
    await dialog().waitFor({ state: 'detached' });
    const { body } = await api('GET', '/audit?objectType=ApiToken&auditType=Revealed', platform.admin.secret);
    expect(body.data.length).toBeGreaterThan(0);

    // A token without tokens:reveal is told why it cannot, and sends no reveal.
    const restricted = await signedInRestricted('no-reveal');
    try {
      await restricted.page.getByRole('button', { name: 'Edit support-sync' }).click();
      await dialog(restricted.page).getByText('needs the tokens:reveal scope, which your token lacks').waitFor();
      expect(await dialog(restricted.page).getByRole('button', { name: 'Reveal secret' }).count()).toBe(0);
    } finally {
      await restricted.context.close();
    }

    // Turning it off erases the stored secret; the checkbox cannot turn it on again.
    await page.getByRole('button', { name: 'Edit support-sync' }).click();
    await dialog().getByRole('checkbox', { name: 'Recoverable' }).uncheck();
    await dialog().getByRole('button', { name: 'Save changes' }).click();
    await dialog().waitFor({ state: 'detached' });
    const after = await api('GET', '/apitokens?name=support-sync', platform.admin.secret);
    expect(after.body.data.map((token: { recoverable: boolean }) => token.recoverable)).toEqual([false]);
    await page.getByRole('button', { name: 'Edit support-sync' }).click();
    expect(await dialog().getByRole('checkbox', { name: 'Recoverable' }).isDisabled()).toBe(true);
    expect(await dialog().getByRole('button', { name: 'Reveal secret' }).count()).toBe(0);
    await dialog().getByRole('button', { name: 'Cancel' }).click();
    await dialog().waitFor({ state: 'detached' });
  });

  it('hides write actions from a read-only token and says when to retry after a 429', async () => {
    const created = await api('POST', '/apitokens', platform.admin.secret, {
      name: 'viewer',
      scopes: ['tokens:read'],
      rateLimit: { limit: 4, windowSeconds: 60 },
    });
    const viewer = await newConsolePage();
    try {
      await signIn(viewer.page, created.body.data.token);
      await viewer.page.getByRole('heading', { name: 'API tokens' }).waitFor();
      expect(await viewer.page.getByRole('button', { name: 'Create token' }).count()).toBe(0);
      expect(await viewer.page.getByRole('button', { name: /^Revoke / }).count()).toBe(0);
      expect(await viewer.page.getByRole('switch', { name: 'Enabled: viewer' }).isDisabled()).toBe(true);
      expect(await viewer.page.getByRole('link', { name: 'Credentials' }).count()).toBe(0);
      expect(await viewer.page.getByText('Read-only: this token lacks the tokens:write scope').count()).toBe(1);

      // Sign-in and the list used 2 of the 4 requests a minute.
      const alert = viewer.page.getByRole('alert');
      for (let attempt = 0; attempt < 4 && !(await alert.count()); attempt++) {
        await viewer.page.getByRole('button', { name: 'Filter' }).click();
        await viewer.page.waitForTimeout(200);
      }
      expect(await alert.textContent()).toMatch(/Too many requests\. Try again in \d+ (seconds?|minutes?) \(after \d\d:\d\d:\d\d UTC\)\./);
    } finally {
      await viewer.context.close();
    }
  });

  it('sends the user back to sign-in when the token stops working', async () => {
    const created = await api('POST', '/apitokens', platform.admin.secret, { name: 'short-lived', scopes: ['tokens:read'] });
    const other = await newConsolePage();
    try {
      await signIn(other.page, created.body.data.token);
      await other.page.getByRole('rowheader', { name: /short-lived/ }).waitFor();
      expect((await api('DELETE', `/apitokens/${created.body.data.id}`, platform.admin.secret)).status).toBe(200);
      await other.page.getByRole('button', { name: 'Filter' }).click();
      await other.page.getByRole('heading', { name: 'Sign in to the console' }).waitFor();
      expect(await other.page.getByRole('status').textContent()).toMatch(/You were signed out/);
      expect(await inPage(other.page, 'sessionStorage.length')).toBe(0);
    } finally {
      await other.context.close();
    }
  });

  it('shows, under each limit field, what a token created or changed by a restricted token inherits and cannot exceed', async () => {
    const restricted = await signedInRestricted('restricted-ci');
    try {
      const hints = async () => {
        const form = dialog(restricted.page);
        await form.getByText('Inherits: 127.0.0.0/8, ::1/128').waitFor();
        expect(await form.locator('#token-allowedIps-inherits').textContent()).toBe(
          "Inherits: 127.0.0.0/8, ::1/128 (your token's allowlist). Entries must lie inside it.",
        );
        expect(await form.locator('#token-expiresAt-inherits').textContent()).toBe(
          'No later than 2099-12-31 12:00 UTC (when your token expires). Empty inherits that expiry.',
        );
        expect(await form.locator('#token-rateLimit-inherits').textContent()).toBe(
          "At most 500 per 60 s (your token's rate limit): no more requests and no higher rate. Empty inherits it.",
        );
        // The hints describe the fields they sit under.
        expect(await form.getByLabel('Allowed IPs').getAttribute('aria-describedby')).toContain('token-allowedIps-inherits');
        expect(await form.getByLabel('Expires at (UTC)').getAttribute('aria-describedby')).toContain('token-expiresAt-inherits');
      };

      await restricted.page.getByRole('button', { name: 'Create token' }).click();
      await hints();
      const form = dialog(restricted.page);
      expect(await form.getByLabel('Allowed IPs').inputValue()).toBe('');
      expect(await form.getByLabel('Allowed IPs').getAttribute('placeholder')).toBe("Empty: inherit your token's allowlist");
      expect(await form.getByLabel('Requests').getAttribute('placeholder')).toBe('inherit');
      expect(await form.getByRole('checkbox', { name: 'credentials:read' }).isDisabled()).toBe(true);
      await restricted.page.keyboard.press('Escape');
      await form.waitFor({ state: 'detached' });

      await restricted.page.getByRole('button', { name: 'Edit restricted-ci' }).click();
      await hints();
      expect(await form.getByLabel('Allowed IPs').inputValue()).toBe('127.0.0.0/8\n::1/128');
      await restricted.page.keyboard.press('Escape');
      await form.waitFor({ state: 'detached' });
    } finally {
      await restricted.context.close();
    }
  });

  it('places each limit a restricted token cannot hand out next to its field, keeps the form open and creates nothing', async () => {
    const restricted = await signedInRestricted('restricted-ops');
    try {
      await restricted.page.getByRole('button', { name: 'Create token' }).click();
      const form = dialog(restricted.page);
      await form.getByText('Inherits: 127.0.0.0/8, ::1/128').waitFor();
      await form.getByLabel('Name', { exact: true }).fill('wider-than-me');
      // One entry inside the allowlist, one outside; an expiry after the caller's; twice its rate.
      await form.getByLabel('Allowed IPs').fill('127.0.0.1\n192.168.0.0/16');
      await form.getByLabel('Expires at (UTC)').fill('2100-01-01T00:00');
      await form.getByLabel('Requests').fill('1000');
      await form.getByLabel('per (seconds)').fill('60');
      const [answer] = await Promise.all([
        restricted.page.waitForResponse((response) => response.request().method() === 'POST' && new URL(response.url()).pathname === '/api/v1/apitokens'),
        form.getByRole('button', { name: 'Create token' }).click(),
      ]);

      // The API refuses every broader field at once, each under its own path.
      expect(answer.status()).toBe(403);
      expect(answer.headers()['content-type']).toMatch(/^application\/problem\+json/);
      const problem = await answer.json();
      expect(problem.errors.map((error: { path: string }) => error.path)).toEqual(['body.allowedIps', 'body.expiresAt', 'body.rateLimit']);

      // Each message sits in its own field, which is marked invalid and described by it.
      const allowedIps = form.getByLabel('Allowed IPs');
      const expiresAt = form.getByLabel('Expires at (UTC)');
      const rateLimit = form.getByRole('group', { name: 'Rate limit' });
      // The `.field` block that holds the control (`has` is matched inside each block).
      const errorIn = (label: string) => form.locator('.field', { has: restricted.page.getByLabel(label, { exact: true }) }).locator('.field-error');
      await form.locator('.field-error').nth(2).waitFor();
      expect(await form.locator('.field-error').count()).toBe(3);
      expect(await errorIn('Allowed IPs').textContent()).toBe("192.168.0.0/16 lies outside the calling API token's allowlist (127.0.0.0/8, ::1/128).");
      expect(await errorIn('Expires at (UTC)').textContent()).toBe(
        'Expires at 2100-01-01T00:00:00.000Z, later than the calling API token, which expires at 2099-12-31T12:00:00.000Z.',
      );
      expect(await rateLimit.locator('.field-error').textContent()).toBe(
        "1000 per 60 s exceeds the calling API token's rate limit of 500 per 60 s (in limit or in rate).",
      );
      for (const field of [allowedIps, expiresAt, form.getByLabel('Requests'), form.getByLabel('per (seconds)')]) {
        expect(await field.getAttribute('aria-invalid')).toBe('true');
      }
      expect(await form.getByLabel('Name', { exact: true }).getAttribute('aria-invalid')).toBeNull();
      expect((await allowedIps.getAttribute('aria-describedby'))?.split(' ')).toContain('token-allowedIps-error');
      expect((await expiresAt.getAttribute('aria-describedby'))?.split(' ')).toContain('token-expiresAt-error');
      expect((await rateLimit.getAttribute('aria-describedby'))?.split(' ')).toContain('token-rateLimit-error');
      // The first refused field has the focus; the alert points to the fields instead of repeating them.
      expect(await inPage(restricted.page, 'document.activeElement?.id')).toBe('token-allowedIps');
      const alert = form.getByRole('alert');
      expect(await alert.locator('p').first().textContent()).toMatch(/^Not allowed: This API token can only hand out what it holds itself/);
      expect(await alert.locator('li').count()).toBe(0);
      expect(await alert.textContent()).toContain('Each marked field above says what is wrong with it.');

      // The dialog stays open with what was typed, and no token was created.
      await form.getByRole('heading', { name: 'Create an API token' }).waitFor();
      expect(await form.getByText('you will not see this again').count()).toBe(0);
      expect(await allowedIps.inputValue()).toBe('127.0.0.1\n192.168.0.0/16');
      expect(await form.getByLabel('Requests').inputValue()).toBe('1000');
      const listed = await api('GET', '/apitokens?name=wider-than-me', platform.admin.secret);
      expect(listed.status).toBe(200);
      expect(listed.body.data).toEqual([]);
      await restricted.page.keyboard.press('Escape');
      await form.waitFor({ state: 'detached' });
    } finally {
      await restricted.context.close();
    }
  });
});

describe('console: credentials', () => {
  const password = 'sm-pp-Pa55-9f3c';

  it('creates an SMPP credential through the form built from the types, checking the name first', async () => {
    await page.getByRole('link', { name: 'Credentials' }).click();
    await page.getByRole('heading', { name: 'Credentials' }).waitFor();
    await page.getByRole('button', { name: 'Add credential' }).click();
    const form = dialog();
    await form.getByRole('heading', { name: 'Add a credential' }).waitFor();
    const types = await form.getByLabel('Type', { exact: true }).locator('option').allTextContents();
    expect(types).toEqual(expect.arrayContaining(['SMPP', 'HTTP Basic']));
    await form.getByLabel('Type', { exact: true }).selectOption('smpp');
    expect(await form.getByLabel('Password').getAttribute('type')).toBe('password');
    await form.getByLabel('System type (optional)').waitFor();

    await form.getByLabel('Name', { exact: true }).fill('P');
    await form.getByLabel('Host').fill('smpp.example.net');
    await form.getByLabel('Port').fill('2775');
    await form.getByLabel('System ID').fill('acme');
    await form.getByLabel('Password').fill(password);
    await form.getByRole('button', { name: 'Add credential' }).click();
    await form.getByText('The name needs at least 2 characters.').waitFor();
    expect((await api('GET', '/credentials', platform.admin.secret)).body.data).toEqual([]);

    await form.getByLabel('Name', { exact: true }).fill('Primary SMS route');
    expect(await form.getByLabel('Moniker').inputValue()).toBe('primary-sms-route');
    await form.getByRole('button', { name: 'Add credential' }).click();
    await form.waitFor({ state: 'detached' });
    const row = page.locator('tr', { has: page.getByRole('rowheader', { name: 'Primary SMS route' }) });
    await row.waitFor();
    expect(await row.locator('td').allTextContents()).toEqual([
      'primary-sms-route',
      'SMPP',
      expect.stringMatching(/UTC$/),
      expect.stringMatching(/UTC$/),
      expect.stringContaining('View'),
    ]);
  });

  it('shows the API problem next to the form for a duplicate moniker', async () => {
    await page.getByRole('button', { name: 'Add credential' }).click();
    await dialog().getByRole('heading', { name: 'Add a credential' }).waitFor();
    await dialog().getByLabel('Type', { exact: true }).selectOption('http-basic');
    await dialog().getByLabel('Name', { exact: true }).fill('Primary SMS route again');
    await dialog().getByLabel('Moniker').fill('primary-sms-route');
    await dialog().getByLabel('Username').fill('acme');
    await dialog().getByLabel('Password').fill('another-secret');
    await dialog().getByRole('button', { name: 'Add credential' }).click();
    expect(await dialog().getByRole('alert').textContent()).toMatch(/Conflict/);
    await page.keyboard.press('Escape');
    await dialog().waitFor({ state: 'detached' });
  });

  it('edits the credential, keeping the secret left blank', async () => {
    await page.getByRole('button', { name: 'Edit Primary SMS route' }).click();
    const form = dialog();
    await form.getByRole('heading', { name: 'Edit Primary SMS route' }).waitFor();
    expect(await form.getByLabel('Host').inputValue()).toBe('smpp.example.net');
    expect(await form.getByLabel('Password').inputValue()).toBe('');
    await form.getByLabel('Host').fill('smpp-eu.example.net');
    await form.getByRole('button', { name: 'Save changes' }).click();
    await form.waitFor({ state: 'detached' });
    await page.getByText('Primary SMS route was saved.').waitFor();
  });

  it('reveals the secrets only after an explicit click', async () => {
    await page.getByRole('button', { name: 'View Primary SMS route' }).click();
    const view = dialog();
    await view.getByText('smpp-eu.example.net').waitFor();
    const secretField = view.locator('[data-secret-field="password"]');
    expect(await secretField.textContent()).not.toContain(password);
    await view.getByRole('button', { name: 'Reveal secrets' }).click();
    await view.getByRole('button', { name: 'Hide secrets' }).waitFor();
    expect(await secretField.textContent()).toBe(password);
    await view.getByRole('button', { name: 'Close' }).first().click();
    await view.waitFor({ state: 'detached' });
  });

  it('deletes the credential after a confirmation', async () => {
    await page.getByRole('button', { name: 'Delete Primary SMS route' }).click();
    await dialog().getByRole('button', { name: 'Delete credential' }).click();
    await dialog().waitFor({ state: 'detached' });
    await page.getByText('Primary SMS route was deleted.').waitFor();
    expect((await api('GET', '/credentials/primary-sms-route', platform.admin.secret)).status).toBe(404);
  });
});

describe('console: audit activity', () => {
  // Bootstrap token; ci-deploy created, disabled, enabled, renamed, rotated, revoked; support-sync
  // created, revealed and made unrecoverable, no-reveal created; viewer, short-lived, restricted-ci
  // and restricted-ops created (its refused create records nothing), short-lived revoked; the
  // credential created, updated, revealed, deleted.
  const EXPECTED_RECORDS = 20;
  const rowsOf = async (target: Page): Promise<string[][]> => {
    const rows = await target.locator('table tbody tr[data-audit-id]').all();
    return Promise.all(rows.map(async (row) => (await row.locator('td').allTextContents()).map((text) => text.trim())));
  };

  it('lists every action with the right columns, under a valid chain badge', async () => {
    const listed = await eventually(
      () => api('GET', '/audit?limit=200', platform.admin.secret),
      (answer) => answer.status === 200 && answer.body.data.length >= EXPECTED_RECORDS,
    );
    expect(listed.body.data.length).toBe(EXPECTED_RECORDS);

    await page.getByRole('link', { name: 'Audit activity' }).click();
    await page.getByRole('heading', { name: 'Audit activity' }).waitFor();
    await page.getByText(`Chain valid · ${EXPECTED_RECORDS} records checked`).waitFor();
    await page.locator('table tbody tr[data-audit-id]').nth(EXPECTED_RECORDS - 1).waitFor();
    expect(await page.locator('table thead th').allTextContents()).toEqual([
      'Timestamp (UTC)',
      'Object',
      'Action',
      'Identifier',
      'Username',
      'Remote IP',
      'Details',
    ]);

    const rows = await rowsOf(page);
    const actions = rows.map(([, object, action]) => `${object} ${action}`);
    for (const expected of [
      'ApiToken Created',
      'ApiToken Updated',
      'ApiToken Rotated',
      'ApiToken Deleted',
      'Credential Created',
      'Credential Updated',
      'Credential Revealed',
      'Credential Deleted',
    ]) {
      expect(actions).toContain(expected);
    }
    const credentialId = listed.body.data.find((record: { objectType: string }) => record.objectType === 'Credential').objectId;
    const created = rows.find(([, object, action]) => object === 'Credential' && action === 'Created');
    expect(created).toEqual([
      expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/),
      'Credential',
      'Created',
      credentialId,
      'console-admin',
      expect.stringMatching(/127\.0\.0\.1/),
      'Details',
    ]);
    // Newest first.
    expect(rows[0].slice(1, 3)).toEqual(['Credential', 'Deleted']);
  });

  it('filters by object type, action, actor and time range', async () => {
    await page.getByLabel('Object type').fill('Credential');
    await page.getByLabel('Action').selectOption('Updated');
    await page.getByLabel('Actor').fill('console-admin');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await eventually(() => rowsOf(page), (rows) => rows.length === 1);
    expect((await rowsOf(page)).map(([, object, action]) => `${object} ${action}`)).toEqual(['Credential Updated']);

    await page.getByLabel('From (UTC)').fill(new Date(Date.now() + 86_400_000).toISOString().slice(0, 16));
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByText('No audit records match.').waitFor();
    await page.getByLabel('From (UTC)').fill('');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await eventually(() => rowsOf(page), (rows) => rows.length === 1);
  });

  it("opens a record's detail: before and after side by side, the changed field highlighted", async () => {
    await page.getByRole('button', { name: /^Details of Updated Credential/ }).click();
    const detail = dialog();
    await detail.getByRole('heading', { name: 'Credential Updated' }).waitFor();
    expect(await detail.getByTestId('changed-fields').textContent()).toBe('Changed fields: properties.host');
    const changed = async (pane: string) => detail.locator(`.json-${pane} .json-changed`).allTextContents();
    expect((await changed('prior')).join('\n')).toContain('"host": "smpp.example.net"');
    expect((await changed('after')).join('\n')).toContain('"host": "smpp-eu.example.net"');
    expect(await detail.getByText('Previous hash').count()).toBe(1);
    await detail.getByRole('button', { name: 'Close' }).first().click();
    await detail.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Reset' }).click();
    await page.locator('table tbody tr[data-audit-id]').nth(EXPECTED_RECORDS - 1).waitFor();
    const [first, ...copies] = SCREENSHOTS;
    mkdirSync(dirname(first), { recursive: true });
    await page.screenshot({ path: first });
    for (const copy of copies) copyFileSync(first, copy);
  });
});

describe('console: layout', () => {
  it('works on a narrow screen', async () => {
    await page.getByRole('link', { name: 'API tokens' }).click();
    await page.getByRole('heading', { name: 'API tokens' }).waitFor();
    await page.setViewportSize({ width: 390, height: 844 });
    const overflow = await inPage<number>(page, 'document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    expect(await page.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(true);
    await page.setViewportSize({ width: 1280, height: 860 });
  });

  it('raised no script error and no Content-Security-Policy violation', () => {
    expect(pageProblems).toEqual([]);
  });

  it('signs out and forgets the token', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to the console' }).waitFor();
    expect(await inPage(page, 'sessionStorage.length')).toBe(0);
  });
});
