// Property-based fuzzing of every operation of the public contract through the real gateway.
// Properties, for every generated request: never a 5xx; every 4xx is application/problem+json
// with the documented shape and a documented status; a valid request is accepted (2xx, or 404 for
// an id that names nothing of the caller's, or 409 for a taken moniker, a full account or the reveal
// of a token that is not recoverable) and answered in the documented shape; a request the contract
// rejects is rejected; nothing leaks a secret or pollutes a prototype; and no request with account
// A's token changes anything of account B.
import { parse as parseQuery } from 'node:querystring';
import fc from 'fast-check';
import { generateTokenSecret, parseTokenSecret } from '@warden/api-token';
import { loadOpenApiDocument } from '@warden/contracts-api';
import { ALL_SCOPES, type Scope } from '@warden/http';
import { signedHeaders } from '@warden/testing';
import { ContractOracle } from './contract-oracle';
import { POLLUTION_MARK } from './hostile';
import { loadFuzzOperations, type FuzzOperation } from './openapi-model';
import { ACCEPTED_AUTH, planArbitrary, type IdRef, type RequestPlan } from './request-plans';
import type { AccountObjects, CredentialRef, FuzzTarget, HttpAnswer } from './fuzz-target';

export interface FuzzOptions {
  /** Runs per operation. */
  runs: number;
  seed: number;
  /** fast-check's replay path of a failure (with `seed` and one `operations` entry). */
  path?: string;
  /** operationIds to fuzz; all when empty. */
  operations?: string[];
  log?: (line: string) => void;
}

export interface OperationReport {
  operationId: string;
  method: string;
  path: string;
  runs: number;
  valid: number;
  hostile: number;
  statuses: Record<string, number>;
  durationMs: number;
  failure?: { seed: number; path: string; message: string; replay: string };
}

export interface FuzzReport {
  seed: number;
  operations: OperationReport[];
  requests: number;
  crossAccount: { changed: boolean; detail?: string };
  chainA: { valid: boolean; checked: number };
  failed: boolean;
}

interface Materialized {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** Parsed JSON body when the body is JSON; `broken` when it is not parseable; absent without a body. */
  parsedBody?: { value: unknown } | 'broken';
  wrongContentType: boolean;
  authAccepted: boolean;
  /** Which ids the path names, and whose. */
  ids: IdRef[];
  target?: CredentialRef | string;
}

const TOKEN_LIKE = /wdn_[0-9A-Za-z]{36}/g;

/** Operations over an account's signed Merkle tree: valid input may still name a size it does not reach yet (404). */
const SIGNED_TREE_OPERATIONS = new Set(['getLatestAuditCheckpoint', 'createAuditCheckpoint', 'getAuditInclusionProof', 'getAuditConsistencyProof']);

/** The platform API's operations: only platform tokens may call them, and the fuzzer holds account tokens. */
const PLATFORM_PATHS = '/api/v1/platform/';

