/**
 * Where each audit record is found by equality alone. An embedded store (FerretDB v1) answers a
 * query from an index only when every condition it must honour is an equality; ranges, `$in`,
 * `$or` and sorts are applied by reading everything that matches the rest. So every read of the
 * trail is an equality on a key that names a small set of documents, and MongoDB serves the same
 * queries from ordinary indexes:
 * - a record's **tile**: 256 consecutive records of one account (one leaf block of its Merkle
 *   tree), the unit that pages, proofs and verification read;
 * - **markers** for the filters with few distinct values (object type, audit type, actor, day):
 *   which tiles hold a record with that value, and which groups of 256 tiles hold such a tile.
 */
export const TILE_SIZE = 256;
export const TILES_PER_GROUP = 256;

/** The tile of the record at `seq` (seq 1 is the first record). */
export const tileOf = (seq: number): number => Math.floor((seq - 1) / TILE_SIZE);
export const groupOf = (tile: number): number => Math.floor(tile / TILES_PER_GROUP);
/** The first and last seq of a tile. */
export const tileBounds = (tile: number): { first: number; last: number } => ({ first: tile * TILE_SIZE + 1, last: (tile + 1) * TILE_SIZE });
/** The value of a record's `tile` field. */
export const tileKey = (accountId: string, tile: number): string => `${accountId}:${tile}`;

/** The filters served by markers, and how a record names its values for each. */
export type MarkedField = 'objectType' | 'auditType' | 'actor' | 'day' | 'hour';

export interface MarkedValues {
  objectType: string;
  auditType: string;
  actors: readonly string[];
  timestamp: Date;
}

/** The UTC day of a time, as `YYYY-MM-DD`: the time filter's marker. */
export const dayOf = (time: Date): string => time.toISOString().slice(0, 10);


/** `field=value` for each marker a record carries. */
export function markedKeys(record: MarkedValues): string[] {
  const keys = [
    markerKey('objectType', record.objectType),
    markerKey('auditType', record.auditType),
    markerKey('day', dayOf(record.timestamp)),
    markerKey('hour', String(epochHour(record.timestamp))),
    ...record.actors.map((actor) => markerKey('actor', actor)),
  ];
  return [...new Set(keys)];
}

export const markerKey = (field: MarkedField, value: string): string => `${field}=${encodeURIComponent(value)}`;

export interface MarkerDoc {
  /** Unique per (account, key, tile) or (account, key, group): writing a marker twice is a no-op. */
  _id: string;
  /** What a reader looks up: `<account>|<key>` for the groups, `<account>|<key>|g<group>` for a group's tiles. */
  key: string;
  /** The group or the tile. */
  n: number;
}

/** The days (UTC, as days since the epoch) on which an account has records: the time filter's groups. */
export const daysKey = (accountId: string): string => `${accountId}|days`;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
export const epochDay = (time: Date): number => Math.floor(time.getTime() / DAY_MS);
export const epochHour = (time: Date): number => Math.floor(time.getTime() / HOUR_MS);

/**
 * The marker keys that cover a time range, given the days (since the epoch) on which the account
 * has records: a day inside the range by its day marker, a day at either edge by the markers of
 * its hours within the range, so a narrow range reads the tiles of its hours, not of its days.
 */
export function timeKeys(days: readonly number[], from: Date | undefined, to: Date | undefined): string[] {
  const start = from?.getTime() ?? -Infinity;
  const end = to?.getTime() ?? Infinity;
  const keys: string[] = [];
  for (const day of days) {
    const dayStart = day * DAY_MS;
    const dayEnd = dayStart + DAY_MS;
    if (dayEnd <= start || dayStart >= end) continue;
    if (start <= dayStart && dayEnd <= end) {
      keys.push(markerKey('day', dayOf(new Date(dayStart))));
      continue;
    }
    for (let hour = dayStart; hour < dayEnd; hour += HOUR_MS) {
      if (hour + HOUR_MS > start && hour < end) keys.push(markerKey('hour', String(hour / HOUR_MS)));
    }
  }
  return keys;
}

/**
 * The marker documents for records of one account: a tile marker and a group marker per key and
 * tile, and one per day the records fall on.
 */
export function markerDocs(accountId: string, records: readonly (MarkedValues & { seq: number })[]): MarkerDoc[] {
  const docs = new Map<string, MarkerDoc>();
  for (const record of records) {
    const tile = tileOf(record.seq);
    const group = groupOf(tile);
    for (const key of markedKeys(record)) {
      const groupId = `${accountId}|${key}|g${group}`;
      docs.set(`${groupId}|t${tile}`, { _id: `${groupId}|t${tile}`, key: groupId, n: tile });
      docs.set(groupId, { _id: groupId, key: `${accountId}|${key}`, n: group });
    }
    const day = epochDay(record.timestamp);
    docs.set(`${daysKey(accountId)}|${day}`, { _id: `${daysKey(accountId)}|${day}`, key: daysKey(accountId), n: day });
  }
  return [...docs.values()];
}

/** The values of the actor filter: it matches the actor's id or name, or the username. */
export const actorsOf = (record: { actor: { id: string; name: string }; username: string }): string[] => [
  ...new Set([record.actor.id, record.actor.name, record.username]),
];
