import { Router } from 'express';
import { Schema, type Connection, type Model } from 'mongoose';
import { acceptCallers, identityOf, ok } from '@warden/http';

/** A record the audit service said it holds: the newest one of an account this producer saw confirmed. */
export interface AuditHead {
  accountId: string;
  seq: number;
  /** The record's hash (its RFC 9162 leaf hash), hex. */
  hash: string;
}

export interface AuditAnchor extends AuditHead {
  /** When the producer stored it: the audit log held this record at that time. */
  anchoredAt: Date;
}

/** Whether an answer names a record: a positive seq and a hex SHA-256 hash (heads and anchors come over the wire). */
export function isRecordPosition(value: unknown): value is { seq: number; hash: string } {
  const position = value as { seq?: unknown; hash?: unknown } | null;
  return Number.isSafeInteger(position?.seq) && (position?.seq as number) > 0 && typeof position?.hash === 'string' && /^[0-9a-f]{64}$/.test(position.hash);
}

/** The producer's internal route that tells the audit service the head it last saw confirmed. */
export const AUDIT_ANCHOR_PATH = '/internal/v1/audit/anchor';

interface AuditAnchorDoc {
  _id: string;
  seq: number;
  hash: string;
  anchoredAt: Date;
}

const schema = new Schema<AuditAnchorDoc>(
  { _id: { type: String, required: true }, seq: { type: Number, required: true }, hash: { type: String, required: true }, anchoredAt: { type: Date, required: true } },
  // Nothing to create up front (the `_id` index is the only one): the collection appears with its first anchor.
  { collection: 'audit_anchors', versionKey: false, autoCreate: false, autoIndex: false },
);

const DUPLICATE_KEY = 11000;

/**
 * The audit log's head as a producing service last saw it, kept in the producer's own database:
 * when the audit service confirms that events left this service's outbox, it names the newest
 * record of each account among them, and that record is stored here before the events are removed.
 * Someone who holds the audit database and deletes an account's newest records (with or without
 * their checkpoints) cannot change this copy, so `GET /audit/verify` names what is missing.
 */
export class AuditAnchors {
  private readonly model: Model<AuditAnchorDoc>;

  constructor(connection: Connection) {
    this.model = (connection.models.AuditAnchor as Model<AuditAnchorDoc> | undefined) ?? connection.model<AuditAnchorDoc>('AuditAnchor', schema);
  }

  /**
   * Moves each account's anchor forward to `heads` (one per account, the newest wins); never back.
   * The filter takes the document only while its seq is lower; when it is not, the upsert's insert
   * meets the existing `_id` and that duplicate key means there is nothing to do. Two replicas
   * racing on FerretDB v1 may leave the lower of two heads: a weaker anchor, never a wrong one.
   */
  async advance(heads: AuditHead[], now = new Date()): Promise<void> {
    const newest = new Map<string, AuditHead>();
    for (const head of heads) if ((newest.get(head.accountId)?.seq ?? 0) < head.seq) newest.set(head.accountId, head);
    for (const { accountId, seq, hash } of newest.values()) {
      try {
        await this.model.updateOne({ _id: accountId, seq: { $lt: seq } }, { $set: { seq, hash, anchoredAt: now } }, { upsert: true });
      } catch (error) {
        if ((error as { code?: number }).code !== DUPLICATE_KEY) throw error;
      }
    }
  }

  async get(accountId: string): Promise<AuditAnchor | null> {
    const doc = await this.model.findById(accountId).lean<AuditAnchorDoc>();
    return doc ? { accountId: doc._id, seq: doc.seq, hash: doc.hash, anchoredAt: doc.anchoredAt } : null;
  }
}

/** `GET /internal/v1/audit/anchor`: the anchor of the identity's account, for the audit service alone (`audit-service>` key). */
export function auditAnchorRoutes(anchors: AuditAnchors): Router {
  const router = Router();
  router.get(AUDIT_ANCHOR_PATH, acceptCallers('audit-service'), async (req, res) => {
    const anchor = await anchors.get(identityOf(req).accountId);
    res.set('Cache-Control', 'no-store').json(ok({ anchor: anchor && { seq: anchor.seq, hash: anchor.hash, anchoredAt: anchor.anchoredAt.toISOString() } }));
  });
  return router;
}