/** A real token secret (its checksum holds) anywhere in the text; the document's examples have none. */
function carriesTokenSecret(text: string): boolean {
  return (text.match(TOKEN_LIKE) ?? []).some((candidate) => parseTokenSecret(candidate).ok);
}
const STACK_TRACE = /\n\s+at [^\n]+\(|node:internal|\/node_modules\//;
/** Reads run first, while the chains they read are short; deletes last, once the rest had objects to work on. */
const ORDER = (op: FuzzOperation) => (op.path.startsWith('/api/v1/audit') ? 0 : op.method === 'GET' ? 1 : op.method === 'DELETE' ? 3 : 2);
/** Objects of A's kept at hand for each operation to aim at. */
const MIN_TOKENS = 4;
const MIN_CREDENTIALS = 6;
const MAX_POOL = 30;

const MONIKER = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Percent-encodes any text, lone surrogates included (they go as U+FFFD, as a browser sends them). */
function encodeText(text: string): string {
  return encodeURIComponent(Buffer.from(text, 'utf8').toString('utf8'));
}

function pickFrom<T>(items: T[], pick: number): T | undefined {
  return items.length === 0 ? undefined : items[pick % items.length];
}

/** Every place in a JSON value: a path of keys/indexes to each object member and array item. */
function locations(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [];
  const entries: [string | number, unknown][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  return entries.flatMap(([key, child]) => [[...prefix, key], ...locations(child, [...prefix, key])]);
}

/** Every object (including the root) in a JSON value, by path. */
function objectLocations(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [];
  const here = Array.isArray(value) ? [] : [prefix];
  const entries: [string | number, unknown][] = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  return [...here, ...entries.flatMap(([key, child]) => objectLocations(child, [...prefix, key]))];
}

function at(root: any, path: (string | number)[]): any {
  return path.reduce((node, key) => node?.[key], root);
}

/** A fresh copy of a JSON value (own `__proto__` keys stay own keys), so catalogue entries are never shared. */
function copyJson(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

function defineOwn(target: any, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value: copyJson(value), enumerable: true, writable: true, configurable: true });
}

/** An identity of account B, minted with the gateway's own key for the token service: the gateway must drop it. */
function forgedIdentity(accountId: string, method: string, url: string): Record<string, string> {
  return signedHeaders(
    'token-service',
    { kind: 'token', accountId, tokenId: accountId, tokenType: 'api', name: 'forged', scopes: [...ALL_SCOPES] as Scope[], clientIp: '127.0.0.1', requestId: 'forged-request' },
    method,
    url,
  );
}

function authorization(kind: RequestPlan['auth'], secret: string): string | undefined {
  switch (kind) {
    case 'A':
      return `Bearer ${secret}`;
    case 'A-lowercase-scheme':
      return `bearer ${secret}`;
    case 'A-extra-spaces':
      return `Bearer    ${secret}  `;
    case 'none':
      return undefined;
    case 'empty':
      return '';
    case 'basic':
      return `Basic ${Buffer.from(`user:${secret}`).toString('base64')}`;
    case 'bearer-only':
      return 'Bearer';
    case 'garbage':
      return 'Bearer {"$gt": ""}';
    case 'A-flipped-char': {
      const i = secret.length - 8;
      return `Bearer ${secret.slice(0, i)}${secret[i] === 'a' ? 'b' : 'a'}${secret.slice(i + 1)}`;
    }
    case 'A-extended':
      return `Bearer ${secret}x`;
    case 'A-truncated':
      return `Bearer ${secret.slice(0, -1)}`;
    case 'unknown-well-formed':
      return `Bearer ${generateTokenSecret()}`;
    case 'two-tokens':
      return `Bearer ${secret}, Bearer ${secret}`;
  }
}

export class ContractFuzzer {
  private readonly document = loadOpenApiDocument();
  private readonly oracle = new ContractOracle(this.document);
  readonly operations = loadFuzzOperations(this.document);
  private requests = 0;
  private retiring: Promise<void>[] = [];

  constructor(private readonly target: FuzzTarget) {}

  private resolveId(ref: IdRef, operation: FuzzOperation): { segment: string; target?: CredentialRef | string } {
    const objects = (source: AccountObjects) =>
      operation.path.startsWith('/api/v1/credentials') ? source.credentials : operation.path.startsWith('/api/v1/audit') ? source.auditRecords : source.tokens;
    const whose = ref.source.startsWith('own') ? this.target.own : this.target.other;
    switch (ref.source) {
      case 'uuid':
      case 'hostile':
        return { segment: ref.value ?? '' };
      default: {
        const found = pickFrom<CredentialRef | string>(objects(whose), ref.pick);
        if (found === undefined) return { segment: '00000000-0000-4000-8000-000000000000' };
        const id = typeof found === 'string' ? found : ref.source.endsWith('moniker') ? found.moniker : found.id;
        return { segment: encodeText(id), target: found };
      }
    }
  }

  private materialize(operation: FuzzOperation, plan: RequestPlan): Materialized {
    const ids = [...plan.pathIds];
    const mutations = plan.mutations;
    for (const mutation of mutations) if (mutation.kind === 'path-id') ids[mutation.param] = mutation.id;
    let target: CredentialRef | string | undefined;
    let path = operation.path;
    operation.pathParams.forEach((parameter, i) => {
      const resolved = this.resolveId(ids[i], operation);
      target = resolved.target;
      path = path.replace(`{${parameter.name}}`, resolved.segment);
    });

    // Query: the plan's values, a real cursor when picked, then the mutations' pieces.
    const query: Record<string, string> = {};
    for (const [name, value] of Object.entries(plan.query)) if (value !== undefined) query[name] = value;
    const cursor = plan.cursorPick === undefined ? undefined : pickFrom(this.target.cursors[operation.operationId] ?? [], plan.cursorPick);
    if (cursor) query.cursor = cursor;
    const pieces: string[] = [];
    for (const mutation of mutations) {
      if (mutation.kind === 'query-value') {
        const names = operation.queryParams.map((p) => p.name);
        if (names.length > 0) query[names[mutation.pick % names.length]] = mutation.value;
        else pieces.push(`q=${encodeText(mutation.value)}`);
      }
      if (mutation.kind === 'query-cursor') query.cursor = mutation.cursor;
      if (mutation.kind === 'query-piece') pieces.push(mutation.piece);
    }
    const search = [new URLSearchParams(query).toString(), ...pieces].filter(Boolean).join('&');
    const url = search ? `${path}?${search}` : path;

    // Body: A credential update takes the body made for the target's type.
    let body: unknown = plan.body;
    if (plan.bodiesByType) {
      const type = target && typeof target !== 'string' ? target.type : 'smpp';
      body = plan.bodiesByType[type];
    }
    body = body === undefined ? undefined : structuredClone(body);
    let text: string | undefined = body === undefined ? undefined : JSON.stringify(body);
    let contentType: string | null | undefined = text === undefined ? undefined : 'application/json';
    const headers: Record<string, string> = {};
    for (const mutation of mutations) {
      switch (mutation.kind) {
        case 'body-field': {
          body ??= {};
          const places = locations(body);
          if (places.length === 0) body = copyJson(mutation.value);
          else {
            const place = places[mutation.pick % places.length];
            defineOwn(at(body, place.slice(0, -1)), String(place[place.length - 1]), mutation.value);
          }
          text = JSON.stringify(body);
          contentType ??= 'application/json';
          break;
        }
        case 'body-extra-key': {
          body ??= {};
          const places = objectLocations(body);
          const holder = places.length === 0 ? undefined : at(body, places[mutation.pick % places.length]);
          if (holder && typeof holder === 'object') defineOwn(holder, mutation.key, mutation.value);
          text = JSON.stringify(body);
          contentType ??= 'application/json';
          break;
        }
        case 'body-pollution': {
          body ??= {};
          const places = objectLocations(body);
          const holder = places.length === 0 ? undefined : at(body, places[mutation.pick % places.length]);
          if (holder && typeof holder === 'object') for (const [key, value] of Object.entries(JSON.parse(mutation.json))) defineOwn(holder, key, value);
          text = JSON.stringify(body);
          contentType ??= 'application/json';
          break;
        }
        case 'body-drop': {
          const places = locations(body);
          if (places.length > 0) {
            const place = places[mutation.pick % places.length];
            const holder = at(body, place.slice(0, -1));
            if (Array.isArray(holder)) holder.splice(Number(place[place.length - 1]), 1);
            else delete holder[place[place.length - 1]];
            text = JSON.stringify(body);
          }
          break;
        }
        case 'body-broken':
          text = mutation.text;
          contentType ??= 'application/json';
          break;
        case 'body-huge':
          text = JSON.stringify({ ...(body && typeof body === 'object' ? body : {}), name: 'x'.repeat(mutation.size) });
          contentType ??= 'application/json';
          break;
        case 'body-on-bodyless':
          text = mutation.text;
          contentType = mutation.contentType;
          break;
        case 'content-type':
          contentType = mutation.value;
          text ??= '{}';
          break;
        case 'header':
          headers[mutation.name] = mutation.value;
          break;
        case 'forged-identity':
          Object.assign(headers, forgedIdentity(this.target.b.accountId, operation.method, url));
          break;
        default:
      }
    }
    let auth = plan.auth;
    for (const mutation of mutations) if (mutation.kind === 'auth') auth = mutation.auth;
    const header = authorization(auth, this.target.a.secret);
    if (header !== undefined) headers.authorization = header;
    if (contentType) headers['content-type'] = contentType;

    let parsedBody: Materialized['parsedBody'];
    // An empty body is no body (Content-Length: 0), whatever its Content-Type says.
    if (text !== undefined && text !== '') {
      try {
        // RFC 8259 lets a parser ignore a leading byte order mark, and Express' does.
        parsedBody = { value: JSON.parse(text.replace(/^\ufeff/, '')) };
      } catch {
        parsedBody = 'broken';
      }
    }
    const json = contentType ? /^application\/(json|[^;]*\+json)\s*(;\s*charset=utf-8\s*)?$/i.test(contentType.trim()) || /^application\/json\s*$/i.test(contentType) : false;
    return {
      method: operation.method,
      path: url,
      headers,
      body: text,
      parsedBody,
      wrongContentType: text !== undefined && text.length > 0 && !json,
      authAccepted: !operation.authenticated || ACCEPTED_AUTH.has(auth),
      ids,
      target,
    };
  }

  /** What the contract says of this request; the violations of the answer, if any. */
  private judge(operation: FuzzOperation, plan: RequestPlan, request: Materialized, answer: HttpAnswer): string[] {
    const problems: string[] = [];
    const { status, text } = answer;
    const contentType = String(answer.headers['content-type'] ?? '');
    const oracle = this.oracle.for(operation);

    if (status >= 500) problems.push(`answered ${status}`);
    if (status >= 400) {
      if (!contentType.startsWith('application/problem+json')) problems.push(`a ${status} with Content-Type '${contentType}', not application/problem+json`);
      let problem: any;
      try {
        problem = JSON.parse(text);
      } catch {
        problems.push(`a ${status} whose body is not JSON`);
      }
      if (problem !== undefined) {
        if (!this.oracle.problem(problem)) problems.push(`a ${status} problem not in the documented shape: ${JSON.stringify(this.oracle.problem.errors)}`);
        if (problem?.status !== status) problems.push(`a ${status} problem that says status ${problem?.status}`);
        if (problem?.messages?.[0] !== problem?.detail) problems.push('a problem whose messages do not start with its detail');
      }
      if (STACK_TRACE.test(text) || /<html/i.test(text)) problems.push(`a ${status} that shows a stack trace or HTML`);
      // The edge refuses a body that is not JSON (415) or too large (413) on any operation, also on
      // those that take no body and so document neither.
      const edge = request.body !== undefined && (status === 413 || status === 415);
      if (!operation.documented.has(status) && !edge) problems.push(`status ${status} is not documented for ${operation.operationId}`);
      if (status === 429 && !answer.headers['retry-after']) problems.push('a 429 without Retry-After');
    }
    if (!answer.headers['x-request-id']) problems.push('no X-Request-Id');
    if (carriesTokenSecret(text) && !(status < 300 && ['createApiToken', 'rotateApiToken', 'revealApiToken'].includes(operation.operationId))) {
      problems.push('the answer carries a token secret');
    }
    const polluted = (Object.prototype as any)[POLLUTION_MARK] !== undefined || Object.keys(Object.prototype).length > 0;
    if (polluted) {
      for (const key of Object.keys(Object.prototype)) delete (Object.prototype as any)[key];
      problems.push('Object.prototype was polluted');
    }

    if (status >= 200 && status < 300) {
      let data: unknown = text;
      if (operation.operationId === 'exportAuditRecords') {
        const lines = text.split('\n').filter(Boolean);
        for (const line of lines.slice(0, 50)) {
          const errors = oracle.responseErrors(status, contentType, JSON.parse(line));
          if (errors) problems.push(`an export line not in the documented shape: ${errors.join('; ')}`);
        }
      } else {
        try {
          data = JSON.parse(text);
        } catch {
          problems.push(`a ${status} whose body is not JSON`);
        }
        const errors = oracle.responseErrors(status, contentType, data);
        if (errors) problems.push(`a ${status} not in the documented shape: ${errors.slice(0, 5).join('; ')}`);
        const secrets = (data as any)?.data?.secrets;
        if (operation.operationId !== 'revealCredential' && secrets && typeof secrets === 'object') {
          for (const [field, value] of Object.entries(secrets)) if (!/^•+[^]{0,2}$/u.test(String(value))) problems.push(`secret field ${field} is not masked`);
        }
      }
    }

    // What the contract says of this particular request.
    const otherAccount = request.ids.some((id) => id.source === 'other' || id.source === 'other-moniker');
    // A hostile string that is also a valid moniker (`null`, `a--b`) may name a credential A made.
    const maybeMoniker = (id: IdRef) => operation.path.startsWith('/api/v1/credentials') && MONIKER.test(decodeURIComponentSafe(id.value ?? ''));
    const unknownId = request.ids.some((id) => id.source === 'uuid' || (id.source === 'hostile' && !maybeMoniker(id)));
    const bodyFaulty =
      operation.body !== undefined &&
      (request.parsedBody === 'broken' ||
        request.wrongContentType ||
        (request.parsedBody !== undefined && !oracle.bodyValid(request.parsedBody.value)) ||
        (request.parsedBody === undefined && operation.body.required) ||
        (request.body?.length ?? 0) > 64 * 1024);
    const queryText = request.path.includes('?') ? request.path.slice(request.path.indexOf('?') + 1) : '';
    // The gateway serves its own document and, like any static file, ignores the query.
    const queryFaulty = operation.operationId !== 'getOpenApiDocument' && !oracle.queryValid({ ...parseQuery(queryText) });
    if (!request.authAccepted) {
      if (status !== 401) problems.push(`a request without a valid token answered ${status}, not 401`);
    } else if (operation.path.startsWith(PLATFORM_PATHS)) {
      // A's token is an account's: the platform API refuses it whatever the request, before any
      // validation (404 only where a hostile path id leaves no route to match).
      if (status !== 403 && !(status === 404 && request.ids.length > 0)) problems.push(`an account's token on the platform API answered ${status}, not 403`);
    } else if (otherAccount && status < 400) {
      problems.push(`A's token reached account B's object (${status})`);
    } else if (bodyFaulty || queryFaulty || unknownId) {
      if (status < 400) problems.push(`a request the contract rejects (${[bodyFaulty && 'body', queryFaulty && 'query', unknownId && 'path id'].filter(Boolean).join(', ')}) answered ${status}`);
    } else if (plan.valid) {
      const byId = request.ids.length > 0;
      // 409: a taken moniker, an account already holding as many live tokens as it may, or a reveal
      // of a token that was not created recoverable (the fuzzer picks any of A's tokens). 404 also
      // where the answer depends on a signed tree the fuzzer does not follow: no checkpoint yet, or a
      // size (or seq) beyond the newest one.
      const allowed = new Set<number>([
        ...(byId || SIGNED_TREE_OPERATIONS.has(operation.operationId) ? [404] : []),
        ...(['createCredential', 'createApiToken', 'revealApiToken'].includes(operation.operationId) ? [409] : []),
        // A cosignature the contract's shape admits is still checked against the checkpoint: a made-up one is 400.
        ...(operation.operationId === 'createAuditCosignature' ? [400, 404] : []),
      ]);
      if ((status < 200 || status >= 300) && !allowed.has(status)) problems.push(`a valid request answered ${status}`);
      if (otherAccount && status !== 404) problems.push(`another account's object answered ${status}, not 404`);
    }
    return problems;
  }

  /** Keeps the pools of ids in step with what the fuzzer created and deleted. */
  private harvest(operation: FuzzOperation, answer: HttpAnswer): void {
    if (answer.status >= 300) return;
    let data: any;
    try {
      data = JSON.parse(answer.text)?.data;
    } catch {
      return;
    }
    const own = this.target.own;
    // The oldest of A's objects beyond the pool's size are retired, not only forgotten: every
    // write's cost grows with the collection on the test server, and the fuzzer makes thousands.
    const cap = <T>(items: T[], retire: (item: T) => void) => {
      for (const item of items.splice(0, Math.max(0, items.length - MAX_POOL))) retire(item);
    };
    switch (operation.operationId) {
      case 'createApiToken':
        own.tokens.push(data.id);
        cap(own.tokens, (id) => this.retiring.push(this.target.retire('token', id)));
        break;
      case 'revokeApiToken': {
        const index = own.tokens.indexOf(data.id);
        if (index >= 0) own.tokens.splice(index, 1);
        break;
      }
      case 'createCredential':
        own.credentials.push({ id: data.id, moniker: data.moniker, type: data.type });
        cap(own.credentials, (credential) => this.retiring.push(this.target.retire('credential', credential.id)));
        break;
      case 'deleteCredential': {
        const index = own.credentials.findIndex((c) => c.id === data.id);
        if (index >= 0) own.credentials.splice(index, 1);
        break;
      }
      default:
    }
  }

  async fuzzOperation(operation: FuzzOperation, options: FuzzOptions): Promise<OperationReport> {
    const started = Date.now();
    const report: OperationReport = { operationId: operation.operationId, method: operation.method, path: operation.path, runs: 0, valid: 0, hostile: 0, statuses: {}, durationMs: 0 };
    const property = fc.asyncProperty(planArbitrary(operation, this.document), async (plan) => {
      await this.target.replenish(MIN_TOKENS, MIN_CREDENTIALS);
      const request = this.materialize(operation, plan);
      const answer = await this.target.send({ method: request.method, path: request.path, headers: request.headers, body: request.body });
      this.requests++;
      report.runs++;
      report[plan.valid ? 'valid' : 'hostile']++;
      report.statuses[answer.status] = (report.statuses[answer.status] ?? 0) + 1;
      this.harvest(operation, answer);
      await Promise.all(this.retiring.splice(0));
      const problems = this.judge(operation, plan, request, answer);
      if (problems.length > 0) {
        const shown = { method: request.method, path: request.path.slice(0, 300), headers: request.headers, body: request.body?.slice(0, 600) };
        throw new Error(`${problems.join('\n')}\nrequest: ${JSON.stringify(shown)}\nanswer: ${answer.status} ${answer.text.slice(0, 600)}`);
      }
    });
    const details = await fc.check(property, { seed: options.seed, numRuns: options.runs, path: options.path, endOnFailure: true });
    report.durationMs = Date.now() - started;
    if (details.failed) {
      const message = details.errorInstance instanceof Error ? (details.errorInstance.name === "Error" ? details.errorInstance.message : String(details.errorInstance.stack)) : String(details.errorInstance);
      report.failure = {
        seed: details.seed,
        path: details.counterexamplePath ?? '',
        message,
        replay: `npm run fuzz -- --operation ${operation.operationId} --seed ${details.seed} --path ${details.counterexamplePath}`,
      };
    }
    return report;
  }

  async run(options: FuzzOptions): Promise<FuzzReport> {
    const log = options.log ?? (() => undefined);
    const selected = this.operations
      .filter((op) => !options.operations?.length || options.operations.includes(op.operationId))
      .sort((x, y) => ORDER(x) - ORDER(y));
    const unknown = (options.operations ?? []).filter((id) => !this.operations.some((op) => op.operationId === id));
    if (unknown.length > 0) throw new Error(`No such operation: ${unknown.join(', ')}`);
    const auditBefore = await this.target.snapshotBAudit();
    const reports: OperationReport[] = [];
    let crossAccount: FuzzReport['crossAccount'] = { changed: false };
    for (const operation of selected) {
      const before = await this.target.snapshotB();
      const report = await this.fuzzOperation(operation, options);
      const after = await this.target.snapshotB();
      if (before !== after && !crossAccount.changed) crossAccount = { changed: true, detail: `account B's tokens or credentials changed while fuzzing ${operation.operationId}` };
      reports.push(report);
      log(`${operation.operationId.padEnd(24)} ${String(report.runs).padStart(6)} runs ${String(report.durationMs).padStart(7)} ms  ${report.failure ? 'FAILED' : 'ok'}`);
    }
    await this.target.drain();
    const auditAfter = await this.target.snapshotBAudit();
    if (auditBefore !== auditAfter && !crossAccount.changed) crossAccount = { changed: true, detail: "account B's audit trail changed while A's token was fuzzing" };
    const verify = await this.target.send({ method: 'GET', path: '/api/v1/audit/verify', headers: { authorization: `Bearer ${this.target.a.secret}` } });
    const chain = JSON.parse(verify.text).data ?? {};
    const chainA = { valid: chain.valid === true, checked: chain.checked ?? 0 };
    return {
      seed: options.seed,
      operations: reports,
      requests: this.requests,
      crossAccount,
      chainA,
      failed: reports.some((r) => r.failure) || crossAccount.changed || !chainA.valid,
    };
  }
}

/** The report as a table, with each failure and how to replay it. */
export function formatReport(report: FuzzReport): string {
  const lines = [
    `seed ${report.seed}: ${report.operations.length} operations, ${report.requests} requests`,
    '',
    `${'operation'.padEnd(24)} ${'runs'.padStart(6)} ${'valid'.padStart(6)} ${'hostile'.padStart(7)}  statuses`,
  ];
  for (const op of report.operations) {
    const statuses = Object.entries(op.statuses)
      .sort(([x], [y]) => Number(x) - Number(y))
      .map(([status, count]) => `${status}×${count}`)
      .join(' ');
    lines.push(`${op.operationId.padEnd(24)} ${String(op.runs).padStart(6)} ${String(op.valid).padStart(6)} ${String(op.hostile).padStart(7)}  ${statuses}${op.failure ? '  FAILED' : ''}`);
  }
  lines.push('', `account B untouched by A's requests: ${report.crossAccount.changed ? `NO (${report.crossAccount.detail})` : 'yes'}`);
  lines.push(`account A's audit chain after the fuzz: ${report.chainA.valid ? 'valid' : 'INVALID'} (${report.chainA.checked} records)`);
  for (const { operationId, failure } of report.operations) {
    if (failure) lines.push('', `FAILED ${operationId} (seed ${failure.seed}, path ${failure.path})`, failure.message, `replay: ${failure.replay}`);
  }
  return lines.join('\n');
}
