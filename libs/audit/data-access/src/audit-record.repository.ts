import type { Connection, Model } from 'mongoose';
import { isDuplicateKeyError, isOnlyDuplicateKeyErrors } from '@warden/data';
import type { AuditRecordWithCanonical, ChainHead } from '@warden/audit-client';
import type { AuditType } from '@warden/contracts-events';
import { chainHeadHintModel, auditMarkerModel, type ChainHeadHintDoc } from './audit-layout.model';
import { auditRecordModel, STORED_ONLY_IN_CANONICAL, type AuditRecordDoc, type StoredAuditRecordDoc } from './audit-record.model';
import { actorsOf, daysKey, groupOf, markerDocs, markerKey, tileKey, tileOf, timeKeys, type MarkerDoc } from './record-layout';

export interface AuditRecordFilter {
  objectType?: string;
  auditType?: AuditType;
  objectId?: string;
  /** Matches the actor's id or name, or the username. */
  actor?: string;
  from?: Date;
  to?: Date;
}

/** Where a recorded event sits: its account's chain, seq and record hash. */
export interface RecordedEventPosition {
  eventId: string;
  accountId: string;
  seq: number;
  hash: string;
}

/** A stored record as the contract shows it (with `canonical`). */
export function toAuditRecord(doc: AuditRecordDoc): AuditRecordWithCanonical {
  return {
    id: doc._id,
    seq: doc.seq,
    timestamp: doc.timestamp instanceof Date ? doc.timestamp.toISOString() : String(doc.timestamp),
    objectType: doc.objectType,
    auditType: doc.auditType,
    objectId: doc.objectId,
    username: doc.username,
    actor: doc.actor,
    remoteIp: doc.remoteIp ?? null,
    detail: doc.detail,
    prevHash: doc.prevHash,
    hash: doc.hash,
    canonical: doc.canonical,
  };
}

/** A record as written: the fields kept only in its canonical text left out, its read keys added. */
function toStored(doc: AuditRecordDoc): StoredAuditRecordDoc {
  const stored: Record<string, unknown> = { ...doc, tile: tileKey(doc.accountId, tileOf(doc.seq)), actors: actorsOf(doc) };
  for (const field of STORED_ONLY_IN_CANONICAL) delete stored[field];
  return stored as unknown as StoredAuditRecordDoc;
}

/**
 * A stored record with its content read back from the canonical text. Text that is no longer
 * JSON (an edit) gives empty fields: verification reports the record, reads do not fail on it.
 */
export function fromStored({ tile: _tile, actors: _actors, ...doc }: StoredAuditRecordDoc): AuditRecordDoc {
  let content: Partial<Pick<AuditRecordDoc, (typeof STORED_ONLY_IN_CANONICAL)[number]>> = {};
  try {
    content = JSON.parse(doc.canonical) ?? {};
  } catch {
    // an edited canonical text: the hash check names it
  }
  return {
    ...doc,
    username: content.username ?? '',
    actor: content.actor ?? { type: 'service', id: '', name: '' },
    remoteIp: content.remoteIp ?? null,
    detail: content.detail ?? {},
  };
}

/** Marker ids this process has stored, so an append writes each marker once instead of failing on it again and again. */
const REMEMBERED_MARKERS = 100_000;

/** How many tiles a reader asks for at once: enough to keep the store busy, few enough to stop early. */
const TILES_IN_FLIGHT = 4;

/**
 * The append-only store of audit records. Writes go through `insertChain` only; nothing here
 * updates or deletes, and the model refuses both. Every read is an equality on an indexed key
 * (record-layout.ts), so its cost does not grow with the trail.
 */
export class AuditRecordRepository {
  readonly model: Model<StoredAuditRecordDoc>;
  readonly markers: Model<MarkerDoc>;
  readonly heads: Model<ChainHeadHintDoc>;
  /** Marker ids known to be stored (a duplicate insert costs the store as much as a new one). */
  private readonly storedMarkers = new Set<string>();

  constructor(connection: Connection) {
    this.model = auditRecordModel(connection);
    this.markers = auditMarkerModel(connection);
    this.heads = chainHeadHintModel(connection);
  }

