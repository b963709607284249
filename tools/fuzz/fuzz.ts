// `npm run fuzz`: the contract fuzzer at full budget against the real platform in this process, on
// Redis and a MongoDB-compatible server of its own (or REDIS_URL/MONGODB_URL when set).
//
//   npm run fuzz                                   every operation, 2000 runs each, a random seed
//   npm run fuzz -- --runs 5000 --seed 42          a bigger budget, a chosen seed
//   npm run fuzz -- --operation createCredential --seed N --path P    replay one failure
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
// @ts-expect-error: the launcher is plain ESM JavaScript without type declarations
import { startInfra } from '../infra/launcher.mjs';
import { ContractFuzzer, formatReport } from './contract-fuzz';
import { startFuzzTarget } from './fuzz-target';

async function main(): Promise<number> {
  const options = new Command('fuzz')
    .description('Property-based fuzzing of every operation of the OpenAPI contract through the real gateway')
    .option('--runs <n>', 'runs per operation', (v) => Number.parseInt(v, 10), 2_000)
    .option('--seed <n>', 'the seed (printed on every run)', (v) => Number.parseInt(v, 10))
    .option('--path <p>', "fast-check's replay path of a failure (use with --seed and --operation)")
    .option('--operation <operationId...>', 'only these operations')
    .parse()
    .opts<{ runs: number; seed?: number; path?: string; operation?: string[] }>();
  const seed = options.seed ?? (Date.now() ^ Math.floor(Math.random() * 0x7fffffff)) | 0;

  const logDir = join(process.cwd(), 'tmp');
  mkdirSync(logDir, { recursive: true });
  process.env.NODE_ENV = 'test';
  process.env.WARDEN_TEST_LOG_FILE ??= join(logDir, `fuzz-${process.pid}.log.ndjson`);
  const infra = await startInfra({ ephemeral: true, log: (line: string) => process.stderr.write(`[infra] ${line}\n`) });
  process.env.REDIS_URL = infra.redisUrl;
  process.env.MONGODB_URL = infra.mongoUrl;

  console.log(`contract fuzz: seed ${seed}, ${options.runs} runs per operation${options.path ? `, replaying path ${options.path}` : ''}`);
  const target = await startFuzzTarget();
  try {
    const fuzzer = new ContractFuzzer(target);
    const report = await fuzzer.run({
      runs: options.runs,
      seed,
      path: options.path,
      operations: options.operation,
      log: (line) => console.log(line),
    });
    console.log(`\n${formatReport(report)}`);
    console.log(`\nservice logs: ${process.env.WARDEN_TEST_LOG_FILE}`);
    return report.failed ? 1 : 0;
  } finally {
    await target.close();
    await infra.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(2);
  },
);
