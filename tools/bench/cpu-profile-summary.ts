// The top frames of a V8 CPU profile (`node --cpu-prof`, e.g. from the token-verify bench with
// BENCH_PROFILE_DIR), as a Markdown table: each function's share of the process's busy time (its
// own time, not its callees'), with idle time and start-up (module loading and compiling) left out.
//
//   npx tsx --tsconfig tsconfig.base.json tools/bench/cpu-profile-summary.ts <file.cpuprofile> [top N, default 15]
//
// A second table adds the functions up by what they belong to: a dependency, a Node core module,
// a Warden file, socket and file writes, the garbage collector.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Frames of start-up work: loading, compiling or transpiling modules, reading the contract. */
const STARTUP = /internal\/modules|node_modules\/(tsx|esbuild|yaml)\/|swagger-ui/;

function where(url: string, line: number): string {
  if (!url) return '(native)';
  const local = url.replace(/^file:\/\//, '');
  const dependency = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(local);
  if (dependency) return `${dependency[1]} ${dependency[2]}`;
  if (local.startsWith('node:')) return local;
  return `${local.replace(/^.*?\/(apps|libs|dist)\//, '$1/')}:${line + 1}`;
}

/** What a frame belongs to: a dependency, a Node core module, a Warden file, or a kind of native work. */
function component(name: string, url: string): string {
  if (!url) return /^write/.test(name) ? 'socket and file writes (native)' : name === '(garbage collector)' ? 'garbage collector' : 'other native';
  const dependency = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (dependency) return dependency[1];
  if (url.startsWith('node:')) return url.replace(/^node:(internal\/)?/, 'node:').split('/')[0].replace(/^node:_?(http|stream).*$/, 'node:$1');
  return url.replace(/^file:\/\//, '').replace(/^.*?\/(apps|libs|dist)\//, '$1/');
}

export function summarise(
  profile: Profile,
  top: number,
): { busyMs: number; rows: { share: number; name: string; where: string }[]; components: { share: number; name: string }[] } {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const self = new Map<string, { name: string; where: string; us: number }>();
  const byComponent = new Map<string, number>();
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id) as ProfileNode;
    const us = profile.timeDeltas[i] ?? 0;
    if (node.callFrame.functionName === '(idle)') return;
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      if (STARTUP.test((byId.get(at) as ProfileNode).callFrame.url)) return;
    }
    busy += us;
    const { functionName, url, lineNumber } = node.callFrame;
    const key = `${functionName}|${url}|${lineNumber}`;
    const entry = self.get(key) ?? { name: functionName || '(anonymous)', where: where(url, lineNumber), us: 0 };
    entry.us += us;
    self.set(key, entry);
    const owner = component(functionName, url);
    byComponent.set(owner, (byComponent.get(owner) ?? 0) + us);
  });
  const rows = [...self.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, top)
    .map((entry) => ({ share: entry.us / busy, name: entry.name, where: entry.where }));
  const components = [...byComponent]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, us]) => ({ share: us / busy, name }));
  return { busyMs: busy / 1000, rows, components };
}

if (require.main === module) {
  const [file, topText = '15'] = process.argv.slice(2);
  if (!file) throw new Error('usage: cpu-profile-summary.ts <file.cpuprofile> [top N]');
  const { busyMs, rows, components } = summarise(JSON.parse(readFileSync(file, 'utf8')) as Profile, Number(topText));
  const percent = (share: number) => `${(share * 100).toFixed(1)}%`;
  console.log(`${Math.round(busyMs)} ms busy\n\n| share of busy time | function | where |\n| ---: | --- | --- |`);
  for (const row of rows) console.log(`| ${percent(row.share)} | \`${row.name}\` | ${row.where} |`);
  console.log('\n| share of busy time | component (own time of its functions) |\n| ---: | --- |');
  for (const row of components) console.log(`| ${percent(row.share)} | ${row.name} |`);
}
