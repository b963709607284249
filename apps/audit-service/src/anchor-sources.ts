import { randomUUID } from 'node:crypto';
import type { InternalKey } from '@warden/config';
import { IdentitySigner } from '@warden/http';
import { AUDIT_ANCHOR_PATH, isRecordPosition } from '@warden/queue';


export interface AnchorSource {
  /** The producer's name as an internal party: the audit service signs with its `audit-service>` key for it. */
  name: string;
  url: string;
}

/** What one producer says of an account's log: the newest record it saw confirmed, none, or nothing (unreachable). */
export type SourceAnchor =
  | { source: string; status: 'anchored'; seq: number; hash: string; anchoredAt: string }
  | { source: string; status: 'none' }
  | { source: string; status: 'unreachable'; reason: string };

/**
 * `AUDIT_ANCHOR_SOURCES`: `name=url` pairs, comma-separated (e.g.
 * `token-service=http://127.0.0.1:3001,credential-service=http://127.0.0.1:3002`).
 */
export function parseAnchorSources(value: string): AnchorSource[] {
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const at = entry.indexOf('=');
      const name = entry.slice(0, at);
      const url = entry.slice(at + 1);
      if (at <= 0 || !/^[a-z][a-z0-9-]{0,62}$/.test(name) || !URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
        throw new Error(`AUDIT_ANCHOR_SOURCES: "${entry}" is not name=http(s)://host:port`);
      }
      return { name, url };
    });
}

const isAnchor = (value: unknown): value is { seq: number; hash: string; anchoredAt: string } =>
  isRecordPosition(value) && typeof (value as { anchoredAt?: unknown }).anchoredAt === 'string';

/**
 * Asks every producing service for the head of an account's log it keeps in its own database (the
 * newest record the audit service confirmed to it), with an identity this service mints for each.
 * A source that does not answer is reported as unreachable, never taken as "no anchor".
 */
export class AnchorSources {
  private readonly signer: IdentitySigner;

  constructor(
    readonly sources: AnchorSource[],
    keys: InternalKey[],
    private readonly timeoutMs = 3_000,
  ) {
    const missing = sources.filter(({ name }) => !keys.some((key) => key.caller === 'audit-service' && key.audience === name));
    if (missing.length > 0) throw new Error(`AUDIT_ANCHOR_SOURCES names ${missing.map((s) => s.name).join(', ')} but INTERNAL_KEYS has no audit-service>${missing[0].name} key`);
    this.signer = new IdentitySigner('audit-service', keys);
  }

  async anchorsOf(accountId: string): Promise<SourceAnchor[]> {
    return Promise.all(this.sources.map((source) => this.ask(source, accountId)));
  }

  private async ask({ name, url }: AnchorSource, accountId: string): Promise<SourceAnchor> {
    const headers = this.signer.sign(
      name,
      { kind: 'service', accountId, name: 'audit-service', scopes: [], clientIp: null, requestId: randomUUID() },
      { method: 'GET', url: AUDIT_ANCHOR_PATH },
    );
    try {
      const response = await fetch(new URL(AUDIT_ANCHOR_PATH, url), { headers, signal: AbortSignal.timeout(this.timeoutMs) });
      const body = (await response.json().catch(() => ({}))) as { data?: { anchor?: unknown } };
      if (!response.ok || body.data === undefined) return { source: name, status: 'unreachable', reason: `answered ${response.status}` };
      const anchor = body.data.anchor;
      if (anchor === null) return { source: name, status: 'none' };
      if (!isAnchor(anchor)) return { source: name, status: 'unreachable', reason: 'answered with a malformed anchor' };
      return { source: name, status: 'anchored', seq: anchor.seq, hash: anchor.hash, anchoredAt: anchor.anchoredAt };
    } catch (error) {
      return { source: name, status: 'unreachable', reason: (error as Error).message };
    }
  }
}
