// Authenticated `GET /api/v1/apitokens/verify` through the real gateway and token service (real
// Redis and FerretDB), against a bare Express proxy in front of a bare Express app returning a body
// of the same size, measured in the same run on loopback. Every server runs as its own process, as
// in production: the gateway and token service from their bundles in dist/ (built when stale).
// Writes its table to docs/benchmarks.md, under the servers' Node major version.
//
//   npx tsx --tsconfig tsconfig.base.json tools/bench/token-verify.bench.ts
//
// BENCH_NODE=24 runs every server on the pinned Node 24 that `npm test` also uses (BENCH_NODE=<path>:
// that binary); by default the servers run on the Node running the bench.
//
// BENCH_ROUNDS (default 3) rounds of BENCH_DURATION s per path (default 5) after BENCH_WARMUP s
// (default 1); BENCH_CONNECTIONS (default 32). About a minute in all.
//
// BENCH_BEFORE=<git ref> (e.g. a commit before a gateway change) also measures that ref's gateway
// and token service, as one more interleaved path in the same rounds: the ref's tree is extracted
// (`git archive`) into a temporary directory that uses this checkout's node_modules, and its
// gateway and token service run with the same Redis, database, env and token as the current ones
// (each pair speaks its own internal identity). The section then compares the two: throughput,
// latency, gateway, token service and Redis CPU per request, and Redis calls per request (from
// `INFO commandstats`, measured on every path). The earlier ref runs from its sources through tsx
// (its tree may predate the build). About two minutes in all.
//
//   BENCH_BEFORE=e91b91d npx tsx --tsconfig tsconfig.base.json tools/bench/token-verify.bench.ts
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, unlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes, randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import { Redis } from 'ioredis';
import { generateInternalKey, parseInternalKeys } from '@warden/config';
import { ALL_SCOPES, bodyDigest, IdentitySigner, type Identity } from '@warden/http';
// @ts-expect-error: the launcher is plain ESM JavaScript without type declarations
import { freePort, startInfra } from '../infra/launcher.mjs';
import { writeBenchmarkSection } from './benchmarks-doc';
import { appArgs, benchNode, sourceArgs } from './server-process';

const DURATION = Number(process.env.BENCH_DURATION ?? 5);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 1);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
// Keys made for this run, like every key Warden uses: the gateway's for each service, and (for an
// earlier ref that still signs with one shared HMAC key) that key.
const INTERNAL_KEYS = [
  ...['token-service', 'credential-service', 'audit-service'].map((audience) => generateInternalKey('gateway', audience, 'bench-1', randomBytes)),
  // The token service signs the events it publishes (the bench token's creation) as their producer.
  generateInternalKey('token-service', 'audit-service', 'bench-1', randomBytes),
].join(',');
const LEGACY_SIGNING_KEY = randomBytes(32).toString('hex');
const TOKEN_HASH_KEY = randomBytes(32).toString('base64url');
const TOKEN_ENCRYPTION_KEYS = `bench-1:${randomBytes(32).toString('base64')}`;
const VERIFY = '/api/v1/apitokens/verify';
const root = path.join(__dirname, '..', '..');
/** The Node the measured servers run on (BENCH_NODE); set at the start of main. */
let serverNode = process.execPath;

interface Child {
  name: string;
  pid: number;
  url: string;
  stop: () => Promise<void>;
}

/** CPU seconds a process has used so far (Linux /proc; 0 elsewhere). */
function cpuSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/**
 * Starts one server process (`node <args>`, on the bench's Node) with `cwd` `dir` (this checkout, or
 * an earlier ref's tree) on a free port and waits until it answers.
 */
