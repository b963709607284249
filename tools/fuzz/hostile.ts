// Inputs a hostile or careless client sends: wrong types, huge and strange strings, NoSQL operator
// objects, prototype-pollution keys, broken JSON, wrong content types, forged cursors.
import fc from 'fast-check';

/** A key under which, if anything merged objects carelessly, Object.prototype would change. */
export const POLLUTION_MARK = 'wardenFuzzPolluted';

export const OPERATOR_OBJECTS: unknown[] = [
  { $gt: '' },
  { $ne: null },
  { $ne: 'x' },
  { $in: [] },
  { $nin: [''] },
  { $exists: true },
  { $regex: '.*' },
  { $where: 'sleep(1000) || true' },
  { $expr: { $eq: [1, 1] } },
  { $or: [{}, { a: 1 }] },
  { $function: { body: 'function() { return true }', args: [], lang: 'js' } },
  { $set: { accountId: 'someone-else' } },
];

/** Objects whose careless merge would pollute a prototype (JSON.parse keeps `__proto__` as an own key). */
export const POLLUTION_JSON: string[] = [
  `{"__proto__": {"${POLLUTION_MARK}": "yes"}}`,
  `{"constructor": {"prototype": {"${POLLUTION_MARK}": "yes"}}}`,
  `{"__proto__": {"__proto__": {"${POLLUTION_MARK}": "yes"}}}`,
  `{"prototype": {"${POLLUTION_MARK}": "yes"}}`,
  `{"constructor.prototype.${POLLUTION_MARK}": "yes"}`,
  `{"__proto__.${POLLUTION_MARK}": "yes"}`,
  `{"toString": "not a function", "valueOf": {"$gt": ""}, "hasOwnProperty": 1}`,
];

export const POLLUTION_KEYS = ['__proto__', 'constructor', 'prototype', 'constructor.prototype', `__proto__.${POLLUTION_MARK}`, 'toString', 'hasOwnProperty'];

export const STRANGE_STRINGS: string[] = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udfff\ud800',
  '\u202eevil',
  '\ufeffbom',
  '😀'.repeat(50),
  'Z̸̢̛̤̝͍͎͕̆̂̈́͑ͅa̷̧̛͓̺̗̦̘͖͐̐̅̔l̵̢̦̣̮͈̥̐̂̊g̶̡̛͖̙̝̣͖̓̅̈̃o',
  '𝕎𝕒𝕣𝕕𝕖𝕟',
  'ﷺ',
  '<script>alert(1)</script>',
  '${7*7}{{7*7}}#{7*7}',
  "'; DROP TABLE tokens; --",
  '../../../../etc/passwd',
  '%00%2e%2e%2f',
  '\r\nX-Injected: yes',
  'null',
  'undefined',
  'NaN',
  '-0',
  '1e999',
  'true',
  '[object Object]',
  '$gt',
  '{"$gt": ""}',
  'types',
  'wdn_000000000000000000000000000000000000',
];

export const STRANGE_NUMBERS: number[] = [-1, 0, 1.5, -0.5, 1e308, -1e308, 2 ** 31, 2 ** 53 + 2, Number.MAX_SAFE_INTEGER, 0.1 + 0.2];

/** Any hostile JSON value for one field. */
export function hostileValueArbitrary(): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...OPERATOR_OBJECTS) },
    { weight: 2, arbitrary: fc.constantFrom(...POLLUTION_JSON).map((text) => JSON.parse(text)) },
    { weight: 3, arbitrary: fc.constantFrom(...STRANGE_STRINGS) },
    { weight: 1, arbitrary: fc.constantFrom(...STRANGE_NUMBERS) },
    { weight: 1, arbitrary: fc.constantFrom<unknown>(true, false, null, [], {}, [{}], ['$gt'], [[[]]]) },
    { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 20_000 }).map((n) => 'x'.repeat(n)) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 300 }) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  );
}

