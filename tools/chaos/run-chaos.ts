// `npm run chaos [-- --profile slim --seed 42 --runs 3 --no-pin --keep]`: the chaos run of
// docs/reliability.md. Prints a summary table per run; exits 1 if any run found a violation.
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { PROFILES, runChaos, type MongoProvision } from './chaos-runner';
import type { ServiceKind } from './platform';
import { formatSummary } from './summary';

const root = join(__dirname, '..', '..');

/** MONGODB_URL when set (e.g. a real MongoDB), else a FerretDB the infra launcher starts for this run. */
async function provideMongo(redisUrl: string): Promise<MongoProvision> {
  if (process.env.MONGODB_URL) return { url: process.env.MONGODB_URL, pids: [], ports: [], stop: async () => undefined };
  // @ts-expect-error: the launcher is plain ESM JavaScript without type declarations
  const { startInfra } = await import('../infra/launcher.mjs');
  // With REDIS_URL set the launcher provides only the database: Redis is the run's own.
  const saved = process.env.REDIS_URL;
  process.env.REDIS_URL = redisUrl;
  try {
    const infra = await startInfra({ ephemeral: true, log: (line: string) => process.stderr.write(`[infra] ${line}\n`) });
    return { url: infra.mongoUrl, pids: Object.values(infra.pids as Record<string, number>), ports: [Number(new URL(infra.mongoUrl).port)], stop: infra.stop };
  } finally {
    if (saved === undefined) delete process.env.REDIS_URL;
    else process.env.REDIS_URL = saved;
  }
}

async function main(): Promise<number> {
  const program = new Command()
    .name('chaos')
    .description('Run the platform as separate processes under faults and check the recorded history')
    .addOption(new Option('--profile <name>', 'workload and fault profile').choices(Object.keys(PROFILES)).default('full'))
    .option('--seed <n>', 'seed of the first run (later runs add 1)', (value) => Number.parseInt(value, 10))
    .option('--runs <n>', 'consecutive runs; all must pass', (value) => Number.parseInt(value, 10), 1)
    .option('--no-pin', "send each account's writes through any gateway (any replica), even on FerretDB")
    .option('--env <kind.NAME=value...>', 'a service setting for the run, e.g. token-service.LAST_USED_FLUSH_MS=60000', (value, all: string[] = []) => [...all, value])
    .option('--keep', 'keep the run directory (logs, history) and databases after a passing run')
    .parse();
  const options = program.opts<{ profile: 'full' | 'slim'; seed?: number; runs: number; pin: boolean; keep?: boolean; env?: string[] }>();
  const profile = structuredClone(PROFILES[options.profile]);
  for (const setting of options.env ?? []) {
    const match = /^(gateway|token-service|credential-service|audit-service)\.([A-Z0-9_]+)=(.*)$/.exec(setting);
    if (!match) throw new Error(`--env ${setting}: expected <service>.<NAME>=<value>`);
    const [, kind, name, value] = match as unknown as [string, ServiceKind, string, string];
    profile.env[kind] = { ...profile.env[kind], [name]: value };
  }
  let failed = 0;
  for (let run = 1; run <= options.runs; run++) {
    const result = await runChaos({
      profile,
      seed: options.seed === undefined ? undefined : options.seed + run - 1,
      pinWrites: options.pin ? 'auto' : false,
      mongo: provideMongo,
      root,
      keep: options.keep,
    });
    console.log(`\nChaos run ${run} of ${options.runs}\n${formatSummary(result)}\n`);
    if (!result.passed) {
      failed += 1;
      console.log(`Run files: ${result.runDir}`);
    }
  }
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(2);
  },
);
