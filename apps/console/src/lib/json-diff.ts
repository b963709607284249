// Side-by-side JSON for the audit detail view: which fields an update changed, and each side as
// pretty-printed lines that know their path, so the changed ones can be highlighted. Pure.

/** A field's address: `name`, `rateLimit.limit`, `scopes[1]`. The root is ''. */
export type JsonPath = string;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function child(path: JsonPath, key: string | number): JsonPath {
  if (typeof key === 'number') return `${path}[${key}]`;
  const safe = /^[A-Za-z_$][\w$]*$/.test(key) ? key : JSON.stringify(key);
  return path ? `${path}.${safe}` : safe;
}

/**
 * The deepest paths at which `prior` and `after` differ: a changed leaf, or an added or removed
 * field (reported at the field itself, not at each of its children).
 */
export function changedPaths(prior: unknown, after: unknown, path: JsonPath = ''): JsonPath[] {
  if (Object.is(prior, after)) return [];
  if (isObject(prior) && isObject(after)) {
    const keys = [...new Set([...Object.keys(prior), ...Object.keys(after)])];
    return keys.flatMap((key) => {
      const inPrior = Object.prototype.hasOwnProperty.call(prior, key);
      const inAfter = Object.prototype.hasOwnProperty.call(after, key);
      if (inPrior !== inAfter) return [child(path, key)];
      return changedPaths(prior[key], after[key], child(path, key));
    });
  }
  if (Array.isArray(prior) && Array.isArray(after)) {
    const length = Math.max(prior.length, after.length);
    const paths: JsonPath[] = [];
    for (let i = 0; i < length; i += 1) {
      if (i >= prior.length || i >= after.length) paths.push(child(path, i));
      else paths.push(...changedPaths(prior[i], after[i], child(path, i)));
    }
    return paths;
  }
  return [path];
}

/** The top-level fields an update touched, for a one-line summary ("enabled, scopes"). */
export function changedFields(prior: unknown, after: unknown): string[] {
  const fields = changedPaths(prior, after).map((path) => path.split(/[.[]/)[0] || '(whole value)');
  return [...new Set(fields)];
}

export interface JsonLine {
  path: JsonPath;
  depth: number;
  text: string;
  changed: boolean;
}

function isWithin(path: JsonPath, changed: readonly JsonPath[]): boolean {
  return changed.some((c) => c === '' || path === c || path.startsWith(`${c}.`) || path.startsWith(`${c}[`));
}

/** `JSON.stringify(value, null, 2)`, one entry per line, each flagged when it lies in a changed path. */
export function jsonLines(value: unknown, changed: readonly JsonPath[] = []): JsonLine[] {
  const lines: JsonLine[] = [];
  const emit = (path: JsonPath, depth: number, text: string) => lines.push({ path, depth, text, changed: isWithin(path, changed) });

  const walk = (node: unknown, path: JsonPath, depth: number, prefix: string, comma: string) => {
    if (Array.isArray(node) || isObject(node)) {
      const entries: [string | number, unknown][] = Array.isArray(node) ? node.map((v, i) => [i, v]) : Object.entries(node);
      const [open, close] = Array.isArray(node) ? ['[', ']'] : ['{', '}'];
      if (entries.length === 0) {
        emit(path, depth, `${prefix}${open}${close}${comma}`);
        return;
      }
      emit(path, depth, `${prefix}${open}`);
      entries.forEach(([key, v], index) => {
        const keyPrefix = typeof key === 'number' ? '' : `${JSON.stringify(key)}: `;
        walk(v, child(path, key), depth + 1, keyPrefix, index < entries.length - 1 ? ',' : '');
      });
      emit(path, depth, `${close}${comma}`);
      return;
    }
    emit(path, depth, `${prefix}${node === undefined ? 'null' : JSON.stringify(node)}${comma}`);
  };

  walk(value, '', 0, '', '');
  return lines;
}

export interface AuditChange {
  /** What the object looked like before (absent for a creation). */
  prior?: unknown;
  /** What it looked like after (absent for a deletion). */
  after?: unknown;
}

/**
 * Reads `detail` of an audit record: `{update: {prior, after}}`, `{create: {after}}`,
 * `{delete: {prior}}`, or any other one-key `{kind: {prior?, after?}}` a service reports.
 */
export function auditChange(detail: unknown): AuditChange | undefined {
  if (!isObject(detail)) return undefined;
  for (const key of ['update', 'create', 'delete', ...Object.keys(detail)]) {
    const section = detail[key];
    if (isObject(section) && ('prior' in section || 'after' in section)) {
      return {
        ...('prior' in section ? { prior: section.prior } : {}),
        ...('after' in section ? { after: section.after } : {}),
      };
    }
  }
  return undefined;
}
