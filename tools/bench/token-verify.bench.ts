// Authenticated `GET /api/v1/apitokens/verify` through the real gateway and token service (real
// Redis and FerretDB), against a bare Express proxy in front of a bare Express app returning a body
// of the same size, measured in the same run on loopback. Every server runs as its own process, as
// in production. Writes its table to docs/benchmarks.md.
//
//   npx tsx --tsconfig tsconfig.base.json tools/bench/token-verify.bench.ts
//
// BENCH_ROUNDS (default 3) rounds of BENCH_DURATION s per path (default 5) after BENCH_WARMUP s
// (default 1); BENCH_CONNECTIONS (default 32). About a minute in all.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import autocannon from 'autocannon';
import { ALL_SCOPES, signIdentity, type Identity } from '@warden/http';
// @ts-expect-error: the launcher is plain ESM JavaScript without type declarations
import { freePort, startInfra } from '../infra/launcher.mjs';
import { writeBenchmarkSection } from './benchmarks-doc';

const DURATION = Number(process.env.BENCH_DURATION ?? 5);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 1);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const SIGNING_KEY = 'bench-signing-key-0123456789abcdef012345';
const TOKEN_HASH_KEY = 'bench-token-hash-key-0123456789abcdef0123';
const VERIFY = '/api/v1/apitokens/verify';
const root = path.join(__dirname, '..', '..');

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

