import mongoose, { type ConnectOptions, type Connection } from 'mongoose';

/**
 * One connection per service, to the service's own database: nothing reads another service's data.
 * `autoIndex` builds the unique indexes the design relies on (chain seq, event ids, monikers).
 */
export async function connectMongo(url: string, dbName: string, extra: ConnectOptions = {}): Promise<Connection> {
  const connection = mongoose.createConnection(url, {
    dbName,
    autoIndex: true,
    serverSelectionTimeoutMS: 5_000,
    maxPoolSize: 20,
    ...extra,
  });
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
