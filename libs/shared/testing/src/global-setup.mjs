// Starts one real Redis and one real MongoDB-compatible server for the whole test run, on free
// ports, unless REDIS_URL / MONGODB_URL point at servers already. Workers inherit the URLs.
import { mkdtempSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
// Jest loads this file natively (not through its module mapper), so the launcher is reached by path.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { startInfra } from '../../../../tools/infra/launcher.mjs';

export default async function globalSetup() {
  const dataDir = mkdtempSync(join(tmpdir(), 'warden-test-'));
  const infra = await startInfra({
    dataDir,
    ephemeral: true,
    log: (line) => process.stderr.write(`[infra] ${line}\n`),
    // Suites check that the store CAN serve a query from an index (audit-store-indexes): with scans
    // priced out, a plan that still scans means no index serves it, however few rows a table holds
    // when PostgreSQL happens to have analysed it.
    postgresSettings: { enable_seqscan: 'off' },
  });
  globalThis.__WARDEN_INFRA__ = infra;
  process.env.REDIS_URL = infra.redisUrl;
  process.env.MONGODB_URL = infra.mongoUrl;
  process.env.NODE_ENV = 'test';
  // One directory per run (several runs in one checkout at once must not mix): the log every service
  // logger of the run appends to, so a test can prove no secret was ever logged; the suites of the
  // run; and a marker per finished suite (see test-environment.cjs).
  // Under the workspace root whichever project's Jest run this is (git ignores tmp/).
  const logDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'tmp');
  mkdirSync(logDir, { recursive: true });
  for (const name of readdirSync(logDir)) {
    const old = join(logDir, name);
    const stale = () => Date.now() - (statSync(old, { throwIfNoEntry: false })?.mtimeMs ?? Date.now()) > 3_600_000;
    if (/^test-run-/.test(name) && stale()) rmSync(old, { recursive: true, force: true });
  }
  const runDir = join(logDir, `test-run-${process.pid}`);
  rmSync(runDir, { recursive: true, force: true });
  mkdirSync(join(runDir, 'done'), { recursive: true });
  writeFileSync(join(runDir, 'suites.json'), JSON.stringify(globalThis.__WARDEN_TEST_SUITES__ ?? null));
  process.env.WARDEN_TEST_RUN_DIR = runDir;
  process.env.WARDEN_TEST_LOG_FILE = join(runDir, 'log.ndjson');
}
