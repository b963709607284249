import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const README = join(__dirname, '..', '..', '..', '..', 'README.md');

/** One `## ` section of the README, heading included: tests run the examples users read. */
export function readmeSection(heading: string): string {
  const text = readFileSync(README, 'utf8');
  const start = text.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`README.md has no section '## ${heading}'`);
  const end = text.indexOf('\n## ', start + 1);
  return text.slice(start + 1, end < 0 ? undefined : end + 1);
}

/** One runnable example of a README section: a ```sh block, its test directives and the output it documents. */
export interface ReadmeExample {
  script: string;
  /** `<!-- test: expect 201; export ID=data.id; wait-audit -->` before the block: each directive's text after its name ('' for a bare one). */
  directives: Record<string, string>;
  /** The ```json or ```text block right after it: what it prints. */
  sample?: { language: string; body: string };
}

/** Every ```sh block of `markdown`, in order, with its directives and documented output. */
export function readmeExamples(markdown: string): ReadmeExample[] {
  const found: ReadmeExample[] = [];
  for (const [, directives = '', language, body] of markdown.matchAll(/(?:<!--\s*test:([^>]*)-->\s*)?```(sh|json|text)\n([\s\S]*?)```/g)) {
    if (language !== 'sh') {
      const last = found.at(-1);
      if (last && !last.sample) last.sample = { language, body };
      continue;
    }
    const parsed = directives
      .split(';')
      .map((directive) => directive.trim())
      .filter(Boolean)
      .map((directive) => /^(\S+)\s*(.*)$/.exec(directive)?.slice(1, 3) as [string, string]);
    found.push({ script: body, directives: Object.fromEntries(parsed) });
  }
  return found;
}

/** The successive JSON values of one output (a block may run several commands). */
export function jsonValues(output: string): unknown[] {
  const values: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < output.length; i++) {
    const c = output[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') {
      if (depth++ === 0) start = i;
    } else if ((c === '}' || c === ']') && --depth === 0) values.push(JSON.parse(output.slice(start, i + 1)));
  }
  return values;
}

/** Where a real response lacks the documented one's shape: the same fields, recursively (arrays by their first item). Empty: none. */
export function shapeDifferences(actual: unknown, sample: unknown, path = '$'): string[] {
  if (sample === null || typeof sample !== 'object') return [];
  if (Array.isArray(sample) !== Array.isArray(actual)) return [`${path}: ${Array.isArray(sample) ? 'an array' : 'an object'} is documented`];
  if (Array.isArray(sample)) {
    if (sample.length === 0 || typeof sample[0] !== 'object') return [];
    const items = actual as unknown[];
    return items.length === 0 ? [`${path}: empty, an item is documented`] : shapeDifferences(items[0], sample[0], `${path}[0]`);
  }
  const fields = (value: unknown) => Object.keys((value ?? {}) as object).sort();
  const documented = fields(sample);
  if (JSON.stringify(fields(actual)) !== JSON.stringify(documented)) return [`${path}: fields ${fields(actual).join(',')}, documented ${documented.join(',')}`];
  return documented.flatMap((key) => shapeDifferences((actual as Record<string, unknown>)[key], (sample as Record<string, unknown>)[key], `${path}.${key}`));
}
