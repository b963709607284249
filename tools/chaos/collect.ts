// What a chaos run reads back once the workload and the faults are over: whether the audit
// pipeline has drained, every account's records and chain verification (through a gateway, as a
// client sees them), and for forensics the state of documents and failed jobs.
import { Queue } from 'bullmq';
import type { Connection, Model } from 'mongoose';
import { request } from 'undici';
import { AUDIT_EVENTS_QUEUE } from '@warden/contracts-events';
import { connectMongo } from '@warden/data';
import { createRedis } from '@warden/queue';
import { accountModel, apiTokenModel } from '@warden/tokens-data-access';
import { credentialModel } from '@warden/credentials-data-access';
import type { AccountAudit, AuditRecordView, ChainVerification } from './checks';
import type { DocumentState, FailedJob } from './forensics';

type Outboxed = { auditType: string; occurredAt: string };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface DrainReport {
  drained: boolean;
  waitedMs: number;
  /** Documents whose outbox still holds events. */
  pendingOutbox: number;
  /** Jobs not yet done: waiting, active, delayed, prioritized. */
  pendingJobs: number;
  failedJobs: FailedJob[];
}

/** Direct reads of the services' databases and queue: the run's own instruments, not a client's view. */
export class Instruments {
  private constructor(
    private readonly tokensDb: Connection,
    private readonly credentialsDb: Connection,
    private readonly queue: Queue,
    private readonly closeRedis: () => void,
  ) {}

  static async open({ mongoUrl, redisUrl, databases }: { mongoUrl: string; redisUrl: string; databases: { tokens: string; credentials: string } }): Promise<Instruments> {
    const tokensDb = await connectMongo(mongoUrl, databases.tokens);
    const credentialsDb = await connectMongo(mongoUrl, databases.credentials);
    const redis = createRedis(redisUrl, 'worker');
    return new Instruments(tokensDb, credentialsDb, new Queue(AUDIT_EVENTS_QUEUE, { connection: redis }), () => redis.disconnect());
  }

  private outboxModels(): Model<any>[] {
    return [accountModel(this.tokensDb), apiTokenModel(this.tokensDb), credentialModel(this.credentialsDb)];
  }

  async pendingOutbox(): Promise<number> {
    const counts = await Promise.all(this.outboxModels().map((model) => model.countDocuments({ 'outbox.0': { $exists: true } })));
    return counts.reduce((sum, n) => sum + n, 0);
  }

  async jobCounts(): Promise<{ pending: number; failed: number }> {
    const counts = await this.queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'failed');
    const pending = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children'].reduce((sum, state) => sum + (counts[state] ?? 0), 0);
    return { pending, failed: counts.failed ?? 0 };
  }

  async failedJobs(): Promise<FailedJob[]> {
    const jobs = await this.queue.getFailed(0, 1_000);
    return jobs.map((job) => ({
      id: String(job.id),
      objectId: String(job.data?.objectId),
      auditType: String(job.data?.auditType),
      occurredAt: String(job.data?.occurredAt),
      failedReason: job.failedReason,
    }));
  }

  /**
   * Waits until no outbox holds an event and no audit job is pending, twice in a row (a relay may
   * be between reading an outbox and publishing it); gives up after `timeoutMs`.
   */
  async waitForDrain(timeoutMs: number, log: (line: string) => void): Promise<DrainReport> {
    const started = Date.now();
    let quietPolls = 0;
    let lastLog = 0;
    let pendingOutbox = -1;
    let pendingJobs = -1;
    while (Date.now() - started < timeoutMs) {
      try {
        [pendingOutbox, { pending: pendingJobs }] = await Promise.all([this.pendingOutbox(), this.jobCounts()]);
      } catch (error) {
        log(`drain: could not read the pipeline state: ${(error as Error).message}`);
      }
      quietPolls = pendingOutbox === 0 && pendingJobs === 0 ? quietPolls + 1 : 0;
      if (quietPolls >= 2) break;
      if (Date.now() - lastLog > 5_000) {
        lastLog = Date.now();
        log(`drain: ${pendingOutbox} outboxes and ${pendingJobs} audit jobs pending`);
      }
      await sleep(250);
    }
    return { drained: quietPolls >= 2, waitedMs: Date.now() - started, pendingOutbox, pendingJobs, failedJobs: await this.failedJobs() };
  }

  async document(objectType: string, id: string): Promise<DocumentState> {
    if (objectType === 'ApiToken') {
      const doc = await apiTokenModel(this.tokensDb).findById(id, { name: 1, revision: 1, outbox: 1 }).lean<{ name: string; revision: number; outbox: Outboxed[] }>();
      return doc ? { exists: true, name: doc.name, counter: doc.revision, outbox: doc.outbox } : { exists: false };
    }
    if (objectType === 'Credential') {
      const doc = await credentialModel(this.credentialsDb).findById(id, { name: 1, version: 1, outbox: 1 }).lean<{ name: string; version: number; outbox: Outboxed[] }>();
      return doc ? { exists: true, name: doc.name, counter: doc.version, outbox: doc.outbox } : { exists: false };
    }
    return { exists: false };
  }

  async close(): Promise<void> {
    await this.queue.close().catch(() => undefined);
    this.closeRedis();
    await Promise.all([this.tokensDb.close(), this.credentialsDb.close()]);
  }
}

async function getJson(url: string, secret: string): Promise<any> {
  const response = await request(url, { headers: { authorization: `Bearer ${secret}` }, headersTimeout: 30_000, bodyTimeout: 30_000 });
  const body = (await response.body.json().catch(() => undefined)) as any;
  if (response.statusCode !== 200) throw new Error(`GET ${new URL(url).pathname} answered ${response.statusCode}: ${body?.detail ?? ''}`);
  return body;
}

/** Every record of the account (newest first, page by page) and its chain verification, through a gateway. */
export async function readAccountAudit(gatewayUrl: string, accountId: string, secret: string): Promise<AccountAudit> {
  try {
    const records: AuditRecordView[] = [];
    let cursor: string | null = null;
    do {
      const query = new URLSearchParams({ limit: '200', ...(cursor ? { cursor } : {}) });
      const page = await getJson(`${gatewayUrl}/api/v1/audit?${query}`, secret);
      records.push(...(page.data as AuditRecordView[]));
      cursor = page.meta?.nextCursor ?? null;
    } while (cursor);
    const verification = (await getJson(`${gatewayUrl}/api/v1/audit/verify`, secret)).data as ChainVerification;
    return { accountId, records, verification };
  } catch (error) {
    return { accountId, records: null, verification: null, error: (error as Error).message };
  }
}
