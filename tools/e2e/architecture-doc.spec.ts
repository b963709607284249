// docs/architecture.md describes the Nx project graph and names the files that do the work. These
// checks read the graph the way `npx nx graph` draws it, so the page cannot drift from the code.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const doc = readFileSync(join(root, 'docs', 'architecture.md'), 'utf8');
/** The prose and tables: fenced blocks (the diagram) would pair their backticks with the text's. */
const prose = doc.replace(/^```[^\n]*\n[\s\S]*?^```$/gm, '');

interface ProjectGraph {
  nodes: Record<string, { data: { root: string; tags?: string[] } }>;
  dependencies: Record<string, { target: string }[]>;
}

function projectGraph(): ProjectGraph {
  const dir = mkdtempSync(join(tmpdir(), 'warden-graph-'));
  try {
    const file = join(dir, 'graph.json');
    execFileSync(process.execPath, [require.resolve('nx/bin/nx'), 'graph', `--file=${file}`], {
      cwd: root,
      env: { ...process.env, NX_DAEMON: 'false' },
      stdio: 'pipe',
    });
    return JSON.parse(readFileSync(file, 'utf8')).graph;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const sorted = (values: Iterable<string>) => [...new Set(values)].sort();
const backticked = (text: string) => [...text.matchAll(/`([^`\n]+)`/g)].map((match) => match[1]);

interface ProjectRow {
  root: string[];
  tags: string[];
  dependsOn: string[];
}

/** The rows of the projects table: `name` `path` | tags | depends on | tests only. */
function projectRows(): Map<string, ProjectRow> {
  const rows = new Map<string, ProjectRow>();
  for (const line of prose.split('\n')) {
    const cells = line.split('|').slice(1, -1);
    if (cells.length !== 4) continue;
    const [name, ...paths] = backticked(cells[0]);
    const tags = backticked(cells[1]).filter((tag) => /^(scope|type):/.test(tag));
    if (!name || tags.length === 0) continue;
    rows.set(name, { root: paths, tags, dependsOn: [...backticked(cells[2]), ...backticked(cells[3])] });
  }
  return rows;
}

describe('docs/architecture.md', () => {
  const graph = projectGraph();
  const rows = projectRows();
  const names = Object.keys(graph.nodes).sort();

  it('has a row for every project of the nx graph, with its folder and tags, and no other', () => {
    const described = Object.fromEntries([...rows].map(([name, row]) => [name, { root: row.root, tags: sorted(row.tags) }]));
    const actual = Object.fromEntries(
      names.map((name) => [name, { root: [graph.nodes[name].data.root], tags: sorted(graph.nodes[name].data.tags ?? []) }]),
    );
    expect(described).toEqual(actual);
  });

  it('lists every edge of the nx graph, and no other', () => {
    const isProject = (name: string) => name in graph.nodes;
    const described = Object.fromEntries(names.map((name) => [name, sorted((rows.get(name)?.dependsOn ?? []).filter(isProject))]));
    const targets = (name: string) => (graph.dependencies[name] ?? []).map((dep) => dep.target);
    const actual = Object.fromEntries(names.map((name) => [name, sorted(targets(name).filter(isProject))]));
    expect(described).toEqual(actual);
  });

  it('states the import rules exactly as eslint.config.mjs constrains them', () => {
    const config = readFileSync(join(root, 'eslint.config.mjs'), 'utf8');
    const constraints = [...config.matchAll(/sourceTag: '([^']+)', onlyDependOnLibsWithTags: \[([^\]]*)\]/g)].map(
      ([, source, allowed]) => [source, sorted([...allowed.matchAll(/'([^']+)'/g)].map((match) => match[1]))] as const,
    );
    expect(constraints.length).toBeGreaterThan(5);
    // The rules table: `tag`, `tag` | `allowed`, ... ("its own scope" is the tag itself, "anything" is '*').
    const described = new Map<string, string[]>();
    for (const line of prose.split('\n')) {
      const cells = line.split('|').slice(1, -1);
      if (cells.length !== 2) continue;
      const sources = backticked(cells[0]).filter((tag) => /^(scope|type):/.test(tag));
      for (const source of sources) {
        const allowed = [...backticked(cells[1]), ...(/its own scope/.test(cells[1]) ? [source] : []), ...(/anything/.test(cells[1]) ? ['*'] : [])];
        described.set(source, sorted(allowed));
      }
    }
    expect(Object.fromEntries(described)).toEqual(Object.fromEntries(constraints));
  });

  it('names only files and folders that exist', () => {
    const paths = backticked(prose).filter((text) => /^(apps|libs|tools|docs)\/[^\s<>{}*]+$/.test(text));
    expect(paths.length).toBeGreaterThan(20);
    expect(paths.filter((path) => !existsSync(join(root, path)))).toEqual([]);
  });
});