  /** Resolves once the indexes exist: the chain's safety depends on the unique ones, so writers wait. */
  async init(): Promise<void> {
    await Promise.all([this.model.init(), this.markers.init(), this.heads.init()]);
    await Promise.all([this.model.createIndexes(), this.markers.createIndexes(), this.heads.createIndexes()]);
  }

  /**
   * The newest record: found from the head hint by probing seqs (each an equality), forward while
   * records follow it and back when the hint names one that is not there.
   */
  async head(accountId: string): Promise<ChainHead | null> {
    const hint = (await this.heads.findOne({ _id: accountId }).lean<ChainHeadHintDoc>())?.seq ?? 0;
    let head: ChainHead | null = null; // the highest record known to exist
    let absent: number; // a seq known to be absent
    const probe = async (seq: number) => {
      const hash = await this.hashAt(accountId, seq);
      if (hash !== null) head = { seq, hash };
      return hash !== null;
    };
    if (hint > 0 && (await probe(hint))) {
      let step = 1;
      while (await probe(hint + step)) step *= 2;
      absent = hint + step;
    } else {
      absent = hint > 0 ? hint : 1;
      if (hint === 0) while (await probe(absent)) absent *= 2;
    }
    let low = (head as ChainHead | null)?.seq ?? 0;
    while (absent - low > 1) {
      const mid = Math.floor((low + absent) / 2);
      if (await probe(mid)) low = mid;
      else absent = mid;
    }
    return head;
  }

  /**
   * Inserts consecutive links in order. A duplicate key (another writer took a seq, or an event
   * is already recorded) stops the insert at that document; the ones before it are written.
   * The markers are written first: a marker without its record costs a reader one empty lookup,
   * a record without its marker would be missing from filtered pages.
   */
  async insertChain(docs: AuditRecordDoc[]): Promise<void> {
    if (docs.length === 0) return;
    const accountId = docs[0].accountId;
    const stored = docs.map(toStored);
    await this.insertMarkers(markerDocs(accountId, stored.map((doc) => ({ ...doc, timestamp: new Date(doc.timestamp) }))));
    try {
      await this.model.collection.insertMany(stored as any[], { ordered: true });
    } finally {
      await this.raiseHeadHint(accountId, docs[docs.length - 1].seq).catch(() => undefined);
    }
  }

  /** Stores the markers this process has not stored yet (every one of them, once; duplicates are no-ops). */
  private async insertMarkers(markers: MarkerDoc[]): Promise<void> {
    const fresh = markers.filter((marker) => !this.storedMarkers.has(marker._id));
    if (fresh.length === 0) return;
    await insertIgnoringDuplicates(this.markers, fresh);
    if (this.storedMarkers.size + fresh.length > REMEMBERED_MARKERS) this.storedMarkers.clear();
    for (const marker of fresh) this.storedMarkers.add(marker._id);
  }

  private async raiseHeadHint(accountId: string, seq: number): Promise<void> {
    try {
      await this.heads.collection.updateOne({ _id: accountId } as any, { $max: { seq } }, { upsert: true });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error; // two first upserts at once: the other one made it
      await this.heads.collection.updateOne({ _id: accountId } as any, { $max: { seq } });
    }
  }

  async findByEventIds(eventIds: string[]): Promise<AuditRecordDoc[]> {
    const found = await Promise.all([...new Set(eventIds)].map((eventId) => this.model.findOne({ eventId }).lean<StoredAuditRecordDoc>()));
    return found.filter((doc): doc is StoredAuditRecordDoc => doc !== null).map(fromStored);
  }

  /** Which of `eventIds` are recorded, with where each sits in its chain: nothing of the records' content. */
  async recordedEvents(eventIds: string[]): Promise<RecordedEventPosition[]> {
    return (await this.findByEventIds(eventIds)).map(({ eventId, accountId, seq, hash }) => ({ eventId, accountId, seq, hash }));
  }

  /** The record at `seq` of an account's chain: its hash, or null when there is none. */
  async hashAt(accountId: string, seq: number): Promise<string | null> {
    const doc = await this.model.findOne({ seq, accountId }, { _id: 0, hash: 1 }).lean<{ hash: string }>();
    return doc?.hash ?? null;
  }

