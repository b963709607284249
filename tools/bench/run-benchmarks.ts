// `npm run bench`: every benchmark, one process each so that none inherits another's warm state,
// in order of how long they take. Each writes its own section of docs/benchmarks.md. The token path
// is measured twice: on the Node running this script and on the pinned Node 24 of the image.
//
//   npm run bench                      # all of them (the audit history fills 1,000,000 records: about an hour)
//   npm run bench -- token-verify      # only the one of that name (or, when none is, those whose name contains it)
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.join(__dirname, '..', '..');

const BENCHMARKS: { name: string; file: string; env?: Record<string, string> }[] = [
  { name: 'internal-identity', file: 'internal-identity.bench.ts' },
  { name: 'token-verify', file: 'token-verify.bench.ts' },
  { name: 'token-verify-node24', file: 'token-verify.bench.ts', env: { BENCH_NODE: '24' } },
  { name: 'audit-throughput', file: 'audit-throughput.bench.ts' },
  { name: 'audit-history', file: 'audit-history.bench.ts' },
];

const wanted = process.argv.slice(2);
const picks = (word: string) => {
  const exact = BENCHMARKS.filter((bench) => bench.name === word);
  return exact.length > 0 ? exact : BENCHMARKS.filter((bench) => bench.name.includes(word));
};
const chosen = wanted.length === 0 ? BENCHMARKS : BENCHMARKS.filter((bench) => wanted.some((word) => picks(word).includes(bench)));
if (chosen.length === 0) {
  console.error(`no benchmark matches ${wanted.join(', ')}; there are: ${BENCHMARKS.map((bench) => bench.name).join(', ')}`);
  process.exit(2);
}
for (const bench of chosen) {
  console.error(`\n[bench] ${bench.name}`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, bench.file)], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, TSX_TSCONFIG_PATH: path.join(root, 'tsconfig.base.json'), ...bench.env },
  });
  if (run.status !== 0) {
    console.error(`[bench] ${bench.name} failed (${run.signal ?? run.status})`);
    process.exit(1);
  }
}
