import { Agent, request } from 'undici';
import type { HistoryEntry, OperationKind, PromisedRecord, SecretRef } from './history';

export interface RequestSpec {
  accountId: string;
  kind: OperationKind;
  /** A gateway name (`gateway-2`). */
  via: string;
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  body?: unknown;
  /** The bearer secret; it stays in memory, the history names it by `auth`. */
  secret: string;
  auth: SecretRef;
  change?: PromisedRecord;
  retires?: SecretRef;
  partner?: number;
}

export interface Answer {
  entry: HistoryEntry;
  /** The parsed JSON body, when there was one. */
  body: any;
}

/**
 * Sends the workload's requests and writes each one into the history: when it started and ended,
 * through which gateway, what it answered, and which audit record a 2xx answer promises. No
 * retries anywhere (undici's `request` never retries), so the history is exactly what was sent.
 */
export class RecordingClient {
  readonly history: HistoryEntry[] = [];
  private nextId = 1;
  private readonly agent: Agent;

  constructor(
    private readonly gateways: ReadonlyMap<string, string>,
    private readonly runId: string,
    private readonly timeoutMs = 15_000,
  ) {
    this.agent = new Agent({ keepAliveTimeout: 4_000, connect: { timeout: 2_000 }, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  }

  /** An id for the next operation; a create names its object after it so the name is unique in the run. */
  reserveId(): number {
    return this.nextId++;
  }

  /** Records an operation that did not go through a gateway (the operator CLI's account creation). */
  note(entry: Omit<HistoryEntry, 'id'>, id = this.reserveId()): HistoryEntry {
    const recorded = { id, ...entry };
    this.history.push(recorded);
    return recorded;
  }

  async send(spec: RequestSpec, id = this.reserveId()): Promise<Answer> {
    const origin = this.gateways.get(spec.via);
    if (!origin) throw new Error(`unknown gateway ${spec.via}`);
    const headers: Record<string, string> = {
      authorization: `Bearer ${spec.secret}`,
      'x-request-id': `${this.runId}-${id}`,
    };
    if (spec.body !== undefined) headers['content-type'] = 'application/json';
    const start = Date.now();
    let status: number | null = null;
    let error: string | undefined;
    let body: any;
    try {
      const response = await request(`${origin}${spec.path}`, {
        method: spec.method,
        headers,
        body: spec.body === undefined ? undefined : JSON.stringify(spec.body),
        dispatcher: this.agent,
      });
      const text = await response.body.text();
      status = response.statusCode;
      body = text && /json/.test(String(response.headers['content-type'] ?? '')) ? JSON.parse(text) : text;
    } catch (caught) {
      // No status line arrived, or the body was cut: the outcome is unknown either way.
      status = null;
      error = (caught as NodeJS.ErrnoException).code ?? (caught as Error).name;
    }
    const entry: HistoryEntry = {
      id,
      accountId: spec.accountId,
      kind: spec.kind,
      via: spec.via,
      method: spec.method,
      path: spec.path,
      start,
      end: Date.now(),
      status,
      ...(error ? { error } : {}),
      ...(spec.change ? { change: spec.change } : {}),
      auth: spec.auth,
      ...(spec.retires ? { retires: spec.retires } : {}),
      ...(spec.partner !== undefined ? { partner: spec.partner } : {}),
    };
    this.history.push(entry);
    return { entry, body };
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}