  async findById(accountId: string, id: string): Promise<AuditRecordDoc | null> {
    const doc = await this.model.findOne({ _id: id, accountId }).lean<StoredAuditRecordDoc>();
    return doc ? fromStored(doc) : null;
  }

  /**
   * Newest first; `beforeSeq` continues a previous page. A page holds `limit` records whenever that
   * many match: an unfiltered page reads its records by seq; a filtered one reads tile after tile
   * (newest first, more at once as it goes) until it has them.
   */
  async list(accountId: string, filter: AuditRecordFilter, page: { beforeSeq?: number; limit: number }): Promise<AuditRecordDoc[]> {
    const equal: Record<string, unknown> = { accountId };
    if (filter.objectType !== undefined) equal.objectType = String(filter.objectType);
    if (filter.auditType !== undefined) equal.auditType = String(filter.auditType);
    if (filter.objectId !== undefined) equal.objectId = String(filter.objectId);
    if (filter.actor !== undefined) equal.actors = String(filter.actor);
    const wanted = (doc: StoredAuditRecordDoc) =>
      (page.beforeSeq === undefined || doc.seq < page.beforeSeq) &&
      (!filter.from || new Date(doc.timestamp) >= filter.from) &&
      (!filter.to || new Date(doc.timestamp) < filter.to);
    const newestFirst = (a: StoredAuditRecordDoc, b: StoredAuditRecordDoc) => b.seq - a.seq;
    const projection = { seal: 0 };

    // An object's records are few: one equality names them all.
    if (equal.objectId !== undefined) {
      const docs = await this.model.find(equal, projection).lean<StoredAuditRecordDoc[]>();
      return docs.filter(wanted).sort(newestFirst).slice(0, page.limit).map(fromStored);
    }

    let top = page.beforeSeq !== undefined ? page.beforeSeq - 1 : (await this.head(accountId))?.seq ?? 0;
    const found: StoredAuditRecordDoc[] = [];
    if (Object.keys(equal).length === 1 && !filter.from && !filter.to) {
      while (found.length < page.limit && top >= 1) {
        const seqs = Array.from({ length: Math.min(page.limit - found.length, top) }, (_, i) => top - i);
        const docs = await Promise.all(seqs.map((seq) => this.model.findOne({ seq, accountId }, projection).lean<StoredAuditRecordDoc>()));
        found.push(...docs.filter((doc): doc is StoredAuditRecordDoc => doc !== null));
        top -= seqs.length;
      }
      return found.map(fromStored);
    }

    if (top < 1) return [];
    const tiles = this.tilesFor(accountId, filter, tileOf(top));
    for (let width = 1; found.length < page.limit; width = Math.min(width * 2, TILES_IN_FLIGHT)) {
      const batch: number[] = [];
      while (batch.length < width) {
        const next = await tiles.next();
        if (next.done) break;
        batch.push(next.value);
      }
      if (batch.length === 0) break;
      const pages = await Promise.all(batch.map((tile) => this.model.find({ ...equal, tile: tileKey(accountId, tile) }, projection).lean<StoredAuditRecordDoc[]>()));
      for (const docs of pages) found.push(...docs.filter(wanted).sort(newestFirst));
    }
    return found.slice(0, page.limit).map(fromStored);
  }

  /**
   * The tiles that may hold a match, newest first from `top`: every tile when nothing narrows the
   * search, else the marked tiles of the filter with the fewest values (object type, audit type,
   * actor), or of the days of the time range.
   */
  private async *tilesFor(accountId: string, filter: AuditRecordFilter, top: number): AsyncGenerator<number> {
    const keys = filter.actor !== undefined
      ? [markerKey('actor', String(filter.actor))]
      : filter.auditType !== undefined
        ? [markerKey('auditType', String(filter.auditType))]
        : filter.objectType !== undefined
          ? [markerKey('objectType', String(filter.objectType))]
          : filter.from || filter.to
            ? await this.daysOf(accountId, filter)
            : null;
    if (keys === null) {
      for (let tile = top; tile >= 0; tile--) yield tile;
      return;
    }
    const groups = await this.markedNumbers(keys.map((key) => `${accountId}|${key}`));
    for (const group of groups.filter((g) => g <= groupOf(top))) {
      const tiles = await this.markedNumbers(keys.map((key) => `${accountId}|${key}|g${group}`));
      for (const tile of tiles.filter((t) => t <= top)) yield tile;
    }
  }

