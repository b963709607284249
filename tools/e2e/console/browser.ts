// One headless Chromium for the console suite: the Debian package (Playwright's own browser
// download does not work everywhere), installed with apt-get when it is missing.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const root = join(__dirname, '..', '..', '..');

/** Installs Debian's chromium package when the browser is missing, and says so. */
export function ensureChromium(log: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): void {
  if (existsSync(CHROMIUM_PATH)) return;
  log(`[e2e] ${CHROMIUM_PATH} is missing: installing Debian's chromium package with apt-get (once per machine)…`);
  const sudo = process.getuid?.() === 0 ? [] : ['sudo', '-n'];
  const run = (args: string[]) => {
    const [command, ...rest] = [...sudo, ...args];
    const result = spawnSync(command, rest, { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (result.status !== 0) throw new Error(`\`${args.join(' ')}\` failed (exit ${result.status}); install chromium, or set CHROMIUM_PATH`);
  };
  run(['apt-get', 'update', '-qq']);
  run(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', 'chromium']);
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`chromium was installed but ${CHROMIUM_PATH} is still missing`);
  log('[e2e] chromium installed.');
}

/** Builds apps/console/dist when it is missing or older than its sources (what `npm start` does too). */
export function ensureConsoleBuilt(): void {
  execFileSync(process.execPath, [join(root, 'apps', 'console', 'build.mjs'), '--if-stale'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
}

export async function launchChromium(): Promise<Browser> {
  ensureChromium();
  // Playwright gives every launch a fresh, empty profile (--user-data-dir in a temp directory).
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}
