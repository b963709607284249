#!/usr/bin/env node
// `npm start`: installs what is missing, provisions Redis and MongoDB (or uses REDIS_URL and
// MONGODB_URL), starts the three services and the gateway as separate processes, and stops
// everything on Ctrl-C / SIGTERM. Dependency-free until the install has happened.
import { spawn, spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDependencies } from './ensure-deps.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const log = (line) => process.stderr.write(`[warden] ${line}\n`);

ensureDependencies(log);
// The web console the gateway serves at /console: built when missing or older than its sources.
const consoleBuild = spawnSync(process.execPath, [path.join(root, 'apps', 'console', 'build.mjs'), '--if-stale'], { cwd: root, stdio: 'inherit' });
if (consoleBuild.status !== 0) log('the web console did not build; /console answers 503 until `npm run console:build` succeeds');
const { startInfra } = await import('../infra/launcher.mjs');

const infra = await startInfra({ dataDir: path.join(root, '.data'), ephemeral: false, log: (line) => log(`infra: ${line}`) });
// The operator CLI (`npm run warden`) reads this to reach the running platform.
const platformFile = path.join(root, '.data', 'platform.json');
writeFileSync(platformFile, `${JSON.stringify({ redisUrl: infra.redisUrl, mongoUrl: infra.mongoUrl }, null, 2)}\n`);
const port = Number(process.env.PORT ?? 8080);
const servicePorts = { 'token-service': 3001, 'credential-service': 3002, 'audit-service': 3003 };
const baseEnv = { ...process.env, REDIS_URL: infra.redisUrl, MONGODB_URL: infra.mongoUrl, TSX_TSCONFIG_PATH: path.join(root, 'tsconfig.base.json') };

const children = [];
function startApp(name, env) {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'apps', name, 'src', 'main.ts')], {
    cwd: root,
    env: { ...baseEnv, ...env },
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

let stopping = false;
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
  await infra.stop();
  process.exit(exitCode);
}
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());

for (const [name, servicePort] of Object.entries(servicePorts)) {
  startApp(name, { PORT: String(process.env[`${name.toUpperCase().replace('-', '_')}_PORT`] ?? servicePort) });
}
startApp('gateway', {
  PORT: String(port),
  TOKEN_SERVICE_URL: `http://127.0.0.1:${servicePorts['token-service']}`,
  CREDENTIAL_SERVICE_URL: `http://127.0.0.1:${servicePorts['credential-service']}`,
  AUDIT_SERVICE_URL: `http://127.0.0.1:${servicePorts['audit-service']}`,
});
log(`gateway on http://localhost:${port} (try: curl localhost:${port}/healthz); Ctrl-C stops everything`);
