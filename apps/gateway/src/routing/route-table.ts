import type { Scope } from '@warden/http';

export type UpstreamName = 'tokens' | 'credentials' | 'audit';

export interface Operation {
  operationId: string;
  method: string;
  /** The contract's path template: the route metrics name it by. */
  path: string;
  /** null: any valid token may call it (e.g. token verification). */
  scope: Scope | null;
  upstream: UpstreamName;
  /** An operation of the platform API: only platform tokens may call it, and they may call nothing else. */
  platform: boolean;
}

interface PathEntry {
  pattern: RegExp;
  params: number;
  operations: Map<string, Operation>;
}

export type RouteMatch = { kind: 'operation'; operation: Operation } | { kind: 'method-not-allowed'; allow: string[] } | { kind: 'none' };

const UPSTREAM_BY_PREFIX: [string, UpstreamName][] = [
  ['/api/v1/apitokens', 'tokens'],
  // The platform's accounts live with the token service, its audit chain with the audit service.
  ['/api/v1/platform/accounts', 'tokens'],
  ['/api/v1/platform/audit', 'audit'],
  ['/api/v1/credentials', 'credentials'],
  ['/api/v1/audit', 'audit'],
];
const PLATFORM_PREFIX = '/api/v1/platform/';
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

function upstreamFor(path: string): UpstreamName | undefined {
  return UPSTREAM_BY_PREFIX.find(([prefix]) => path === prefix || path.startsWith(`${prefix}/`))?.[1];
}

function toPattern(path: string): RegExp {
  const escaped = path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+');
  return new RegExp(`^${escaped}$`);
}

/**
 * The proxied routes, read from the OpenAPI document so the gateway's scope checks and the
 * contract cannot disagree. Literal paths win over templated ones (`/audit/verify` before `/audit/{id}`).
 */
export class RouteTable {
  private readonly entries: PathEntry[] = [];

  constructor(document: Record<string, any>) {
    for (const [path, item] of Object.entries<Record<string, any>>(document.paths ?? {})) {
      const upstream = upstreamFor(path);
      if (!upstream) continue;
      const operations = new Map<string, Operation>();
      for (const method of METHODS) {
        const operation = item[method];
        if (!operation) continue;
        operations.set(method.toUpperCase(), {
          operationId: operation.operationId,
          method: method.toUpperCase(),
          path,
          scope: operation['x-required-scope'] ?? null,
          upstream,
          platform: path.startsWith(PLATFORM_PREFIX),
        });
      }
      this.entries.push({ pattern: toPattern(path), params: (path.match(/\{/g) ?? []).length, operations });
    }
    this.entries.sort((a, b) => a.params - b.params);
  }

  match(method: string, path: string): RouteMatch {
    const entry = this.entries.find((candidate) => candidate.pattern.test(path));
    if (!entry) return { kind: 'none' };
    const operation = entry.operations.get(method === 'HEAD' ? 'GET' : method);
    return operation ? { kind: 'operation', operation } : { kind: 'method-not-allowed', allow: [...entry.operations.keys()] };
  }
}
