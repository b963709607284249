import type { Connection, Model } from 'mongoose';
import type { AuditCheckpoint } from '@warden/audit-client';
import { isDuplicateKeyError } from '@warden/data';
import { auditCheckpointModel, type AuditCheckpointDoc } from './audit-checkpoint.model';
import { auditCosignatureModel, type AuditCosignatureDoc } from './audit-cosignature.model';
import { chainHeadHintModel, type ChainHeadHintDoc } from './audit-layout.model';
import { splitLeafHashes } from './audit-tree-node.repository';

/** Checkpoints are read by bucket (an equality), a bucket holding those of this many records. */
const BUCKET_RECORDS = 65_536;
const bucketOf = (seq: number) => Math.floor(seq / BUCKET_RECORDS);
const bucketKey = (accountId: string, bucket: number) => `${accountId}:${bucket}`;

const PROJECTION = { _id: 0, accountId: 1, seq: 1, hash: 1, time: 1, signature: 1, keyId: 1, treeSize: 1, rootHash: 1, note: 1 };

/** A checkpoint as the checkpointer keeps it: the contract's fields and the tree's compact range. */
export type StoredCheckpoint = AuditCheckpoint & Pick<AuditCheckpointDoc, 'range' | 'tail'>;

const COSIGNATURE_PROJECTION = { _id: 0, accountId: 1, treeSize: 1, witnessKeyId: 1, witness: 1, cosignature: 1, timestamp: 1, createdAt: 1 };

export class AuditCheckpointRepository {
  readonly model: Model<AuditCheckpointDoc>;
  /** Witness cosignatures of the checkpoints (collection audit_cosignatures). */
  readonly cosignatureModel: Model<AuditCosignatureDoc>;
  private readonly heads: Model<ChainHeadHintDoc>;

  constructor(connection: Connection) {
    this.model = auditCheckpointModel(connection);
    this.cosignatureModel = auditCosignatureModel(connection);
    this.heads = chainHeadHintModel(connection);
  }

  /** The checkpoints of one bucket, oldest first. */
  private async bucket(accountId: string, bucket: number, projection: Record<string, number> = PROJECTION): Promise<StoredCheckpoint[]> {
    const docs = await this.model.find({ bucket: bucketKey(accountId, bucket) }, { ...projection, accountId: 1 }).lean<StoredCheckpoint[]>();
    return docs.filter((doc) => doc.accountId === accountId).sort((a, b) => a.seq - b.seq);
  }

  /**
   * The highest bucket holding a checkpoint: from the bucket of the chain's head hint, upward while
   * the next one holds any (the hint may lag, or be gone).
   */
  private async topBucket(accountId: string, throughSeq?: number): Promise<number> {
    if (throughSeq !== undefined) return bucketOf(throughSeq);
    const hint = await this.heads.findOne({ _id: accountId }).lean<ChainHeadHintDoc>();
    let top = bucketOf(hint?.seq ?? 0);
    while ((await this.model.findOne({ bucket: bucketKey(accountId, top + 1) }, { _id: 1 }).lean()) !== null) top++;
    return top;
  }

  /** Checkpoints newest first, bucket after bucket, from `from` down (the caller stops when it has enough). */
  private async *newestFirst(accountId: string, from: number, projection?: Record<string, number>): AsyncGenerator<StoredCheckpoint> {
    for (let bucket = from; bucket >= 0; bucket--) {
      const docs = await this.bucket(accountId, bucket, projection);
      for (let i = docs.length - 1; i >= 0; i--) yield docs[i];
    }
  }

  async init(): Promise<void> {
    await Promise.all([this.model.init(), this.cosignatureModel.init()]);
    await Promise.all([this.model.createIndexes(), this.cosignatureModel.createIndexes()]);
  }

  /** The leaf hashes of the last, incomplete block of the signed tree of this size, when stored with it. */
  async tailOf(accountId: string, treeSize: number): Promise<Buffer[] | undefined> {
    const doc = await this.model.findOne({ accountId, seq: treeSize, treeSize }, { _id: 0, tail: 1 }).lean<{ tail?: string }>();
    return doc?.tail === undefined ? undefined : splitLeafHashes(doc.tail);
  }

  /** The signed tree of exactly this size, or null. */
  async treeOfSize(accountId: string, treeSize: number): Promise<AuditCheckpoint | null> {
    return this.model.findOne({ accountId, seq: treeSize, treeSize }, PROJECTION).lean<AuditCheckpoint>();
  }