/** Bodies that are not a JSON object, or not JSON at all, sent as `application/json`. */
export const BROKEN_BODIES: string[] = [
  '',
  ' ',
  '{',
  '}',
  '{"name": }',
  '{"name": "a",}',
  "{'name': 'a'}",
  '{name: "a"}',
  '{"name": "a"} trailing',
  '{"name": "a"}{"name": "b"}',
  '{"name": NaN}',
  '{"name": Infinity}',
  '{"name": 1e999}',
  '{"name": undefined}',
  '{"name": "\\ud800"}',
  '{"name": "\u0000"}',
  '{"name": "a", "name": {"$gt": ""}}',
  '{"__proto__": {"enabled": false}, "name": "x"}',
  'null',
  'true',
  '0',
  '-1',
  '"a string"',
  '[]',
  '[{"name": "a"}]',
  '\ufeff{"name": "a"}',
  '\u0000',
  '<?xml version="1.0"?><name>a</name>',
  'name=a&enabled=true',
  '[' .repeat(5_000) + ']'.repeat(5_000),
  `{"a":`.repeat(3_000) + '1' + '}'.repeat(3_000),
];

/** Content types other than JSON, and JSON in charsets the API refuses. */
export const WRONG_CONTENT_TYPES: string[] = [
  'text/plain',
  'text/html',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=xyz',
  'application/xml',
  'application/octet-stream',
  'application/json; charset=latin1',
  'application/json; charset=utf-16',
  'application/jsonx',
  'json',
  '*/*',
  'application/json, text/plain',
];

/** Query pieces (already encoded) that a careless or hostile client appends. */
export const HOSTILE_QUERY_PIECES: string[] = [
  'x[$ne]=',
  'name[$ne]=x',
  'limit[$gt]=0',
  'cursor[$ne]=',
  '__proto__[wardenFuzzPolluted]=yes',
  '__proto__=x',
  'constructor[prototype][wardenFuzzPolluted]=yes',
  'constructor.prototype.wardenFuzzPolluted=yes',
  '$where=sleep(1000)',
  'limit=1&limit=2',
  'limit=',
  'limit=abc',
  'limit=-1',
  'limit=0',
  'limit=201',
  'limit=1.5',
  'limit=1e999',
  'limit=0x10',
  'limit=%20',
  'limit=9007199254740993',
  'cursor=',
  'cursor=%00',
  'cursor=' + 'A'.repeat(600),
  '%',
  '%%',
  '%E0%A4%A',
  '%ZZ=1',
  'a=%ZZ',
  '&&&',
  '=',
  '==x',
  '=x',
  'a&a&a',
  'name=%F0%9F%98%80',
  'from=not-a-date',
  'from=2016-12-31T23%3A59%3A60Z',
  'to=0000-00-00T00%3A00%3A00Z',
  'auditType=Created&auditType=Updated',
  'objectType=%24where',
];

/** Forged list cursors: base64url JSON with hostile positions, as an attacker would make them. */
export function forgedCursorArbitrary(): fc.Arbitrary<string> {
  const position = fc.oneof(
    fc.constantFrom<unknown>('x', '', 'NaN', 1e300, -1e300, 8.64e15 + 1, -1, 0, 1.5, 2 ** 53, null, true, [], {}, { $gt: '' }),
    fc.jsonValue({ maxDepth: 1 }),
  );
  return fc
    .record({ createdAt: position, id: position, seq: position }, { requiredKeys: [] })
    .map((value) => Buffer.from(JSON.stringify(value)).toString('base64url'));
}

/** Path segments for an object id that no valid object has (sent as given: some are pre-encoded). */
export const HOSTILE_PATH_IDS: string[] = [
  '%ZZ',
  '%',
  '%E0%A4%A',
  '%00',
  '%2e%2e',
  '..%2f..%2f',
  '%2F',
  '%20',
  'null',
  'undefined',
  'types',
  '__proto__',
  'constructor',
  'prototype',
  'hasOwnProperty',
  '%24gt',
  '%7B%22%24gt%22%3A%22%22%7D',
  '00000000-0000-0000-0000-000000000000',
  'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF',
  '6f1c2b7e-8d4a-4c3e-9b2f-1a7d5e3c9b4',
  '6f1c2b7e8d4a4c3e9b2f1a7d5e3c9b40',
  'a'.repeat(300),
  'x'.repeat(4_000),
  '%F0%9F%98%80',
  '-',
  'a--b',
  'A',
];