/** Starts one server process (`node --import tsx <file>`) on a free port and waits until it answers. */
async function startProcess(file: string, args: string[], env: Record<string, string>, probe = '/healthz'): Promise<Child> {
  const port = await freePort();
  // BENCH_PROFILE_DIR: write a V8 CPU profile of every server process there, to see where time goes.
  const profile = process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [];
  const child: ChildProcess = spawn(process.execPath, [...profile, '--import', 'tsx', path.join(root, file), ...args], {
    cwd: root,
    env: { ...process.env, TSX_TSCONFIG_PATH: path.join(root, 'tsconfig.base.json'), PORT: String(port), ...env },
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
    if (child.exitCode !== null) throw new Error(`${file} exited with ${child.exitCode}`);
    try {
      const response = await fetch(`${url}${probe}`);
      await response.arrayBuffer();
      if (response.status < 500) return { name: path.basename(path.dirname(path.dirname(file))) + (args[0] ? `:${args[0]}` : ''), pid: child.pid as number, url, stop };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  throw new Error(`${file} did not start`);
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
}

async function load(name: string, url: string, headers: Record<string, string>, watch: { name: string; pid: number }[]): Promise<Result> {
  const run = (duration: number) =>
    autocannon({ url: `${url}${VERIFY}`, headers, connections: CONNECTIONS, pipelining: 1, duration, workers: 1 } as autocannon.Options);
  await run(WARMUP);
  const before = watch.map((p) => cpuSeconds(p.pid));
  const result = await run(DURATION);
  const cpu = Object.fromEntries(
    watch
      .map((p, i) => [p.name, Math.round(((cpuSeconds(p.pid) - before[i]) * 1e6) / Math.max(1, result.requests.total))] as const)
      .filter(([, perRequest]) => perRequest > 20), // idle processes only tick
  );
  const out = {
    name,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    cpu,
  };
  console.log(`${name}: ${Math.round(out.rps)} req/s, p50 ${out.p50} ms, p99 ${out.p99} ms, non-2xx ${out.non2xx}, errors ${out.errors}; CPU µs per request: ${JSON.stringify(cpu)}`);
  return out;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * Rounds interleave the paths so that load from elsewhere on the machine hits all of them alike;
 * each figure is the median over the rounds.
 */
async function measure(paths: [string, string][], auth: Record<string, string>, watch: { name: string; pid: number }[]): Promise<Result[]> {
  const rounds: Result[][] = paths.map(() => []);
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < paths.length; i++) {
      const index = (i + round) % paths.length;
      const result = await load(paths[index][0], paths[index][1], auth, watch);
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
    cpu: Object.fromEntries(Object.keys(results[0].cpu).map((name) => [name, median(results.map((r) => r.cpu[name] ?? 0))])),
  }));
}

async function main(): Promise<void> {
  const startLoad = os.loadavg()[0].toFixed(1);
  const infra = await startInfra({ ephemeral: true, log: (line: string) => console.error(`[infra] ${line}`) });
  const children: Child[] = [];
  try {
    // Each server is its own process, started as in production: `apps/<app>/src/main.ts` with env.
    const common = { NODE_ENV: 'production', LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info', INTERNAL_SIGNING_KEY: SIGNING_KEY, REDIS_URL: infra.redisUrl };
    const tokenService = await startProcess('apps/token-service/src/main.ts', [], {
      ...common,
      MONGODB_URL: infra.mongoUrl,
      MONGODB_DB: `bench_tokens_${Date.now()}`,
      TOKEN_HASH_KEY,
    });
    children.push(tokenService);
    // The account quota out of the way of the load too (it is still counted on every request).
    const gatewayEnv = { ...common, REQUIRE_HTTPS: 'false', RATE_LIMIT_PER_ACCOUNT: '1000000', RATE_LIMIT_ACCOUNT_WINDOW_SECONDS: '1' };
    const gateway = await startProcess('apps/gateway/src/main.ts', [], { ...gatewayEnv, TOKEN_SERVICE_URL: tokenService.url });
    children.push(gateway);

    // A token whose own limit stays out of the way of the load (the limiter still runs on every request),
    // made as operator tooling makes an account's first token: no token's limits bind it.
    const identity: Identity = { kind: 'service', accountId: randomUUID(), name: 'operator', scopes: [...ALL_SCOPES], clientIp: '127.0.0.1', requestId: randomUUID() };
    const created = await fetch(`${tokenService.url}/api/v1/apitokens`, {
      method: 'POST',
      headers: { ...signIdentity(identity, SIGNING_KEY, { method: 'POST', url: '/api/v1/apitokens' }), 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'bench', scopes: ['tokens:read'], rateLimit: { limit: 100_000, windowSeconds: 1 } }),
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

    const bareApp = await startProcess('tools/bench/bare-servers.ts', ['app'], { BODY: body, VERIFY_UPSTREAM: tokenService.url });
    children.push(bareApp);
    const bareProxy = await startProcess('tools/bench/bare-servers.ts', ['proxy'], { UPSTREAM: bareApp.url });
    children.push(bareProxy);
    // The gateway alone: the same gateway build in front of the bare app (which relays its one
    // verification to the token service), to separate the gateway's cost from the token service's.
    const gatewayOnly = await startProcess('apps/gateway/src/main.ts', [], { ...gatewayEnv, TOKEN_SERVICE_URL: bareApp.url });
    children.push(gatewayOnly);

    const paths: [string, string][] = [
      ['baseline: bare proxy -> bare app', bareProxy.url],
      ['gateway -> token service', gateway.url],
      ['gateway -> bare app', gatewayOnly.url],
    ];
    if (process.env.BENCH_ONLY) {
      // Profiling aid (with BENCH_PROFILE_DIR): load the one path whose name contains BENCH_ONLY, write nothing.
      const only = paths.find(([name]) => name.includes(process.env.BENCH_ONLY as string)) ?? paths[0];
      await load(only[0], only[1], auth, [...children]);
      return;
    }
    const watch = [...children, ...Object.entries(infra.pids as Record<string, number>).map(([name, pid]) => ({ name, pid }))];
    const [base, real, alone] = await measure(paths, auth, watch);

    // Two replicas behind one port (node:cluster), for the gateway and for the baseline's proxy alike.
    const clusteredProxy = await startProcess('tools/bench/cluster.ts', ['tools/bench/bare-servers.ts', '2', 'proxy'], { UPSTREAM: bareApp.url });
    children.push(clusteredProxy);
    const clusteredGateway = await startProcess('tools/bench/cluster.ts', ['apps/gateway/src/main.ts', '2'], { ...common, TOKEN_SERVICE_URL: tokenService.url, REQUIRE_HTTPS: 'false' });
    children.push(clusteredGateway);
    const [base2, real2] = await measure(
      [
        ['baseline: 2 bare proxies -> bare app', clusteredProxy.url],
        ['2 gateways -> token service', clusteredGateway.url],
      ],
      auth,
      watch,
    );
    const names: Record<string, string> = { 'token-service': 'token service', gateway: 'gateway', 'tools:app': 'bare app', 'tools:proxy': 'bare proxy', redis: 'Redis', ferretdb: 'FerretDB' };
    const cpuText = (r: Result) =>
      Object.entries(r.cpu)
        .map(([name, us]) => `${names[name] ?? name} ${us}`)
        .join(', ');
    const verdict = (r: Result, against = base) => (r.rps >= 0.8 * against.rps && r.p99 <= 1.3 * against.p99 ? 'met' : 'missed');

    const row = (r: Result, against = base) =>
      `| ${r.name} | ${Math.round(r.rps)} | ${r.p50} | ${r.p99} | ${r === against ? '—' : `${Math.round((r.rps / against.rps) * 100)}%`} | ${r === against ? '—' : `${(r.p99 / against.p99).toFixed(2)}x`} | ${cpuText(r) || '—'} |`;
    const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
    const section = [
      '## Token verification',
      '',
      `Authenticated \`GET /api/v1/apitokens/verify\` (${size}-byte body), ${CONNECTIONS} connections; medians of ${ROUNDS} interleaved rounds of`,
      `${DURATION} s per path, each after a ${WARMUP} s warm-up;`,
      `autocannon in a worker thread of the bench process; every server its own Node ${process.version} process; ${os.cpus().length} × ${cpu}; loopback;`,
      'real Redis and FerretDB (SQLite backend) started by the infra launcher.',
      'The gateway authenticates from its verification cache, runs the one Redis script (version check, sliding-log rate limit,',
      'last use) and proxies with a signed identity; both Warden processes log every request at `info`.',
      '',
      '| path | req/s | p50 ms | p99 ms | throughput vs baseline | p99 vs baseline | CPU µs per request, by process |',
      '| --- | ---: | ---: | ---: | ---: | ---: | --- |',
      row(base),
      row(real),
      row(alone),
      '',
      'Target: at least 80% of the baseline throughput and a p99 at most 1.3x. "gateway -> bare app" is the same gateway',
      "in front of the baseline's bare app: the gateway's own cost (auth, the Redis script, signing, logging, proxying)",
      "without the token service's handler.",
      `Through the token service: target ${verdict(real)}. Gateway alone: target ${verdict(alone)}.`,
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
      `Load average when the run started: ${startLoad} (${os.cpus().length} cores); CPU per request is the steadier figure on a shared machine.`,
      '',
      'Reproduce: `npx tsx --tsconfig tsconfig.base.json tools/bench/token-verify.bench.ts`',
      '',
    ].join('\n');
    writeBenchmarkSection('## Token verification', section);
    console.log(`\n${section}`);
  } finally {
    for (const child of children.reverse()) await child.stop();
    await infra.stop();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