async function startProcess(dir: string, name: string, args: string[], env: Record<string, string>, probe = '/healthz'): Promise<Child> {
  const port = await freePort();
  // BENCH_PROFILE_DIR: write a V8 CPU profile of every server process there, to see where time goes.
  const profile = process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [];
  const child: ChildProcess = spawn(serverNode, [...profile, ...args], {
    cwd: dir,
    env: { ...process.env, TSX_TSCONFIG_PATH: path.join(dir, 'tsconfig.base.json'), PORT: String(port), ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  };
  for (let attempt = 0; attempt < 300; attempt++) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}`);
    try {
      const response = await fetch(`${url}${probe}`);
      await response.arrayBuffer();
      if (response.status < 500) return { name, pid: child.pid as number, url, stop };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  throw new Error(`${name} did not start`);
}

interface Result {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  /** CPU µs per request of each server process that did work on this path. */
  cpu: Record<string, number>;
  /** CPU µs per request of every watched process, idle ones included (for comparing one process across paths). */
  cpuAll: Record<string, number>;
  /** Redis calls per request: script runs (EVALSHA and EVAL, each one round trip) and every command, those inside scripts included. */
  redis: { scripts: number; commands: number };
  /** req/s of each round (only in medians). */
  rounds?: number[];
}

/** Calls per command so far, from `INFO commandstats` (commands a script runs count too). */
async function commandCalls(redis: Redis): Promise<Record<string, number>> {
  const info = await redis.info('commandstats');
  return Object.fromEntries([...info.matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)].map((m) => [m[1], Number(m[2])]));
}

async function load(name: string, url: string, headers: Record<string, string>, watch: { name: string; pid: number }[], redis: Redis): Promise<Result> {
  const run = (duration: number) =>
    autocannon({ url: `${url}${VERIFY}`, headers, connections: CONNECTIONS, pipelining: 1, duration, workers: 1 } as autocannon.Options);
  await run(WARMUP);
  const callsBefore = await commandCalls(redis);
  const before = watch.map((p) => cpuSeconds(p.pid));
  const result = await run(DURATION);
  const requests = Math.max(1, result.requests.total);
  // Idle processes only tick: under 20 µs per request, or (when a loaded machine answers few requests) under 2% of a core.
  const used = watch.map((p, i) => [p.name, cpuSeconds(p.pid) - before[i]] as const);
  const cpuAll = Object.fromEntries(used.map(([name, seconds]) => [name, Math.round((seconds * 1e6) / requests)]));
  const cpu = Object.fromEntries(used.filter(([name, seconds]) => seconds > 0.02 * DURATION && cpuAll[name] > 20).map(([name]) => [name, cpuAll[name]]));
  const callsAfter = await commandCalls(redis);
  // Per command, per request; the two INFO calls of this measurement are left out.
  const calls = Object.fromEntries(
    Object.entries(callsAfter)
      .map(([command, n]) => [command, (n - (callsBefore[command] ?? 0) - (command === 'info' ? 1 : 0)) / requests] as const)
      .filter(([, perRequest]) => perRequest > 0),
  );
  const perRequest = (value: number) => Math.round(value * 100) / 100;
  const out = {
    name,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    cpu,
    cpuAll,
    redis: {
      scripts: perRequest((calls.evalsha ?? 0) + (calls.eval ?? 0)),
      commands: perRequest(Object.values(calls).reduce((sum, n) => sum + n, 0)),
    },
  };
  const byCommand = Object.entries(calls).map(([command, n]) => `${command} ${perRequest(n)}`);
  console.log(
    `${name}: ${Math.round(out.rps)} req/s, p50 ${out.p50} ms, p99 ${out.p99} ms, non-2xx ${out.non2xx}, errors ${out.errors}; CPU µs per request: ${JSON.stringify(cpu)}; ` +
      `Redis calls per request: ${byCommand.join(', ') || 'none'}`,
  );
  return out;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Per process, the median over the rounds that counted it as working; a process counted in half the rounds or fewer is left out. */
function medianCpu(results: Result[]): Record<string, number> {
  const names = [...new Set(results.flatMap((r) => Object.keys(r.cpu)))];
  return Object.fromEntries(
    names
      .map((name) => results.filter((r) => name in r.cpu).map((r) => r.cpu[name]))
      .map((values, i) => [names[i], values] as const)
      .filter(([, values]) => values.length > results.length / 2)
      .map(([name, values]) => [name, median(values)]),
  );
}

/**
 * Rounds interleave the paths so that load from elsewhere on the machine hits all of them alike;
 * each figure is the median over the rounds.
 */
async function measure(paths: [string, string][], auth: Record<string, string>, watch: { name: string; pid: number }[], redis: Redis): Promise<Result[]> {
  const rounds: Result[][] = paths.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < paths.length; i++) {
      const index = (i + round) % paths.length;
      const result = await load(paths[index][0], paths[index][1], auth, watch, redis);
      if (result.non2xx || result.errors) throw new Error(`${result.name}: ${result.non2xx} non-2xx, ${result.errors} errors`);
      rounds[index].push(result);
    }
  }
  return rounds.map((results) => ({
    name: results[0].name,
    rps: median(results.map((r) => r.rps)),
    p50: median(results.map((r) => r.p50)),
    p99: median(results.map((r) => r.p99)),
    non2xx: 0,
    errors: 0,
    cpu: medianCpu(results),
    cpuAll: Object.fromEntries(Object.keys(results[0].cpuAll).map((name) => [name, median(results.map((r) => r.cpuAll[name]))])),
    redis: { scripts: median(results.map((r) => r.redis.scripts)), commands: median(results.map((r) => r.redis.commands)) },
    rounds: results.map((r) => r.rps),
  }));
}

/** The tree of `ref` extracted into a new temporary directory that uses this checkout's node_modules. */
function extractTree(ref: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'warden-bench-before-'));
  try {
    const tarball = execFileSync('git', ['archive', '--format=tar', ref], { cwd: root, maxBuffer: 1 << 30 });
    execFileSync('tar', ['-x', '-C', dir], { input: tarball });
    symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'));
    return dir;
  } catch (error) {
    removeTree(dir);
    throw error;
  }
}

function removeTree(dir: string): void {
  // The node_modules link first, so that nothing can reach through it into this checkout's.
  try {
    unlinkSync(path.join(dir, 'node_modules'));
  } catch {
    // not linked yet
  }
  rmSync(dir, { recursive: true, force: true });
}

const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();

async function main(): Promise<void> {
  const startLoad = os.loadavg()[0].toFixed(1);
  const beforeRef = process.env.BENCH_BEFORE;
  // Fails early on a ref that does not name a commit.
  const beforeCommit = beforeRef ? git('rev-parse', '--short', `${beforeRef}^{commit}`) : undefined;
  serverNode = await benchNode();
  const nodeVersion = execFileSync(serverNode, ['--version'], { encoding: 'utf8' }).trim();
  const heading = `## Token verification on Node ${nodeVersion.slice(1).split('.')[0]}`;
  const infra = await startInfra({ ephemeral: true, log: (line: string) => console.error(`[infra] ${line}`) });
  const redis = new Redis(infra.redisUrl);
  const children: Child[] = [];
  let beforeDir: string | undefined;
  try {
    // Each server is its own process, started as in production: `apps/<app>/src/main.ts` with env.
    // Operations servers on ports of their own choosing (PORT + 1000 could meet another process's port).
    const common = {
      NODE_ENV: 'production',
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
      INTERNAL_KEYS,
      INTERNAL_SIGNING_KEY: LEGACY_SIGNING_KEY,
      REDIS_URL: infra.redisUrl,
      ADMIN_PORT: '0',
    };
    const tokenServiceEnv = { ...common, MONGODB_URL: infra.mongoUrl, MONGODB_DB: `bench_tokens_${Date.now()}`, TOKEN_HASH_KEY, TOKEN_ENCRYPTION_KEYS };
    const tokenService = await startProcess(root, 'token-service', await appArgs('token-service'), tokenServiceEnv);
    children.push(tokenService);
    // The account quota out of the way of the load too (it is still counted on every request). Every
    // gateway gets this env, an earlier ref's too: a gateway ignores variables it does not know.
    const gatewayEnv = { ...common, REQUIRE_HTTPS: 'false', RATE_LIMIT_PER_ACCOUNT: '1000000', RATE_LIMIT_ACCOUNT_WINDOW_SECONDS: '1' };
    const gateway = await startProcess(root, 'gateway', await appArgs('gateway'), { ...gatewayEnv, TOKEN_SERVICE_URL: tokenService.url });
    children.push(gateway);

    // A token whose own limit stays out of the way of the load (the limiter still runs on every request),
    // made as operator tooling makes an account's first token: no token's limits bind it.
    const identity: Identity = { kind: 'service', accountId: randomUUID(), name: 'operator', scopes: [...ALL_SCOPES], clientIp: '127.0.0.1', requestId: randomUUID() };
    const tokenBody = JSON.stringify({ name: 'bench', scopes: ['tokens:read'], rateLimit: { limit: 100_000, windowSeconds: 1 } });
    const created = await fetch(`${tokenService.url}/api/v1/apitokens`, {
      method: 'POST',
      headers: { ...new IdentitySigner('gateway', parseInternalKeys(INTERNAL_KEYS)).sign('token-service', identity, { method: 'POST', url: '/api/v1/apitokens', digest: bodyDigest(tokenBody) }), 'content-type': 'application/json' },
      body: tokenBody,
    });
    const createdBody = (await created.json()) as any;
    if (created.status !== 201) throw new Error(`creating the token: ${created.status} ${JSON.stringify(createdBody)}`);
    const auth = { authorization: `Bearer ${createdBody.data.token as string}` };

    // The body the real path returns, reproduced in size by the bare app.
    const sample = await fetch(`${gateway.url}${VERIFY}`, { headers: auth });
    const sampleBody = await sample.text();
    if (sample.status !== 200) throw new Error(`verify answered ${sample.status}: ${sampleBody}`);
    const size = Buffer.byteLength(sampleBody);
    const filler = JSON.stringify({ success: true, messages: ['ok'], data: { pad: '' } });
    const body = JSON.stringify({ success: true, messages: ['ok'], data: { pad: 'x'.repeat(size - Buffer.byteLength(filler)) } });

    const bareApp = await startProcess(root, 'tools:app', [...sourceArgs(root, 'tools/bench/bare-servers.ts'), 'app'], { BODY: body, VERIFY_UPSTREAM: tokenService.url });
    children.push(bareApp);
    const bareProxy = await startProcess(root, 'tools:proxy', [...sourceArgs(root, 'tools/bench/bare-servers.ts'), 'proxy'], { UPSTREAM: bareApp.url });
    children.push(bareProxy);
    // The gateway alone: the same gateway build in front of the bare app (which relays its one
    // verification to the token service), to separate the gateway's cost from the token service's.
    const gatewayOnly = await startProcess(root, 'gateway:alone', await appArgs('gateway'), { ...gatewayEnv, TOKEN_SERVICE_URL: bareApp.url });
    // Its own name, so that its CPU is never taken for the other gateway's.
    children.push(gatewayOnly);

    const paths: [string, string][] = [
      ['baseline: bare proxy -> bare app', bareProxy.url],
      ['gateway -> token service', gateway.url],
      ['gateway -> bare app', gatewayOnly.url],
    ];
    // BENCH_BEFORE: the earlier ref's gateway and token service, from its own tree, with the same
    // Redis, database, env and token: each gateway speaks its own tree's internal identity.
    const beforeName = `gateway@${beforeRef}`;
    let beforeSize = size;
    if (beforeRef) {
      beforeDir = extractTree(beforeRef);
      const beforeTokens = await startProcess(beforeDir, `token-service@${beforeRef}`, sourceArgs(beforeDir, 'apps/token-service/src/main.ts'), tokenServiceEnv);
      children.push(beforeTokens);
      const before = await startProcess(beforeDir, beforeName, sourceArgs(beforeDir, 'apps/gateway/src/main.ts'), { ...gatewayEnv, TOKEN_SERVICE_URL: beforeTokens.url });
      children.push(before);
      const beforeSample = await fetch(`${before.url}${VERIFY}`, { headers: auth });
      const beforeBody = await beforeSample.text();
      if (beforeSample.status !== 200) throw new Error(`verify through the gateway @${beforeRef} answered ${beforeSample.status}: ${beforeBody}`);
      beforeSize = Buffer.byteLength(beforeBody);
      paths.push([`gateway @${beforeRef} -> token service`, before.url]);
    }
    if (process.env.BENCH_ONLY) {
      // Profiling aid (with BENCH_PROFILE_DIR): load the one path whose name contains BENCH_ONLY, write nothing.
      const only = paths.find(([name]) => name.includes(process.env.BENCH_ONLY as string)) ?? paths[0];
      await load(only[0], only[1], auth, [...children], redis);
      return;
    }
    const watch = [...children, ...Object.entries(infra.pids as Record<string, number>).map(([name, pid]) => ({ name, pid }))];
    const [base, real, alone, old] = await measure(paths, auth, watch, redis);

    // Two replicas behind one port (node:cluster), for the gateway and for the baseline's proxy alike.
    const clusteredProxy = await startProcess(root, 'cluster:proxy', [...sourceArgs(root, 'tools/bench/cluster.ts'), 'tools/bench/bare-servers.ts', '2', 'proxy'], { UPSTREAM: bareApp.url });
    children.push(clusteredProxy);
    const clusteredGateway = await startProcess(root, 'cluster:gateway', [...sourceArgs(root, 'tools/bench/cluster.ts'), (await appArgs('gateway'))[1], '2'], { ...gatewayEnv, TOKEN_SERVICE_URL: tokenService.url });
    children.push(clusteredGateway);
    const [base2, real2] = await measure(
      [
        ['baseline: 2 bare proxies -> bare app', clusteredProxy.url],
        ['2 gateways -> token service', clusteredGateway.url],
      ],
      auth,
      watch,
      redis,
    );
    const names: Record<string, string> = {
      'token-service': 'token service',
      gateway: 'gateway',
      'gateway:alone': 'gateway',
      [beforeName]: `gateway @${beforeRef}`,
      'tools:app': 'bare app',
      'tools:proxy': 'bare proxy',
      redis: 'Redis',
      ferretdb: 'FerretDB',
    };
    const cpuText = (r: Result) =>
      Object.entries(r.cpu)
        .map(([name, us]) => `${names[name] ?? name} ${us}`)
        .join(', ');
    const verdict = (r: Result, against = base) => (r.rps >= 0.8 * against.rps && r.p99 <= 1.3 * against.p99 ? 'met' : 'missed');

    const row = (r: Result, against = base) =>
      `| ${r.name} | ${Math.round(r.rps)} | ${r.p50} | ${r.p99} | ${r === against ? '—' : `${Math.round((r.rps / against.rps) * 100)}%`} | ${r === against ? '—' : `${(r.p99 / against.p99).toFixed(2)}x`} | ${cpuText(r) || '—'} |`;
    const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
    const endLoad = os.loadavg()[0].toFixed(1);
    const reproduce = `${process.env.BENCH_NODE ? `BENCH_NODE=${process.env.BENCH_NODE} ` : ''}${beforeRef ? `BENCH_BEFORE=${beforeRef} ` : ''}npx tsx --tsconfig tsconfig.base.json tools/bench/token-verify.bench.ts`;
    const section = [
      heading,
      '',
      `Authenticated \`GET /api/v1/apitokens/verify\` (${size}-byte body), ${CONNECTIONS} connections; medians of ${ROUNDS} interleaved rounds of`,
      `${DURATION} s per path, each after a ${WARMUP} s warm-up;`,
      `autocannon in a worker thread of the bench process; every server its own Node ${nodeVersion} process, Warden's apps from their`,
      `production bundles (\`dist/apps/<app>/main.js\`), the bare servers through tsx; ${os.cpus().length} × ${cpu}; loopback;`,
      `real Redis and FerretDB (${process.env.WARDEN_EMBEDDED_STORE === 'sqlite' ? 'SQLite' : 'PostgreSQL'} backend) started by the infra launcher.`,
      "The gateway authenticates from its verification cache, runs one Redis script (version check, the token's quota and its",
      "account's quota, each a bucketed sliding window, and last use) and proxies with a signed identity; both Warden processes",
      'log every request at `info`.',
      '',
      '| path | req/s | p50 ms | p99 ms | throughput vs baseline | p99 vs baseline | CPU µs per request, by process |',
      '| --- | ---: | ---: | ---: | ---: | ---: | --- |',
      row(base),
      row(real),
      row(alone),
      ...(old ? [row(old)] : []),
      '',
      'Target: at least 80% of the baseline throughput and a p99 at most 1.3x. "gateway -> bare app" is the same gateway',
      "in front of the baseline's bare app: the gateway's own cost (auth, the Redis script, signing, logging, proxying)",
      "without the token service's handler.",
      `Through the token service: target ${verdict(real)}. Gateway alone: target ${verdict(alone)}.`,
      ...(old && beforeRef && beforeCommit ? beforeAfter(real, old, { ref: beforeRef, commit: beforeCommit, name: beforeName, size: beforeSize, currentSize: size }) : []),
      '',
      '### Two replicas behind one port',
      '',
      'The same measurement with two replicas of the gateway, and of the bare proxy, sharing one port through `node:cluster`',
      '(CPU per process is not split across cluster workers). On a 2-core machine the load generator, Redis, FerretDB and the',
      'token service compete with the replicas for the same cores, so this shows the cost of a second replica more than a gain.',
      '',
      '| path | req/s | p50 ms | p99 ms | throughput vs baseline | p99 vs baseline | CPU µs per request, by process |',
      '| --- | ---: | ---: | ---: | ---: | ---: | --- |',
      row(base2, base2),
      row(real2, base2),
      '',
      `Two replicas: target ${verdict(real2, base2)}; against one bare proxy: ${Math.round((real2.rps / base.rps) * 100)}% of its throughput.`,
      `Load average when the run started: ${startLoad}, when it ended: ${endLoad} (${os.cpus().length} cores); CPU per request is the steadier`,
      'figure on a shared machine.',
      ...(Math.max(Number(startLoad), Number(endLoad)) > os.cpus().length
        ? [
            'The load average was above the number of cores: other work on the machine held much of the CPU during the run, so',
            'req/s and latency measure that contention as much as Warden; compare CPU per request and Redis calls first.',
          ]
        : []),
      '',
      `Reproduce: \`${reproduce}\``,
      '',
      '',
    ].join('\n');
    writeBenchmarkSection(heading, section);
    console.log(`\n${section}`);
  } finally {
    try {
      for (const child of children.reverse()) await child.stop();
      redis.disconnect();
      await infra.stop();
    } finally {
      if (beforeDir) removeTree(beforeDir);
    }
  }
}

/** "Before and after, same run": this checkout's gateway and token service against the earlier ref's, with the same Redis and database. */
function beforeAfter(now: Result, then: Result, before: { ref: string; commit: string; name: string; size: number; currentSize: number }): string[] {
  const head = git('rev-parse', '--short', 'HEAD');
  const dirty = git('status', '--porcelain', '--', 'apps', 'libs') !== '';
  const current = `this checkout (\`${head}\`${dirty ? ', with uncommitted changes under apps/ or libs/' : ''})`;
  const label = `\`${before.ref}\``;
  const named = before.commit.startsWith(before.ref) || before.ref.startsWith(before.commit) ? label : `${label} (\`${before.commit}\`)`;
  const percent = (value: number) => `${Math.round(value * 100)}%`;
  const times = (a: number, b: number) => (a > 0 && b > 0 ? `${(a / b).toFixed(2)}x` : '—');
  const compare = (a: number, b: number) => `${a} µs against ${b} (${a - b >= 0 ? '+' : '−'}${Math.abs(a - b)})`;
  // Every watched process's figure, however little it used: the gateway and Redis are compared whatever the load.
  const gatewayCpu = (r: Result, name: string) => r.cpuAll[name] ?? 0;
  const redisCpu = (r: Result) => r.cpuAll.redis ?? 0;
  const tokenCpu = (r: Result, name: string) => r.cpuAll[name] ?? 0;
  const beforeTokens = `token-service@${before.ref}`;
  // What a proxied request costs the two Warden processes on its path: where the internal identity is minted and checked.
  const wardenCpu = (r: Result, gatewayName: string, tokenName: string) => gatewayCpu(r, gatewayName) + tokenCpu(r, tokenName);
  const rounds = (r: Result) => (r.rounds ?? []).map((rps) => Math.round(rps)).join(', ');
  const line = (name: string, r: Result, gatewayName: string, tokenName: string) =>
    `| ${name} | ${Math.round(r.rps)} | ${r.p50} | ${r.p99} | ${gatewayCpu(r, gatewayName)} | ${tokenCpu(r, tokenName)} | ${redisCpu(r)} | ${r.redis.scripts.toFixed(2)} | ${r.redis.commands.toFixed(2)} |`;
  const throughput = now.rps / then.rps;
  const speed =
    `${percent(throughput)} of the requests per second of the gateway of ${label}` + (throughput >= 1 ? '' : ` (${percent(1 - throughput)} fewer)`);
  return [
    '',
    '### Before and after, same run',
    '',
    `The gateway and token service of ${named}, run from their own tree (\`git archive\`) with this checkout's node_modules, are one`,
    'more path in the same interleaved rounds, with the same Redis, database, env and token. Redis calls are counted',
    'from `INFO commandstats` over each measured run, divided by the requests answered: a script call (EVALSHA, or EVAL when',
    'Redis does not hold the script yet) is one round trip; the commands count also holds those the script runs inside Redis',
    "(and the token service's few background commands), so it measures the script's work, not round trips. Requests still in",
    'flight when a run ends are not counted as answered, so both figures read a little above their exact value.',
    '',
    '| gateway -> token service | req/s | p50 ms | p99 ms | gateway CPU µs per request | token service CPU µs per request | Redis CPU µs per request | Redis script calls per request | Redis commands per request |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    line(current, now, 'gateway', 'token-service'),
    line(label, then, before.name, beforeTokens),
    `| ratio, now / before | ${percent(throughput)} | ${times(now.p50, then.p50)} | ${times(now.p99, then.p99)} | ${times(gatewayCpu(now, 'gateway'), gatewayCpu(then, before.name))} | ${times(tokenCpu(now, 'token-service'), tokenCpu(then, beforeTokens))} | ${times(redisCpu(now), redisCpu(then))} | ${times(now.redis.scripts, then.redis.scripts)} | ${times(now.redis.commands, then.redis.commands)} |`,
    '',
    `This checkout's gateway serves ${speed}, with a p99 of ${now.p99} ms against ${then.p99} ms.`,
    `Per request: gateway CPU ${compare(gatewayCpu(now, 'gateway'), gatewayCpu(then, before.name))}; token service CPU ${compare(tokenCpu(now, 'token-service'), tokenCpu(then, beforeTokens))};`,
    `both Warden processes together ${compare(wardenCpu(now, 'gateway', 'token-service'), wardenCpu(then, before.name, beforeTokens))}; Redis CPU ${compare(redisCpu(now), redisCpu(then))};`,
    `Redis script calls ${now.redis.scripts.toFixed(2)} against ${then.redis.scripts.toFixed(2)}; Redis commands ${now.redis.commands.toFixed(2)} against ${then.redis.commands.toFixed(2)}.`,
    `Requests per second of each round: ${rounds(now)} now; ${rounds(then)} at ${label}.`,
    ...(before.size !== before.currentSize ? [`The body through the gateway of ${label} is ${before.size} bytes (${before.currentSize} now).`] : []),
  ];
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
