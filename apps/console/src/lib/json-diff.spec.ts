import { auditChange, changedFields, changedPaths, jsonLines } from './json-diff';

describe('changedPaths', () => {
  it('finds changed leaves, added and removed fields, and array elements', () => {
    const prior = { name: 'ci', enabled: true, scopes: ['tokens:read'], rateLimit: null, allowedIps: [], note: 'x' };
    const after = { name: 'ci', enabled: false, scopes: ['tokens:read', 'audit:read'], rateLimit: { limit: 5, windowSeconds: 60 }, allowedIps: [] };
    expect(changedPaths(prior, after)).toEqual(['enabled', 'scopes[1]', 'rateLimit', 'note']);
  });

  it('goes into nested objects and reports nothing for equal values', () => {
    expect(changedPaths({ rateLimit: { limit: 5, windowSeconds: 60 } }, { rateLimit: { limit: 6, windowSeconds: 60 } })).toEqual(['rateLimit.limit']);
    expect(changedPaths({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toEqual([]);
    expect(changedPaths('x', 'y')).toEqual(['']);
  });

  it('quotes keys that are not identifiers', () => {
    expect(changedPaths({ 'x-y': 1 }, { 'x-y': 2 })).toEqual(['"x-y"']);
  });
});

describe('changedFields', () => {
  it('summarises by top-level field', () => {
    expect(changedFields({ a: { b: 1, c: 1 }, d: [1] }, { a: { b: 2, c: 2 }, d: [2] })).toEqual(['a', 'd']);
  });
});

describe('jsonLines', () => {
  it('prints like JSON.stringify(value, null, 2) and flags the lines inside changed paths', () => {
    const value = { name: 'ci', rateLimit: { limit: 5, windowSeconds: 60 }, scopes: ['a', 'b'], empty: {} };
    const lines = jsonLines(value, ['rateLimit', 'scopes[1]']);
    expect(lines.map((l) => '  '.repeat(l.depth) + l.text).join('\n')).toBe(JSON.stringify(value, null, 2));
    expect(lines.filter((l) => l.changed).map((l) => l.text)).toEqual(['"rateLimit": {', '"limit": 5,', '"windowSeconds": 60', '},', '"b"']);
  });

  it('flags everything when the whole value changed', () => {
    expect(jsonLines({ a: 1 }, ['']).every((l) => l.changed)).toBe(true);
    expect(jsonLines(null)).toEqual([{ path: '', depth: 0, text: 'null', changed: false }]);
  });
});

describe('auditChange', () => {
  it('reads update, create and delete details', () => {
    expect(auditChange({ update: { prior: { a: 1 }, after: { a: 2 } }, auditType: 'Updated' })).toEqual({ prior: { a: 1 }, after: { a: 2 } });
    expect(auditChange({ create: { after: { a: 1 } } })).toEqual({ after: { a: 1 } });
    expect(auditChange({ delete: { prior: { a: 1 } } })).toEqual({ prior: { a: 1 } });
    expect(auditChange({ reveal: { after: { fields: ['password'] } } })).toEqual({ after: { fields: ['password'] } });
    expect(auditChange({ note: 'nothing to compare' })).toBeUndefined();
  });
});
