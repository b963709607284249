// Real processes, no mocks: `node --test tools/infra/`. Builds FerretDB first if it is missing
// (minutes; prebuild with `node tools/infra/cli.mjs build`).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { postgresBinDir } from './embedded-postgres.mjs';
import { ensureFerretDb, startInfra, waitForMongo, waitForRedis, which } from './launcher.mjs';

const quiet = () => undefined;
const tempDir = () => fs.mkdtemp(path.join(os.tmpdir(), 'warden-infra-test-'));

/** Runs `fn` with environment variables set (or, when undefined, removed), then restores them. */
async function withEnv(vars, fn) {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const apply = (values) =>
    Object.entries(values).forEach(([k, v]) => (v === undefined ? delete process.env[k] : (process.env[k] = v)));
  apply(vars);
  try {
    return await fn();
  } finally {
    apply(saved);
  }
}

const accepts = (port) =>
  new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

describe('startInfra', () => {
  let own; // servers the launcher started itself, shared by both tests
  let dataDir;

  before(
    async () => {
      await ensureFerretDb({ log: (line) => process.stderr.write(`[ferretdb build] ${line}\n`) });
      dataDir = await tempDir();
      own = await withEnv({ REDIS_URL: undefined, MONGODB_URL: undefined }, () =>
        startInfra({ dataDir, ephemeral: true, log: quiet }),
      );
    },
    { timeout: 15 * 60_000 }, // only a first-ever FerretDB build takes this long
  );
  after(() => own?.stop());

  test('uses REDIS_URL and MONGODB_URL as given and starts nothing', async () => {
    const given = await withEnv({ REDIS_URL: own.redisUrl, MONGODB_URL: own.mongoUrl }, () =>
      startInfra({ ephemeral: true, log: quiet }),
    );
    assert.equal(given.redisUrl, own.redisUrl);
    assert.equal(given.mongoUrl, own.mongoUrl);
    assert.deepEqual(given.pids, {});
    await given.stop();
    await waitForRedis(own.redisUrl, 2_000); // stopping "nothing" left the given servers alone
  });

  test('creates dataDir even when both URLs are given, for the files callers keep there', async () => {
    const parent = await tempDir();
    const dir = path.join(parent, 'fresh-clone', '.data');
    try {
      const given = await withEnv({ REDIS_URL: own.redisUrl, MONGODB_URL: own.mongoUrl }, () =>
        startInfra({ dataDir: dir, ephemeral: false, log: quiet }),
      );
      assert.deepEqual(given.pids, {});
      assert.ok(statSync(dir).isDirectory(), `${dir} exists`);
      await given.stop();
      assert.ok(existsSync(dir), 'a non-ephemeral dataDir stays after stop');
    } finally {
      await fs.rm(parent, { recursive: true, force: true });
    }
  });

  test('starts redis-server and FerretDB (on its own PostgreSQL when this machine has it) on free ports and leaves nothing behind on stop', async () => {
    const ports = [own.redisUrl, own.mongoUrl].map((url) => Number(new URL(url).port));
    assert.ok(!ports.includes(6379), 'never the shared Redis');
    assert.match(own.mongoUrl, /^mongodb:\/\/127\.0\.0\.1:\d+\/$/);
    await waitForRedis(own.redisUrl, 2_000);
    await waitForMongo(own.mongoUrl, 2_000);

    await own.stop();

    const onPostgres = postgresBinDir(which) !== null;
    assert.deepEqual(Object.keys(own.pids).sort(), onPostgres ? ['ferretdb', 'postgres', 'redis'] : ['ferretdb', 'redis']);
    for (const pid of Object.values(own.pids)) assert.throws(() => process.kill(pid, 0), { code: 'ESRCH' });
    for (const port of ports) assert.equal(await accepts(port), false, `port ${port} still open`);
    assert.equal(existsSync(dataDir), false, 'ephemeral dataDir removed');
  });
});

test('runs FerretDB on SQLite when WARDEN_EMBEDDED_STORE says so, and refuses a backend it does not know', async () => {
  const infra = await withEnv({ REDIS_URL: undefined, MONGODB_URL: undefined, WARDEN_EMBEDDED_STORE: 'sqlite' }, () => startInfra({ ephemeral: true, log: quiet }));
  try {
    assert.deepEqual(Object.keys(infra.pids).sort(), ['ferretdb', 'redis']);
    await waitForMongo(infra.mongoUrl, 2_000);
  } finally {
    await infra.stop();
  }
  await assert.rejects(
    withEnv({ REDIS_URL: undefined, MONGODB_URL: undefined, WARDEN_EMBEDDED_STORE: 'leveldb' }, () => startInfra({ ephemeral: true, log: quiet })),
    /WARDEN_EMBEDDED_STORE must be postgresql or sqlite, not leveldb/,
  );
});

test('explains how to get Redis when redis-server is not on PATH', async () => {
  const emptyBin = await tempDir();
  const dataDir = path.join(emptyBin, 'data');
  await fs.mkdir(dataDir);
  const script = `
    import { startInfra } from ${JSON.stringify(new URL('./launcher.mjs', import.meta.url).href)};
    await startInfra({ dataDir: ${JSON.stringify(dataDir)}, ephemeral: true, log: () => {} });`;
  try {
    const run = promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], {
      env: { PATH: emptyBin, HOME: os.homedir() },
    });
    const failure = await run.then(() => assert.fail('startInfra should have thrown'), (err) => err);
    assert.match(failure.stderr, /redis-server was not found on PATH/);
    assert.match(failure.stderr, /apt-get install redis-server/);
    assert.match(failure.stderr, /docker compose up -d redis/);
    assert.match(failure.stderr, /REDIS_URL/);
    assert.equal(existsSync(dataDir), false, 'ephemeral dataDir removed after the failure');
  } finally {
    await fs.rm(emptyBin, { recursive: true, force: true });
  }
});
