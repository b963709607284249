import mongoose, { type ConnectOptions, type Connection } from 'mongoose';

/**
 * A write is acknowledged once a majority of a replica set's members hold it in their journals, so a
 * failover never takes back a change (or its audit event) that a client was told about; reads go to
 * the primary, so a service reads its own writes. A standalone server (FerretDB, the embedded
 * default) is its own majority. Options the URL states (`w`, `journal`, `wtimeoutMS`,
 * `readPreference`) win over these defaults, so an operator can tune them without a release.
 */
export const DEFAULT_WRITE_CONCERN = { w: 'majority', journal: true } as const;
export const DEFAULT_READ_PREFERENCE = 'primary';

const WRITE_CONCERN_URL_OPTIONS = ['w', 'journal', 'wtimeoutms'];

/** The connection string's options, keys lower-cased (MongoDB reads them case-insensitively). */
function urlOptions(url: string): Map<string, string> {
  const query = url.includes('?') ? url.slice(url.indexOf('?') + 1) : '';
  return new Map([...new URLSearchParams(query)].map(([key, value]) => [key.toLowerCase(), value]));
}

/** What connectMongo adds to the caller's options: the durability and read defaults the URL leaves open. */
export function mongoConnectOptions(url: string, dbName: string, extra: ConnectOptions = {}): ConnectOptions {
  const stated = urlOptions(url);
  return {
    dbName,
    autoIndex: true,
    serverSelectionTimeoutMS: 5_000,
    maxPoolSize: 20,
    ...(WRITE_CONCERN_URL_OPTIONS.some((key) => stated.has(key)) ? {} : { writeConcern: { ...DEFAULT_WRITE_CONCERN } }),
    ...(stated.has('readpreference') ? {} : { readPreference: DEFAULT_READ_PREFERENCE }),
    ...extra,
  };
}

/**
 * One connection per service, to the service's own database: nothing reads another service's data.
 * `autoIndex` builds the unique indexes the design relies on (chain seq, event ids, monikers).
 */
export async function connectMongo(url: string, dbName: string, extra: ConnectOptions = {}): Promise<Connection> {
  const connection = mongoose.createConnection(url, mongoConnectOptions(url, dbName, extra));
  await connection.asPromise();
  return connection;
}

export async function pingMongo(connection: Connection): Promise<void> {
  if (!connection.db) throw new Error('MongoDB is not connected');
  await connection.db.admin().ping();
}

/**
 * MongoDB and FerretDB both use code 11000; FerretDB's message does not name the index, so the
 * code is the only reliable signal.
 */
export function isDuplicateKeyError(error: unknown): boolean {
  const candidate = error as { code?: number; writeErrors?: { code?: number }[] } | undefined;
  return candidate?.code === 11000 || Boolean(candidate?.writeErrors?.some((e) => e.code === 11000));
}

/** Whether every write an (unordered) insert refused was refused as a duplicate key: what was new was written. */
export function isOnlyDuplicateKeyErrors(error: unknown): boolean {
  const writeErrors = (error as { writeErrors?: { code?: number }[] | { code?: number } }).writeErrors;
  if (writeErrors === undefined) return (error as { code?: number }).code === 11000;
  return (Array.isArray(writeErrors) ? writeErrors : [writeErrors]).every((e) => e.code === 11000);
}