  /**
   * Stores a witness's cosignature once per (account, tree size, witness key): `inserted: false`
   * with the stored one when that key had already cosigned that checkpoint.
   */
  async insertCosignature(cosignature: AuditCosignatureDoc): Promise<{ inserted: boolean; stored: AuditCosignatureDoc }> {
    try {
      await this.cosignatureModel.collection.insertOne({ ...cosignature });
      return { inserted: true, stored: cosignature };
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      const { accountId, treeSize, witnessKeyId } = cosignature;
      const stored = await this.cosignatureModel.findOne({ accountId, treeSize, witnessKeyId }, COSIGNATURE_PROJECTION).lean<AuditCosignatureDoc>();
      if (!stored) throw error;
      return { inserted: false, stored };
    }
  }

  /** The cosignatures of the checkpoint of this size, oldest first. */
  async cosignatures(accountId: string, treeSize: number): Promise<AuditCosignatureDoc[]> {
    return this.cosignatureModel.find({ accountId, treeSize }, COSIGNATURE_PROJECTION).sort({ createdAt: 1, witnessKeyId: 1 }).limit(32).lean<AuditCosignatureDoc[]>();
  }

  /** Stores a checkpoint; false when one for the same head already exists (another replica signed it). */
  async insert(checkpoint: StoredCheckpoint): Promise<boolean> {
    try {
      await this.model.collection.insertOne({ ...checkpoint, bucket: bucketKey(checkpoint.accountId, bucketOf(checkpoint.seq)) });
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  async latest(accountId: string): Promise<AuditCheckpoint | null> {
    for await (const checkpoint of this.newestFirst(accountId, await this.topBucket(accountId))) return checkpoint;
    return null;
  }

  /** The newest checkpoint that carries a tree (a signed note), with its compact range. */
  async latestTree(accountId: string): Promise<StoredCheckpoint | null> {
    for await (const checkpoint of this.newestFirst(accountId, await this.topBucket(accountId), { ...PROJECTION, range: 1, tail: 1 })) {
      if (checkpoint.treeSize !== undefined) return checkpoint;
    }
    return null;
  }

  /** The oldest checkpoint that carries a tree, of any key or signed by key `keyId` (when that key started signing this account's notes). */
  async firstTree(accountId: string, keyId?: string): Promise<AuditCheckpoint | null> {
    const top = await this.topBucket(accountId);
    for (let bucket = 0; bucket <= top; bucket++) {
      const found = (await this.bucket(accountId, bucket)).find((doc) => doc.treeSize !== undefined && (keyId === undefined || doc.keyId === keyId));
      if (found) return found;
    }
    return null;
  }

  /** Every cosignature of the account's checkpoints, by tree size then oldest first (an export streams them). */
  allCosignatures(accountId: string): AsyncIterable<AuditCosignatureDoc> & { close: () => Promise<void> } {
    return this.cosignatureModel.find({ accountId }, COSIGNATURE_PROJECTION).sort({ treeSize: 1, createdAt: 1, witnessKeyId: 1 }).lean<AuditCosignatureDoc>().cursor() as any;
  }

  /** Newest first. */
  async page(accountId: string, page: { beforeSeq?: number; limit: number }): Promise<AuditCheckpoint[]> {
    const found: AuditCheckpoint[] = [];
    const top = page.beforeSeq !== undefined ? bucketOf(page.beforeSeq) : await this.topBucket(accountId);
    for await (const checkpoint of this.newestFirst(accountId, top)) {
      if (page.beforeSeq !== undefined && checkpoint.seq >= page.beforeSeq) continue;
      found.push(withoutRange(checkpoint));
      if (found.length >= page.limit) break;
    }
    return found;
  }

  /** Oldest first, optionally only those up to `throughSeq` (an export's snapshot); the buckets are read at once. */
  async all(accountId: string, throughSeq?: number): Promise<AuditCheckpoint[]> {
    const top = await this.topBucket(accountId, throughSeq);
    const buckets = await Promise.all(Array.from({ length: top + 1 }, (_, bucket) => this.bucket(accountId, bucket)));
    return buckets.flat().filter((doc) => throughSeq === undefined || doc.seq <= throughSeq).map(withoutRange);
  }
}

function withoutRange({ range: _range, tail: _tail, ...checkpoint }: StoredCheckpoint): AuditCheckpoint {
  return checkpoint;
}
