// How the benchmarks run the servers they measure: Warden's apps as production runs them (their
// bundles from dist/, built when stale), on the Node that BENCH_NODE names.
import path from 'node:path';
import { buildApps, distEntry, type App } from '../build/build-apps.mjs';
// @ts-expect-error: plain ESM JavaScript without type declarations
import { ensureNode24 } from '../infra/node-runtime.mjs';

const root = path.join(__dirname, '..', '..');

/**
 * The Node binary the measured servers run on: BENCH_NODE=24 for the pinned Node 24 that `npm test`
 * also runs on (the image's runtime), a path for any other, or (unset) the Node running the bench.
 */
export async function benchNode(): Promise<string> {
  const wanted = process.env.BENCH_NODE;
  if (!wanted) return process.execPath;
  if (wanted !== '24') return wanted;
  const node: string | null = await ensureNode24({ log: (line: string) => console.error(`[bench] ${line}`) });
  if (!node) throw new Error('BENCH_NODE=24: the pinned Node 24 is not available here (see the line above)');
  return node;
}

/** Node arguments that run `app` as the image does: its bundle, rebuilt first when older than its sources. */
export async function appArgs(app: App): Promise<string[]> {
  await buildApps({ apps: [app], ifStale: true, log: (line: string) => console.error(`[bench] ${line}`) });
  return ['--enable-source-maps', distEntry(app)];
}

/** Node arguments that run a TypeScript entry point of `dir` (a bench tool, or an earlier ref's sources) through tsx. */
export function sourceArgs(dir: string, file: string): string[] {
  return ['--import', 'tsx', path.join(dir, file)];
}

export { root as benchRoot };
