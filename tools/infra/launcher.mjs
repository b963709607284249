// Starts the Redis and MongoDB-compatible servers Warden needs, on free ports, for `npm start`
// and the test harness. Plain Node with built-ins only: it runs before `npm install` has.
import { spawn, execFile } from 'node:child_process';
import { accessSync, constants, existsSync, rmSync, statSync } from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { acceptsConnections, initCluster, postgresBinDir, postgresUrl, prepareDatabase, runAsPrefix, serverCommand } from './embedded-postgres.mjs';

const FERRETDB_MODULE = 'github.com/FerretDB/FerretDB';
const FERRETDB_VERSION = 'v1.24.2';
const STOP_GRACE_MS = 5_000;
const defaultLog = (line) => process.stderr.write(`[infra] ${line}\n`);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------
// Public API

/**
 * Provides Redis and MongoDB URLs: the ones in REDIS_URL/MONGODB_URL when set, else servers it
 * starts itself. `dataDir` exists once it returns, whether or not it started anything, so callers
 * can keep their own files there. `stop()` ends what it started and, when `ephemeral`, removes
 * `dataDir`. `postgresSettings`: server parameters for the embedded PostgreSQL, when it starts one.
 */
export async function startInfra({ dataDir, ephemeral = false, log = defaultLog, postgresSettings = {} } = {}) {
  dataDir ??= ephemeral ? await fs.mkdtemp(path.join(os.tmpdir(), 'warden-infra-')) : undefined;
  if (!dataDir) throw new Error('startInfra: dataDir is required unless ephemeral');
  dataDir = path.resolve(dataDir);
  if (ephemeral) ephemeralDirs.add(dataDir);
  await fs.mkdir(dataDir, { recursive: true });

  const servers = [];
  const stop = async () => {
    await Promise.all(servers.map(stopServer));
    if (ephemeral) await fs.rm(dataDir, { recursive: true, force: true });
    ephemeralDirs.delete(dataDir);
  };
  const started = (server) => {
    servers.push(server);
    return server.url;
  };

  try {
    const redisUrl = process.env.REDIS_URL || started(await startRedis({ dataDir, ephemeral, log }));
    const mongoUrl = process.env.MONGODB_URL || started(await startMongo({ dataDir, ephemeral, log, started, postgresSettings }));
    const pids = Object.fromEntries(servers.map((s) => [s.name, s.proc.pid]));
    return { redisUrl, mongoUrl, pids, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** A TCP port that is free right now on 127.0.0.1. */
export async function freePort() {
  const server = net.createServer();
  await new Promise((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Resolves once the Redis at `url` answers PING; throws after `timeoutMs`. */
export async function waitForRedis(url, timeoutMs, { signal } = {}) {
  const { hostname, port } = new URL(url);
  const ask = () => exchange(hostname, Number(port || 6379), '*1\r\n$4\r\nPING\r\n', redisReply);
  await poll(`Redis at ${url}`, ask, timeoutMs, signal);
}

/** Resolves once the MongoDB-compatible server at `url` answers `{ping: 1}`; throws after `timeoutMs`. */
export async function waitForMongo(url, timeoutMs, { signal } = {}) {
  const { host, port } = firstMongoHost(url);
  const ask = () => exchange(host, port, opMsg({ ping: 1, $db: 'admin' }), mongoReplyOk);
  await poll(`MongoDB at ${url}`, ask, timeoutMs, signal);
}

/**
 * Path of a working FerretDB binary: `ferretdb` on PATH, else `<cache>/bin/ferretdb`, which it
 * builds with Go when missing (minutes the first time; progress goes to `log`).
 */
export async function ensureFerretDb({ log = defaultLog } = {}) {
  const onPath = which('ferretdb');
  if (onPath) return onPath;

  const bin = path.join(cacheDir(), 'bin', 'ferretdb');
  await fs.mkdir(path.dirname(bin), { recursive: true });
  return withBuildLock(`${bin}.build-lock`, log, async () => {
    if (await runsVersion(bin)) return bin;
    if (existsSync(bin)) log(`${bin} does not run (a plain \`go install\` build panics); rebuilding`);
    await buildFerretDb(bin, log);
    return bin;
  });
}

// ---------------------------------------------------------------------------------------------
// Redis and MongoDB servers

async function startRedis({ dataDir, ephemeral, log }) {
  const exe = which('redis-server');
  if (!exe) {
    throw new Error(
      'redis-server was not found on PATH. Install it (Debian/Ubuntu: `apt-get install redis-server`), ' +
        'or run `docker compose up -d redis` and set REDIS_URL=redis://127.0.0.1:6379.',
    );
  }
  const dir = path.join(dataDir, 'redis');
  await fs.mkdir(dir, { recursive: true });
  // Tests want no disk writes; `npm start` wants data that survives a restart.
  const persistence = ephemeral ? ['--save', '', '--appendonly', 'no'] : ['--appendonly', 'yes'];
  const args = (port) => ['--port', String(port), '--bind', '127.0.0.1', '--daemonize', 'no', '--dir', dir];
  return startServer({
    name: 'redis',
    log,
    spawnOn: (port) => spawnServer(exe, [...args(port), ...persistence]),
    urlFor: (port) => `redis://127.0.0.1:${port}`,
    waitReady: (url, signal) => waitForRedis(url, 10_000, { signal }),
  });
}

async function startMongo({ dataDir, ephemeral, log, started, postgresSettings }) {
  const mongod = which('mongod');
  if (mongod) {
    const dbpath = path.join(dataDir, 'mongo');
    await fs.mkdir(dbpath, { recursive: true });
    return startServer({
      name: 'mongod',
      log,
      spawnOn: (port) => spawnServer(mongod, ['--dbpath', dbpath, '--bind_ip', '127.0.0.1', '--port', String(port)]),
      urlFor: mongoUrlFor,
      waitReady: (url, signal) => waitForMongo(url, 30_000, { signal }),
    });
  }
  const exe = await ensureFerretDb({ log });
  const postgres = await embeddedPostgres({ dataDir, ephemeral, log, settings: postgresSettings });
  const backend = postgres ? ['--handler=postgresql', `--postgresql-url=${postgresUrl(new URL(started(postgres)).port)}`] : await sqliteBackend(dataDir);
  return startFerretDb({ exe, backend, log });
}

/**
 * The embedded store's backend. PostgreSQL when its server binaries are here (and
 * WARDEN_EMBEDDED_STORE is not `sqlite`): FerretDB can use its indexes (embedded-postgres.mjs).
 * SQLite otherwise: every query scans its collection (docs/operations.md gives the limits).
 */
async function embeddedPostgres({ dataDir, ephemeral, log, settings }) {
  const choice = process.env.WARDEN_EMBEDDED_STORE || 'postgresql';
  if (!['postgresql', 'sqlite'].includes(choice)) throw new Error(`WARDEN_EMBEDDED_STORE must be postgresql or sqlite, not ${choice}`);
  if (choice === 'sqlite') return null;
  const bin = postgresBinDir(which);
  const runAs = bin && (await runAsPrefix(which));
  if (!bin || !runAs) {
    log(`${bin ? 'PostgreSQL cannot run as root without a postgres user' : 'no PostgreSQL server binaries found'}: the embedded store uses SQLite, which scans every query`);
    return null;
  }
  const dir = path.join(dataDir, 'postgres');
  await initCluster({ bin, dir, runAs, log });
  return startServer({
    name: 'postgres',
    log,
    stopSignal: 'SIGINT', // fast shutdown: SIGTERM would wait for FerretDB's pooled connections
    spawnOn: (port) => {
      const { exe, args } = serverCommand({ bin, dir, port, runAs, ephemeral, settings });
      return spawnServer(exe, args);
    },
    urlFor: (port) => `postgres://127.0.0.1:${port}`,
    waitReady: async (url, signal) => {
      const port = Number(new URL(url).port);
      await poll(`PostgreSQL at ${url}`, () => acceptsConnections({ bin, port }), 30_000, signal);
      await prepareDatabase({ bin, port });
    },
  });
}

async function sqliteBackend(dataDir) {
  const dir = path.join(dataDir, 'ferretdb');
  await fs.mkdir(dir, { recursive: true });
  // The SQLite handler wants a `file:` URL of an existing directory, ending with "/".
  return ['--handler=sqlite', `--sqlite-url=${pathToFileURL(dir + path.sep).href}`];
}

async function startFerretDb({ exe, backend, log }) {
  return startServer({
    name: 'ferretdb',
    log,
    spawnOn: (port) =>
      spawnServer(exe, [
        ...backend,
        `--listen-addr=127.0.0.1:${port}`,
        '--state-dir=-', // no state.json (telemetry id) next to the data
        '--debug-addr=-', // the metrics/pprof listener would otherwise take fixed port 8088
        '--telemetry=disable',
        '--log-level=error',
      ]),
    urlFor: mongoUrlFor,
    waitReady: (url, signal) => waitForMongo(url, 20_000, { signal }),
  });
}

const mongoUrlFor = (port) => `mongodb://127.0.0.1:${port}/`;

/**
 * Spawns a server on a free port and waits until it answers. Another process can grab the port
 * between freePort() and the spawn, so a server that exits early is retried on a new port.
 */
async function startServer({ name, log, spawnOn, urlFor, waitReady, stopSignal = 'SIGTERM' }, attempts = 3) {
  const port = await freePort();
  const server = { name, url: urlFor(port), stopSignal, ...spawnOn(port) };
  const exited = new AbortController();
  server.proc.once('exit', (code, signal) => {
    exited.abort(new Error(`${name} exited (${signal ?? code}) before it was ready`));
  });
  try {
    await waitReady(server.url, exited.signal);
    log(`${name} (pid ${server.proc.pid}) listening at ${server.url}`);
    return server;
  } catch (err) {
    const exitedEarly = exited.signal.aborted; // read before stopServer makes it exit anyway
    await stopServer(server);
    if (exitedEarly && attempts > 1) return startServer({ name, log, spawnOn, urlFor, waitReady, stopSignal }, attempts - 1);
    throw new Error(`${err.message}\n--- last output of ${name} ---\n${server.tail()}`);
  }
}

// If this process exits without stop() (a crash, process.exit), children still alive are killed
// and ephemeral data removed, so nothing outlives it. Signals end a process without 'exit':
// callers that must survive SIGINT/SIGTERM handle them and call stop() (see cli.mjs).
const liveChildren = new Set();
const ephemeralDirs = new Set();
process.on('exit', () => {
  liveChildren.forEach((proc) => proc.kill('SIGKILL'));
  ephemeralDirs.forEach((dir) => rmSync(dir, { recursive: true, force: true }));
});

/** Spawns a long-running child, keeping the tail of its output for error messages. */
function spawnServer(exe, args) {
  const proc = spawn(exe, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  liveChildren.add(proc);
  proc.once('exit', () => liveChildren.delete(proc));
  const lines = [];
  const keep = (line) => lines.push(line) > 40 && lines.shift();
  readline.createInterface({ input: proc.stdout }).on('line', keep);
  readline.createInterface({ input: proc.stderr }).on('line', keep);
  proc.once('error', (err) => keep(`spawn error: ${err.message}`));
  return { proc, tail: () => lines.join('\n') };
}

/** SIGTERM, then SIGKILL after a grace period; resolves once the process is gone. */
async function stopServer({ proc, stopSignal = 'SIGTERM' }) {
  if (proc.exitCode !== null || proc.signalCode !== null || !proc.pid) return;
  const gone = new Promise((resolve) => proc.once('exit', resolve));
  proc.kill(stopSignal);
  const timer = setTimeout(() => proc.kill('SIGKILL'), STOP_GRACE_MS);
  await gone;
  clearTimeout(timer);
}

// ---------------------------------------------------------------------------------------------
// Wire protocols: just enough to ask "are you up?"

/** Retries `ask` until it returns true, the deadline passes, or `signal` aborts. */
async function poll(what, ask, timeoutMs, signal) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    signal?.throwIfAborted();
    try {
      if (await ask()) return;
    } catch (err) {
      lastError = err;
    }
    await sleep(100);
  }
  throw new Error(`${what} did not answer within ${timeoutMs} ms${lastError ? ` (${lastError.message})` : ''}`);
}

/** Sends `request` and resolves with `parse(reply)` once `parse` stops returning undefined. */
function exchange(host, port, request, parse) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    let reply = Buffer.alloc(0);
    socket.setTimeout(1_000, () => socket.destroy(new Error('no reply within 1 s')));
    socket.once('connect', () => socket.write(request));
    socket.on('data', (chunk) => {
      reply = Buffer.concat([reply, chunk]);
      const result = parse(reply);
      if (result !== undefined) {
        socket.destroy();
        resolve(result);
      }
    });
    socket.once('error', reject);
    socket.once('close', () => reject(new Error('connection closed')));
  });
}

// A RESP line: "+PONG" when ready, "-LOADING ..." while Redis is still reading its data.
const redisReply = (buf) => (buf.includes('\r\n') ? buf.toString('latin1').startsWith('+PONG') : undefined);

function firstMongoHost(url) {
  const hostPort = /^mongodb:\/\/(?:[^@/]*@)?([^/,?]+)/.exec(url)?.[1];
  if (!hostPort) throw new Error(`Unsupported MongoDB URL: ${url}`);
  const { hostname, port } = new URL(`tcp://${hostPort}`);
  return { host: hostname.replace(/^\[|\]$/g, ''), port: Number(port || 27017) };
}

/** An OP_MSG (opcode 2013) with one body section (kind 0) holding `doc`. */
function opMsg(doc) {
  const body = bson(doc);
  const header = Buffer.alloc(21);
  header.writeInt32LE(16 + 4 + 1 + body.length, 0); // messageLength
  header.writeInt32LE(1, 4); // requestID
  header.writeInt32LE(0, 8); // responseTo
  header.writeInt32LE(2013, 12); // opCode: OP_MSG
  header.writeUInt32LE(0, 16); // flagBits
  header.writeUInt8(0, 20); // section kind 0: body
  return Buffer.concat([header, body]);
}

/** BSON for a flat document of int32 and string values, all that `ping` needs. */
function bson(doc) {
  const cstring = (s) => Buffer.from(`${s}\0`, 'utf8');
  const elements = Object.entries(doc).map(([key, value]) => {
    if (Number.isInteger(value)) {
      const int = Buffer.alloc(4);
      int.writeInt32LE(value);
      return Buffer.concat([Buffer.from([0x10]), cstring(key), int]);
    }
    const str = cstring(value);
    const len = Buffer.alloc(4);
    len.writeInt32LE(str.length);
    return Buffer.concat([Buffer.from([0x02]), cstring(key), len, str]);
  });
  const size = Buffer.alloc(4);
  size.writeInt32LE(4 + elements.reduce((n, e) => n + e.length, 0) + 1);
  return Buffer.concat([size, ...elements, Buffer.from([0])]);
}

/** Whether a complete OP_MSG reply says `ok: 1`; undefined while more bytes are due. */
function mongoReplyOk(buf) {
  if (buf.length < 4 || buf.length < buf.readInt32LE(0)) return undefined;
  if (buf.readInt32LE(12) !== 2013 || buf[20] !== 0) return false;
  return bsonNumber(buf.subarray(21), 'ok') === 1;
}

// Byte sizes of the fixed-width BSON types a server reply may carry at top level.
const FIXED_SIZE = { 0x01: 8, 0x07: 12, 0x08: 1, 0x09: 8, 0x0a: 0, 0x10: 4, 0x11: 8, 0x12: 8, 0x13: 16 };

/** A top-level double or int32 field of a BSON document, or undefined. */
function bsonNumber(doc, name) {
  let at = 4;
  while (at < doc.readInt32LE(0) - 1) {
    const type = doc[at];
    const keyEnd = doc.indexOf(0, at + 1);
    const key = doc.toString('utf8', at + 1, keyEnd);
    const value = keyEnd + 1;
    if (key === name && type === 0x01) return doc.readDoubleLE(value);
    if (key === name && type === 0x10) return doc.readInt32LE(value);
    if (type === 0x02) at = value + 4 + doc.readInt32LE(value);
    else if (type === 0x03 || type === 0x04) at = value + doc.readInt32LE(value);
    else if (type in FIXED_SIZE) at = value + FIXED_SIZE[type];
    else return undefined; // a type we cannot skip; `ping` replies never get here
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// FerretDB build

/** Where built and downloaded tools are kept (FerretDB, the pinned Node 24): `WARDEN_CACHE_DIR` or ~/.cache/warden. */
export const cacheDir = () => process.env.WARDEN_CACHE_DIR || path.join(os.homedir(), '.cache', 'warden');

/**
 * Builds FerretDB from its module source. A plain `go install ...@v1.24.2` builds a binary that
 * panics at startup, because build/version/version.txt (generated from git) is not in the module
 * zip; so the source is copied, that file written, and the copy built with `go build`.
 */
async function buildFerretDb(bin, log) {
  const go = which('go') ?? (existsSync('/usr/local/go/bin/go') ? '/usr/local/go/bin/go' : null);
  if (!go) throw ferretDbUnavailable('Go was not found on PATH or at /usr/local/go/bin/go.');

  const started = Date.now();
  const seconds = () => `${Math.round((Date.now() - started) / 1000)} s`;
  log(`building FerretDB ${FERRETDB_VERSION} into ${bin} with ${go}; this takes a few minutes the first time`);
  const heartbeat = setInterval(() => log(`still building FerretDB (${seconds()})`), 30_000);
  const src = path.join(cacheDir(), 'src', `ferretdb-${FERRETDB_VERSION}-${process.pid}`);
  const out = `${bin}.tmp-${process.pid}`;
  try {
    await copyModuleSource(go, src, log);
    // Go 1.23+ refuses some old `//go:linkname` uses in dependencies; -checklinkname=0 allows them.
    const built =
      (await runGo(go, ['build', '-o', out, './cmd/ferretdb'], src, log)) ||
      (await runGo(go, ['build', '-ldflags=-checklinkname=0', '-o', out, './cmd/ferretdb'], src, log));
    if (!built || !(await runsVersion(out))) {
      throw ferretDbUnavailable('Building FerretDB with Go failed (see the output above).');
    }
    await fs.rename(out, bin); // atomic: nobody ever runs a half-written binary
    log(`built FerretDB in ${seconds()}`);
  } finally {
    clearInterval(heartbeat);
    await fs.rm(out, { force: true });
    await fs.rm(src, { recursive: true, force: true });
  }
}

/** Copies the FerretDB module source to `src` (writable) and adds the version file. */
async function copyModuleSource(go, src, log) {
  const download = ['mod', 'download', '-json', `${FERRETDB_MODULE}@${FERRETDB_VERSION}`];
  // Run outside any Go module, so the download does not touch someone's go.mod.
  const { stdout } = await promisify(execFile)(go, download, { cwd: cacheDir() }).catch((err) => {
    log(String(err.stdout || err.stderr || err.message).trim());
    throw ferretDbUnavailable('`go mod download` of FerretDB failed.');
  });
  await fs.cp(JSON.parse(stdout).Dir, src, { recursive: true });
  await makeDirsWritable(src); // copied from the read-only module cache; we write and later delete
  await fs.writeFile(path.join(src, 'build', 'version', 'version.txt'), `${FERRETDB_VERSION}\n`);
}

async function makeDirsWritable(dir) {
  await fs.chmod(dir, 0o755);
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) await makeDirsWritable(path.join(dir, entry.name));
  }
}

/** Runs a Go command in `cwd`, streaming its output lines to `log`; resolves true on success. */
function runGo(go, args, cwd, log) {
  log(`$ go ${args.join(' ')}`);
  const proc = spawn(go, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  liveChildren.add(proc);
  readline.createInterface({ input: proc.stdout }).on('line', log);
  readline.createInterface({ input: proc.stderr }).on('line', log);
  return new Promise((resolve) => {
    proc.once('error', (err) => (log(err.message), resolve(false)));
    proc.once('close', (code) => (liveChildren.delete(proc), resolve(code === 0)));
  });
}

/** Whether `bin` exists and `bin --version` succeeds. */
function runsVersion(bin) {
  if (!existsSync(bin)) return Promise.resolve(false);
  return new Promise((resolve) => execFile(bin, ['--version'], { timeout: 10_000 }, (err) => resolve(!err)));
}

function ferretDbUnavailable(reason) {
  return new Error(
    `${reason} Warden needs a MongoDB-compatible server. Either set MONGODB_URL, install mongod, ` +
      'install Go (https://go.dev/dl/) so FerretDB can be built, or run `docker compose up -d mongo` ' +
      'and set MONGODB_URL=mongodb://127.0.0.1:27017/.',
  );
}

/**
 * Runs `fn` while holding a lock file, so parallel test runs do not each build FerretDB (or fetch
 * Node 24, see node-runtime.mjs); `task` names what the holder does, for the waiting message.
 * A lock left by a process that no longer exists is taken over. (Were two processes to take over
 * the same stale lock, both would build; the atomic rename keeps even that correct.)
 */
export async function withBuildLock(lockPath, log, fn, task = 'building FerretDB') {
  // Written aside and hard-linked into place: the lock appears atomically, pid included.
  const mine = `${lockPath}.${process.pid}`;
  await fs.writeFile(mine, String(process.pid));
  try {
    for (let waits = 0; ; waits++) {
      try {
        await fs.link(mine, lockPath);
        break;
      } catch (err) {
        if (err.code !== 'EEXIST') throw err;
        const holder = Number(await fs.readFile(lockPath, 'utf8').catch(() => 0));
        if (!isAlive(holder)) {
          await fs.rm(lockPath, { force: true });
          continue;
        }
        if (waits % 15 === 0) log(`waiting for process ${holder} to finish ${task}`);
        await sleep(2_000);
      }
    }
  } finally {
    await fs.rm(mine, { force: true });
  }
  try {
    return await fn();
  } finally {
    await fs.rm(lockPath, { force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Small helpers

function isAlive(pid) {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

/** Absolute path of an executable on PATH, or null. */
export function which(cmd) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const file = path.join(dir, cmd);
    try {
      accessSync(file, constants.X_OK);
      if (statSync(file).isFile()) return file;
    } catch {
      // not here; keep looking
    }
  }
  return null;
}
