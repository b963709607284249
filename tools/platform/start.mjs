#!/usr/bin/env node
// `npm start`: installs what is missing, provisions Redis and MongoDB (or uses REDIS_URL and
// MONGODB_URL), starts the three services and the gateway as separate processes from the production
// build (dist/apps, rebuilt first when older than the sources), and stops everything on Ctrl-C /
// SIGTERM. Dependency-free until the install has happened.
import { spawn, spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApps, distEntry } from '../build/build-apps.mjs';
import { ensureDependencies } from './ensure-deps.mjs';
import { keysFor, loadOrCreateKeys } from './keys.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const log = (line) => process.stderr.write(`[warden] ${line}\n`);
const dataDir = path.join(root, '.data');
// The operator CLI (`npm run warden`) reads this to reach the running platform.
const platformFile = path.join(dataDir, 'platform.json');

/** A port from the environment, or `fallback`; anything but 1-65535 stops the start, naming the variable. */
function portFrom(variable, fallback) {
  const raw = process.env[variable];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (Number.isInteger(port) && port >= 1 && port <= 65535) return port;
  log(`${variable}=${raw} is not a port number (1-65535)`);
  process.exit(1);
}

// Each service listens on <NAME>_PORT (TOKEN_SERVICE_PORT, ...) and the gateway reaches it through
// <NAME>_URL on that same port, so overriding a port cannot leave the gateway pointing elsewhere.
// Its operations server (/metrics, detailed /readyz, on loopback) is on <NAME>_ADMIN_PORT, by
// default its port + 1000 (4001, 4002, 4003); the gateway's on ADMIN_PORT, by default PORT + 1000.
const ADMIN_PORT_OFFSET = 1000;
const services = Object.entries({ 'token-service': 3001, 'credential-service': 3002, 'audit-service': 3003 }).map(
  ([name, defaultPort]) => {
    const prefix = name.toUpperCase().replaceAll('-', '_');
    const port = portFrom(`${prefix}_PORT`, defaultPort);
    return { name, prefix, port, adminPort: portFrom(`${prefix}_ADMIN_PORT`, port + ADMIN_PORT_OFFSET) };
  },
);
const port = portFrom('PORT', 8080);
const adminPort = portFrom('ADMIN_PORT', port + ADMIN_PORT_OFFSET);

let infra = null; // set once Redis and MongoDB are there
let stopping = false;
const children = [];
async function stop(exitCode = 0) {
  if (stopping) return;
  stopping = true;
  await Promise.all(
    children.map(
      (child) =>
        new Promise((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', resolve);
          child.kill('SIGTERM');
          setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
        }),
    ),
  );
  rmSync(platformFile, { force: true });
  // Before the infrastructure is up, exiting is enough: the launcher kills what it spawned on exit.
  await infra?.stop();
  process.exit(exitCode);
}
// Registered before anything starts: a signal during a long first start (the FerretDB build) must
// not leave servers behind.
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());

ensureDependencies(log);
// The web console the gateway serves at /console: built when missing or older than its sources.
const consoleBuild = spawnSync(process.execPath, [path.join(root, 'apps', 'console', 'build.mjs'), '--if-stale'], { cwd: root, stdio: 'inherit' });
if (consoleBuild.status !== 0) log('the web console did not build; /console answers 503 until `npm run console:build` succeeds');
// The services run compiled (dist/apps/<app>/main.js), built when missing or older than any source.
try {
  await buildApps({ ifStale: true, log });
} catch (error) {
  log(`the services did not build, so nothing was started: ${error?.message ?? error}`);
  log('fix the error above and run `npm start` again (`node tools/build/build-apps.mjs` builds alone)');
  process.exit(1);
}
const { startInfra } = await import('../infra/launcher.mjs');

function startApp(name, env) {
  const child = spawn(process.execPath, ['--enable-source-maps', distEntry(name)], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      log(`${name} exited (${signal ?? code}); stopping the platform`);
      void stop(1);
    }
  });
  children.push(child);
}

function startPlatform({ redisUrl, mongoUrl }) {
  writeFileSync(platformFile, `${JSON.stringify({ redisUrl, mongoUrl }, null, 2)}\n`);
  // This installation's own keys (made on the first start), each process given only its own; a
  // key set in this environment wins.
  const keys = loadOrCreateKeys(dataDir);
  const own = (name) => Object.fromEntries(Object.entries(keysFor(name, keys)).filter(([variable]) => !process.env[variable]));
  const shared = { REDIS_URL: redisUrl, MONGODB_URL: mongoUrl };
  // The producers ask the audit service which of their published events it has recorded.
  const audit = services.find((service) => service.name === 'audit-service');
  const auditUrl = { AUDIT_SERVICE_URL: `http://127.0.0.1:${audit.port}` };
  // Each child gets its own ADMIN_PORT: one inherited from this environment would be shared by all.
  // The audit service asks the producers for the log's head each keeps in its own database.
  const anchorSources = services.filter((service) => service.name !== 'audit-service').map((service) => `${service.name}=http://127.0.0.1:${service.port}`);
  for (const service of services) {
    const producer = service.name === 'audit-service' ? { AUDIT_ANCHOR_SOURCES: anchorSources.join(',') } : auditUrl;
    // Deleting an account, the token service has the credential service destroy its data key.
    const shredder = service.name === 'token-service' ? { CREDENTIAL_SERVICE_URL: `http://127.0.0.1:${services.find((other) => other.name === 'credential-service').port}` } : {};
    startApp(service.name, { ...shared, ...producer, ...shredder, ...own(service.name), PORT: String(service.port), ADMIN_PORT: String(service.adminPort) });
  }
  startApp('gateway', {
    ...shared,
    ...own('gateway'),
    PORT: String(port),
    ADMIN_PORT: String(adminPort),
    ...Object.fromEntries(services.map((service) => [`${service.prefix}_URL`, `http://127.0.0.1:${service.port}`])),
  });
  log(`gateway on http://localhost:${port} (try: curl localhost:${port}/readyz); Ctrl-C stops everything`);
  log(`operations (/metrics, detailed /readyz) on 127.0.0.1 ports ${[adminPort, ...services.map((service) => service.adminPort)].join(', ')}`);
}

// startInfra creates the data directory whether or not it starts servers (with REDIS_URL and
// MONGODB_URL set, on a fresh clone, it starts none), so platform.json always has a place to go.
infra = await startInfra({ dataDir, ephemeral: false, log: (line) => log(`infra: ${line}`) });
if (!stopping) startPlatform(infra); // else a signal came meanwhile and stop() is ending the process
