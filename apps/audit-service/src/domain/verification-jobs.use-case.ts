import { randomUUID } from 'node:crypto';
import type { Logger } from '@warden/config';
import type { AuditVerificationDoc, AuditVerificationRepository } from '@warden/audit-data-access';
import { verifyAccountChain, type AccountVerification, type VerifyChainDeps } from './verify-chain.use-case';

/** A verification a request began and stopped waiting for: the job takes it over instead of walking again. */
export interface VerificationInFlight {
  result: Promise<AccountVerification>;
  /** Records it has checked so far. */
  checked: () => number;
}

/** A job no one has written for this long was left by a process that stopped: it is reported `interrupted`. */
const STALE_AFTER_MS = 30_000;
/** Progress is saved this often (one small write; the job has a single writer). */
const PROGRESS_EVERY_MS = 1_000;

export interface VerificationView {
  id: string;
  status: 'running' | 'done' | 'failed' | 'interrupted';
  checked: number;
  total: number;
  result: Record<string, unknown> | null;
  error: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface VerificationJobsDeps extends VerifyChainDeps {
  verifications: AuditVerificationRepository;
  logger: Logger;
  clock?: () => Date;
}

/**
 * The full verification of `GET /audit/verify` as a job, for trails too long to verify within one
 * request: started here, run in this process in the background with its progress saved every
 * second, and read back by id (by any replica). One job per account runs at a time in a process:
 * asking again while it runs answers with it. A job whose process stopped shows `interrupted`;
 * starting another one is the remedy.
 */
export class VerificationJobs {
  private readonly running = new Set<Promise<void>>();
  /** The job each account has running here (its id once stored): one at a time, so repeated requests cannot pile up full walks. */
  private readonly byAccount = new Map<string, Promise<string>>();
  private readonly clock: () => Date;
  private stopping = false;

  constructor(private readonly deps: VerificationJobsDeps) {
    this.clock = deps.clock ?? (() => new Date());
  }

  /**
   * Starts a job (taking over `inFlight` when given), or answers with the account's job already
   * running in this process.
   */
  async start(accountId: string, inFlight?: VerificationInFlight): Promise<VerificationView> {
    const existing = this.byAccount.get(accountId);
    if (existing) {
      const current = await this.deps.verifications.get(accountId, await existing.catch(() => ''));
      if (current?.status === 'running') return this.view(current);
    }
    // Claimed before the first await, so a second request meanwhile finds this one.
    let stored!: (id: string) => void;
    let failed!: (error: unknown) => void;
    const claim = new Promise<string>((resolve, reject) => ((stored = resolve), (failed = reject)));
    claim.catch(() => undefined);
    this.byAccount.set(accountId, claim);
    const release = () => {
      if (this.byAccount.get(accountId) === claim) this.byAccount.delete(accountId);
    };
    try {
      const now = this.clock();
      const head = await this.deps.records.head(accountId);
      const doc: AuditVerificationDoc = { _id: randomUUID(), accountId, status: 'running', checked: 0, total: head?.seq ?? 0, result: null, error: null, createdAt: now, updatedAt: now };
      await this.deps.verifications.create(doc);
      stored(doc._id);
      const run = this.run(doc, inFlight).finally(() => {
        this.running.delete(run);
        release();
      });
      this.running.add(run);
      return this.view(doc);
    } catch (error) {
      failed(error);
      release();
      throw error;
    }
  }

  async get(accountId: string, id: string): Promise<VerificationView | null> {
    const doc = await this.deps.verifications.get(accountId, id);
    return doc && this.view(doc);
  }

  /** Stops saving progress and waits for the jobs in flight to end (each is then `interrupted` or done). */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.allSettled([...this.running]);
  }

  private async run(doc: AuditVerificationDoc, inFlight?: VerificationInFlight): Promise<void> {
    const { verifications, logger } = this.deps;
    let counted = 0;
    const progress = () => (inFlight ? inFlight.checked() : counted);
    // The progress, and a sign of life while the store is still answering the first read.
    let saving: Promise<void> | undefined;
    const heartbeat = setInterval(() => {
      saving ??= verifications
        .update(doc._id, { checked: progress() }, this.clock())
        .catch((error) => logger.warn({ err: error, id: doc._id }, 'verification progress not saved'))
        .finally(() => (saving = undefined));
    }, PROGRESS_EVERY_MS);
    heartbeat.unref();
    const onRecord = () => {
      counted++;
      if (this.stopping) throw new Error('the service is stopping');
    };
    try {
      const result = await (inFlight?.result ?? verifyAccountChain(this.deps, doc.accountId, { onRecord }));
      clearInterval(heartbeat);
      await saving;
      await verifications.update(doc._id, { status: 'done', checked: result.checked, result: result as unknown as Record<string, unknown> }, this.clock());
    } catch (error) {
      clearInterval(heartbeat);
      await saving;
      if (this.stopping) return;
      logger.error({ err: error, id: doc._id, accountId: doc.accountId }, 'audit verification job failed');
      await verifications.update(doc._id, { status: 'failed', checked: progress(), error: 'The verification could not be completed; start another one.' }, this.clock()).catch(() => undefined);
    }
  }

  private view(doc: AuditVerificationDoc): VerificationView {
    const stale = doc.status === 'running' && this.clock().getTime() - new Date(doc.updatedAt).getTime() > STALE_AFTER_MS;
    return {
      id: doc._id,
      status: stale ? 'interrupted' : doc.status,
      checked: doc.checked,
      total: doc.total,
      result: doc.result,
      error: stale ? 'The process running this verification stopped; start another one.' : doc.error,
      createdAt: new Date(doc.createdAt).toISOString(),
      updatedAt: new Date(doc.updatedAt).toISOString(),
    };
  }
}
