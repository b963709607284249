import type { Logger } from '@warden/config';
import { GENESIS_HASH, verifyCheckpoint, type AuditCheckpoint, type ChainHead, type CheckpointSigner } from '@warden/audit-client';
import type { AuditCheckpointRepository, AuditRecordDoc, AuditRecordRepository } from '@warden/audit-data-access';
import type { RecordSealer } from '@warden/audit-feature';
import { walkStoredChain } from './verify-chain.use-case';

export interface CheckpointerOptions {
  records: AuditRecordRepository;
  checkpoints: AuditCheckpointRepository;
  signer: CheckpointSigner;
  sealer: RecordSealer;
  logger: Logger;
  /** A burst is checkpointed each time a chain crosses a multiple of this many records. */
  every: number;
  clock?: () => Date;
  onSigned?: (checkpoint: AuditCheckpoint) => void;
  onRefused?: (accountId: string, failure: { seq: number; reason: string }) => void;
}

const same = (a: ChainHead | undefined, b: ChainHead) => a !== undefined && a.seq === b.seq && a.hash === b.hash;

/**
 * Signs chain heads with Ed25519 (periodically, after bursts, on demand). It never signs over a
 * record it has not verified: a head this process wrote on top of a head it trusted is trusted
 * as is; any other head is verified from the previous checkpoint (hashes, links, seals) first,
 * so a record put into the database behind the service's back is never laundered into a
 * checkpoint.
 */
export class Checkpointer {
  /** The newest head known good per account: signed, verified, or written by us on top of either. */
  private readonly trusted = new Map<string, ChainHead>();
  private readonly signed = new Map<string, ChainHead>();
  private readonly dirty = new Set<string>();
  private readonly running = new Map<string, Promise<AuditCheckpoint | null>>();
  private timer?: NodeJS.Timeout;
  private tick?: Promise<void>;
  private readonly clock: () => Date;

  constructor(private readonly options: CheckpointerOptions) {
    this.clock = options.clock ?? (() => new Date());
  }

  /** Told by the appender about every run of records it wrote on top of `from`. */
  noteAppended(accountId: string, from: ChainHead, written: AuditRecordDoc[]): void {
    const last = written[written.length - 1];
    if (!last) return;
    // A chain this process started from genesis is trusted from its first record.
    const trusted = this.trusted.get(accountId) ?? (from.seq === 0 ? from : undefined);
    if (same(trusted, from)) this.trusted.set(accountId, { seq: last.seq, hash: last.hash });
    this.dirty.add(accountId);
    if (Math.floor(from.seq / this.options.every) !== Math.floor(last.seq / this.options.every)) {
      this.checkpoint(accountId).catch((error) => this.options.logger.warn({ err: error, accountId }, 'burst checkpoint failed; the next one will cover it'));
    }
  }

  /** Signs the account's head if it moved since its last checkpoint; one at a time per account. */
  checkpoint(accountId: string): Promise<AuditCheckpoint | null> {
    const previous = this.running.get(accountId) ?? Promise.resolve(null);
    const next = previous.catch(() => null).then(() => this.checkpointNow(accountId));
    this.running.set(accountId, next);
    void next.finally(() => {
      if (this.running.get(accountId) === next) this.running.delete(accountId);
    }).catch(() => undefined);
    return next;
  }

  private async lastSigned(accountId: string): Promise<ChainHead | null> {
    const known = this.signed.get(accountId);
    if (known) return known;
    const latest = await this.options.checkpoints.latest(accountId);
    if (!latest) return { seq: 0, hash: GENESIS_HASH };
    if (!verifyCheckpoint(latest, this.options.signer.publicKey, this.options.signer.keyId)) {
      this.refuse(accountId, { seq: latest.seq, reason: `the stored checkpoint at seq ${latest.seq} has an invalid signature` });
      return null;
    }
    const head = { seq: latest.seq, hash: latest.hash };
    this.signed.set(accountId, head);
    return head;
  }

  private async checkpointNow(accountId: string): Promise<AuditCheckpoint | null> {
    const last = await this.lastSigned(accountId);
    if (!last) return null;
    let target = this.trusted.get(accountId);
    if (!target || target.seq <= last.seq) {
      const head = await this.options.records.head(accountId);
      if (!head || head.seq <= last.seq) return null;
      const failure = await this.verifySegment(accountId, last, head);
      if (failure) {
        this.refuse(accountId, failure);
        return null;
      }
      target = head;
    }
    const checkpoint = this.options.signer.sign({ accountId, seq: target.seq, hash: target.hash, time: this.clock().toISOString() });
    await this.options.checkpoints.insert(checkpoint);
    this.signed.set(accountId, { seq: target.seq, hash: target.hash });
    const trusted = this.trusted.get(accountId);
    if (!trusted || trusted.seq < target.seq) this.trusted.set(accountId, { seq: target.seq, hash: target.hash });
    this.options.onSigned?.(checkpoint);
    return checkpoint;
  }

  /** Verifies (from, to] from the stored canonical texts and seals; undefined when intact. */
  private async verifySegment(accountId: string, from: ChainHead, to: ChainHead): Promise<{ seq: number; reason: string } | undefined> {
    const verifier = await walkStoredChain(this.options, accountId, { from, throughSeq: to.seq });
    if (verifier.failure) return verifier.failure;
    if (!verifier.intact || verifier.intact.seq !== to.seq || verifier.intact.hash !== to.hash) {
      return { seq: (verifier.intact?.seq ?? from.seq) + 1, reason: 'the chain changed while it was being verified' };
    }
    return undefined;
  }

  private refuse(accountId: string, failure: { seq: number; reason: string }): void {
    this.options.logger.error({ accountId, firstInvalidSeq: failure.seq, reason: failure.reason }, 'audit chain failed verification; checkpoint refused');
    this.options.onRefused?.(accountId, failure);
  }

  /** Checkpoints every account written to since the last tick. */
  async checkpointDirty(): Promise<void> {
    const accounts = [...this.dirty];
    this.dirty.clear();
    for (const accountId of accounts) {
      await this.checkpoint(accountId).catch((error) => {
        this.dirty.add(accountId);
        this.options.logger.warn({ err: error, accountId }, 'periodic checkpoint failed; will retry');
      });
    }
  }

  /** Checkpoints every account whose head moved (start-up, and the on-demand route without an account). */
  async sweep(): Promise<AuditCheckpoint[]> {
    const signed: AuditCheckpoint[] = [];
    for (const accountId of await this.options.records.accountIds()) {
      const checkpoint = await this.checkpoint(accountId);
      if (checkpoint) signed.push(checkpoint);
    }
    return signed;
  }

  start(intervalMs: number): this {
    this.timer = setInterval(() => {
      this.tick ??= this.checkpointDirty().finally(() => (this.tick = undefined));
    }, intervalMs);
    this.timer.unref();
    return this;
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.tick;
    await Promise.allSettled([...this.running.values()]);
  }
}
