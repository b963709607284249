import { Schema, type Connection } from 'mongoose';
import { testInfra, uniqueName } from '@warden/testing';
import { connectMongo, mongoConnectOptions } from './mongo';

// Against the run's real server (FerretDB unless MONGODB_URL names a MongoDB): the write concern
// connectMongo sets must travel with every write and be accepted, so that the same code runs on a
// standalone server and on a replica set.

/** The run's URL with extra connection-string options. */
function withOptions(url: string, options: string): string {
  if (url.includes('?')) return `${url}&${options}`;
  return `${url}${url.slice(url.indexOf('//') + 2).includes('/') ? '' : '/'}?${options}`;
}

/** Connects with command monitoring and returns the connection and the `writeConcern` each insert carried. */
async function connectWatching(url: string, dbName: string): Promise<{ connection: Connection; sent: unknown[] }> {
  const connection = await connectMongo(url, dbName, { monitorCommands: true });
  const sent: unknown[] = [];
  connection.getClient().on('commandStarted', (event) => {
    if (event.commandName === 'insert') sent.push(event.command.writeConcern);
  });
  return { connection, sent };
}

const open: Connection[] = [];

afterAll(async () => {
  for (const connection of open) {
    await connection.dropDatabase();
    await connection.close();
  }
});

describe('connectMongo', () => {
  it('writes with majority write concern and a journal, reads from the primary, and reads its own write at once', async () => {
    const { connection, sent } = await connectWatching(testInfra().mongoUrl, uniqueName('majority'));
    open.push(connection);
    expect(connection.getClient().options.writeConcern).toMatchObject({ w: 'majority', journal: true });
    expect(connection.getClient().readPreference.mode).toBe('primary');

    const Thing = connection.model('Thing', new Schema({ _id: String, n: Number }));
    await Thing.create({ _id: 'a', n: 1 });
    await Thing.updateOne({ _id: 'a' }, { $set: { n: 2 } });
    // The server acknowledged a write that asked for a majority and the journal, and serves it back.
    expect(sent).toEqual([{ w: 'majority', j: true }]);
    expect(await Thing.findById('a').lean()).toEqual({ _id: 'a', n: 2, __v: 0 });
  });

  it('keeps the write concern and read preference the URL states', async () => {
    const url = withOptions(testInfra().mongoUrl, 'w=1&readPreference=primaryPreferred');
    const { connection, sent } = await connectWatching(url, uniqueName('urlwins'));
    open.push(connection);
    expect(connection.getClient().options.writeConcern).toMatchObject({ w: 1 });
    expect(connection.getClient().options.writeConcern?.journal).toBeUndefined();
    expect(connection.getClient().readPreference.mode).toBe('primaryPreferred');

    await connection.model('Thing', new Schema({ _id: String })).create({ _id: 'a' });
    expect(sent).toEqual([{ w: 1 }]);
  });
});

describe('mongoConnectOptions', () => {
  const defaults = { writeConcern: { w: 'majority', journal: true }, readPreference: 'primary' };

  it('adds the defaults when the URL states neither, replica set URLs included', () => {
    expect(mongoConnectOptions('mongodb://127.0.0.1:27017/', 'db')).toMatchObject({ dbName: 'db', autoIndex: true, ...defaults });
    expect(mongoConnectOptions('mongodb://mongo1:27017,mongo2:27017,mongo3:27017/?replicaSet=rs0', 'db')).toMatchObject(defaults);
  });

  it('leaves the whole write concern to a URL that states any part of it, whatever the case of its keys', () => {
    for (const query of ['w=2', 'journal=false', 'wtimeoutMS=5000', 'W=majority', 'replicaSet=rs0&wTimeoutMS=100']) {
      const options = mongoConnectOptions(`mongodb://a:1,b:2/?${query}`, 'db');
      expect([query, options.writeConcern]).toEqual([query, undefined]);
      expect([query, options.readPreference]).toEqual([query, 'primary']);
    }
    const secondary = mongoConnectOptions('mongodb://a:1/?readpreference=secondary', 'db');
    expect(secondary.writeConcern).toEqual(defaults.writeConcern);
    expect(secondary).not.toHaveProperty('readPreference');
  });

  it('lets the caller override any option', () => {
    expect(mongoConnectOptions('mongodb://a:1/', 'db', { writeConcern: { w: 1 }, maxPoolSize: 5 })).toMatchObject({ writeConcern: { w: 1 }, maxPoolSize: 5 });
  });
});
