// Starts one real Redis and one real MongoDB-compatible server for the whole test run, on free
// ports, unless REDIS_URL / MONGODB_URL point at servers already. Workers inherit the URLs.
import { mkdtempSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// Jest loads this file natively (not through its module mapper), so the launcher is reached by path.
// eslint-disable-next-line @nx/enforce-module-boundaries
import { startInfra } from '../../../../tools/infra/launcher.mjs';

export default async function globalSetup() {
  const dataDir = mkdtempSync(join(tmpdir(), 'warden-test-'));
  const infra = await startInfra({ dataDir, ephemeral: true, log: (line) => process.stderr.write(`[infra] ${line}\n`) });
  globalThis.__WARDEN_INFRA__ = infra;
  process.env.REDIS_URL = infra.redisUrl;
  process.env.MONGODB_URL = infra.mongoUrl;
  process.env.NODE_ENV = 'test';
  // Every service logger in the run appends here, so a test can prove no secret was ever logged.
  const logDir = join(process.cwd(), 'tmp');
  mkdirSync(logDir, { recursive: true });
  process.env.WARDEN_TEST_LOG_FILE = join(logDir, 'test-run.log.ndjson');
  rmSync(process.env.WARDEN_TEST_LOG_FILE, { force: true });
}
