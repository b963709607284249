import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..');
const INTRO =
  '# Benchmarks\n\nEach benchmark lives in `tools/bench`, runs on loopback for a bounded time, and compares Warden with a\nbaseline measured in the same run on the same machine. Figures vary between machines; the ratios are what matter.\n';

/** Replaces the section under `heading` in docs/benchmarks.md with `section` (which starts with that heading), or appends it. */
export function writeBenchmarkSection(heading: string, section: string): void {
  const file = path.join(root, 'docs', 'benchmarks.md');
  mkdirSync(path.dirname(file), { recursive: true });
  let text = existsSync(file) ? readFileSync(file, 'utf8') : INTRO;
  // One blank line between sections, however the section ends.
  section = `${section.trimEnd()}\n\n`;
  const start = text.indexOf(heading);
  if (start >= 0) {
    const next = text.indexOf('\n## ', start + heading.length);
    text = text.slice(0, start) + section + (next >= 0 ? text.slice(next + 1) : '');
  } else {
    text = `${text.trimEnd()}\n\n${section}`;
  }
  writeFileSync(file, text.endsWith('\n') ? text : `${text}\n`);
}

/** Runs a benchmark's main: a failure is printed and ends the process with exit code 1. */
export function runBench(main: () => Promise<void>): void {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