  /** The marker keys of a time filter, over the days on which the account has records. */
  private async daysOf(accountId: string, filter: AuditRecordFilter): Promise<string[]> {
    const days = await this.markers.find({ key: daysKey(accountId) }, { _id: 0, n: 1 }).lean<{ n: number }[]>();
    return timeKeys(
      days.map(({ n }) => n),
      filter.from,
      filter.to,
    );
  }

  /** The numbers (groups or tiles) marked under any of `keys`, newest first. */
  private async markedNumbers(keys: string[]): Promise<number[]> {
    const found = new Set<number>();
    for (let start = 0; start < keys.length; start += 16) {
      const batch = await Promise.all(keys.slice(start, start + 16).map((key) => this.markers.find({ key }, { _id: 0, n: 1 }).lean<{ n: number }[]>()));
      for (const docs of batch) for (const { n } of docs) found.add(n);
    }
    return [...found].sort((a, b) => b - a);
  }

  /** The records of one tile, in seq order, as stored. */
  private async tile(accountId: string, tile: number): Promise<StoredAuditRecordDoc[]> {
    const docs = await this.model.find({ tile: tileKey(accountId, tile) }).lean<StoredAuditRecordDoc[]>();
    return docs.filter((doc) => doc.accountId === accountId).sort((a, b) => a.seq - b.seq);
  }

  /**
   * The chain in ascending seq, tile by tile with a few tiles read ahead (constant memory),
   * optionally a segment of it; up to the head when `throughSeq` is not given.
   */
  streamChain(accountId: string, range: { afterSeq?: number; throughSeq?: number } = {}): AsyncIterable<AuditRecordDoc> & { close(): Promise<void> } {
    let closed = false;
    const readTile = (tile: number) => this.tile(accountId, tile);
    const head = () => this.head(accountId);
    async function* records(): AsyncGenerator<AuditRecordDoc> {
      const from = (range.afterSeq ?? 0) + 1;
      const through = range.throughSeq ?? (await head())?.seq ?? 0;
      if (through < from) return;
      const last = tileOf(through);
      const ahead: Promise<StoredAuditRecordDoc[]>[] = [];
      let next = tileOf(from);
      const fill = () => {
        while (ahead.length < TILES_IN_FLIGHT && next <= last) ahead.push(readTile(next++));
      };
      fill();
      while (ahead.length > 0 && !closed) {
        const docs = await ahead.shift()!;
        fill();
        for (const doc of docs) if (doc.seq >= from && doc.seq <= through) yield fromStored(doc);
      }
      await Promise.allSettled(ahead);
    }
    const iterator = records();
    return {
      [Symbol.asyncIterator]: () => iterator,
      close: async () => {
        closed = true;
        await iterator.return(undefined);
      },
    };
  }

  /** The hashes (leaf hashes of the tree) of records `fromSeq`..`toSeq`, in seq order. */
  async hashesBetween(accountId: string, fromSeq: number, toSeq: number): Promise<{ seq: number; hash: string }[]> {
    const tiles: number[] = [];
    for (let tile = tileOf(fromSeq); tile <= tileOf(toSeq); tile++) tiles.push(tile);
    const docs = (await Promise.all(tiles.map((tile) => this.tile(accountId, tile)))).flat();
    return docs.filter((doc) => doc.seq >= fromSeq && doc.seq <= toSeq).map(({ seq, hash }) => ({ seq, hash }));
  }

  /** Every account with at least one record (the checkpointer's start-up sweep). */
  async accountIds(): Promise<string[]> {
    return (await this.heads.find({}, { _id: 1 }).lean<{ _id: string }[]>()).map((doc) => doc._id);
  }
}

/** Inserts documents with deterministic ids, those already stored being no-ops. */
async function insertIgnoringDuplicates(model: Model<any>, docs: readonly object[]): Promise<void> {
  for (let start = 0; start < docs.length; start += 1_000) {
    try {
      await model.collection.insertMany(docs.slice(start, start + 1_000) as any[], { ordered: false });
    } catch (error) {
      if (!isOnlyDuplicateKeyErrors(error)) throw error;
    }
  }
}

