import { createCipheriv, randomBytes, randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { AUDIT_EVENTS_QUEUE, type SignedChangeEvent } from '@warden/contracts-events';
import { connectMongo } from '@warden/data';
import { createRedis } from '@warden/queue';
import { TEST_KEYS, testInfra, uniqueName } from '@warden/testing';
import { CredentialCipher, CredentialRepository, CredentialSealer, type CredentialDocument, type EncryptedField } from '@warden/credentials-data-access';
import { buildProgram } from '../warden';
import { loadCredentialsEnv, runCredentialsRekey } from './credentials';

const k1 = `k1:${randomBytes(32).toString('base64')}`;
const k2 = `k2:${randomBytes(32).toString('base64')}`;

/** A field sealed the way credentials were before secrets versions existed: AAD v1, no version. */
function sealV1(key: string, plaintext: string, accountId: string, credentialId: string): EncryptedField {
  const [keyId, material] = key.split(':');
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(material, 'base64'), iv);
  cipher.setAAD(Buffer.from(JSON.stringify(['warden.credential.v1', accountId, credentialId, 'password']), 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return { ciphertext: ciphertext.toString('base64'), iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), keyId };
}

/** Credentials as the service stored them before secrets versions existed: no `secretsVersion`, sealed by `key`. */
async function seed(repository: CredentialRepository, key: string, count: number): Promise<Map<string, string>> {
  const plaintexts = new Map<string, string>();
  for (let i = 0; i < count; i++) {
    const id = randomUUID();
    const accountId = randomUUID();
    const password = `pw-${randomBytes(6).toString('hex')}`;
    plaintexts.set(id, password);
    const now = new Date();
    await repository.insert({
      _id: id,
      accountId,
      name: `c${i}`,
      moniker: `c${i}`,
      type: 'http-basic',
      properties: { username: 'u' },
      secrets: { password: sealV1(key, password, accountId, id) },
      hints: {},
      keyId: key.split(':')[0],
      version: 0,
      createdAt: now,
      updatedAt: now,
      deletedAt: null,
      outbox: [],
    } satisfies CredentialDocument);
  }
  return plaintexts;
}

describe('warden credentials rekey', () => {
  const { mongoUrl, redisUrl } = testInfra();
  const db = uniqueName('clirekey');
  let connection: Awaited<ReturnType<typeof connectMongo>>;
  let repository: CredentialRepository;

  /** Runs `warden credentials rekey` (with `args`) against this suite's database with the key list `keys`: what it printed and its exit code. */
  async function runRekey(keys: string, args: string[] = []): Promise<{ text: string; exitCode: number | string | undefined }> {
    const output: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      output.push(String(chunk));
      return true;
    });
    const saved = { ...process.env };
    try {
      Object.assign(process.env, { MONGODB_URL: mongoUrl, CREDENTIAL_MONGODB_DB: db, CREDENTIAL_ENCRYPTION_KEYS: keys });
      delete process.env.REDIS_URL;
      await buildProgram().parseAsync(['node', 'warden', 'credentials', 'rekey', ...args]);
      return { text: output.join(''), exitCode: process.exitCode };
    } finally {
      process.exitCode = undefined;
      process.env = saved;
      write.mockRestore();
    }
  }

  beforeAll(async () => {
    connection = await connectMongo(mongoUrl, db);
    repository = new CredentialRepository(connection);
    await repository.init();
  });
  afterAll(async () => {
    await connection.dropDatabase();
    await connection.close();
  });

  it('re-encrypts under the newest key and a secrets version, publishes one event each, and is idempotent', async () => {
    const plaintexts = await seed(repository, k1, 3);
    const prefix = uniqueName('q');
    const env = loadCredentialsEnv({ MONGODB_URL: mongoUrl, CREDENTIAL_MONGODB_DB: db, REDIS_URL: redisUrl, CREDENTIAL_ENCRYPTION_KEYS: `${k1},${k2}`, INTERNAL_KEYS: TEST_KEYS.INTERNAL_KEYS });
    const first = await runCredentialsRekey(env, { queuePrefix: prefix, batchSize: 2 });
    // Each account's data key is created under the newest ring key, so none needed re-wrapping.
    expect(first).toEqual({ keyId: 'k2', rekeyed: 3, skipped: 0, failed: [], remaining: 0, dataKeys: { rewrapped: 0, skipped: 0, failed: [], remaining: 0 }, published: true });
    const again = await runCredentialsRekey(env, { queuePrefix: prefix });
    expect(again).toMatchObject({ rekeyed: 0, remaining: 0, dataKeys: { rewrapped: 0, remaining: 0 } });

    const k2Only = new CredentialSealer({ cipher: CredentialCipher.fromEnv(k2), repository });
    for (const document of await repository.model.find({}).lean<CredentialDocument[]>()) {
      const dataKey = await repository.findDataKey(document.accountId);
      expect(dataKey?.wrapped?.keyId).toBe('k2');
      expect(document).toMatchObject({ keyId: `dk:${dataKey?.dataKeyId}`, secretsVersion: 1 });
      expect(await k2Only.openAll(document.secrets, { accountId: document.accountId, credentialId: document._id, secretsVersion: 1 })).toEqual({ password: plaintexts.get(document._id) });
      // Published, and kept in the outbox until the audit service confirms it recorded the event.
      const publishedAt = (document as { outboxPublishedAt?: Record<string, Date> }).outboxPublishedAt ?? {};
      expect(document.outbox.map((event) => Boolean(publishedAt[event.id]))).toEqual([true]);
    }
    const producer = createRedis(redisUrl, 'worker');
    const queue = new Queue<SignedChangeEvent>(AUDIT_EVENTS_QUEUE, { connection: producer, prefix });
    try {
      const jobs = await queue.getJobs(['waiting', 'completed', 'active', 'delayed']);
      // Published by the CLI, signed with its own key for the audit service.
      expect(jobs.every((job) => job.data.producer === 'cli')).toBe(true);
      const events = jobs.map((job) => job.data.event);
      expect(events.map((event) => event.objectId).sort()).toEqual([...plaintexts.keys()].sort());
      expect(events.every((event) => event.auditType === 'Updated' && event.actor.type === 'operator')).toBe(true);
      const text = JSON.stringify(events);
      for (const password of plaintexts.values()) expect(text).not.toContain(password);
      await queue.obliterate({ force: true });
    } finally {
      await queue.close();
      producer.disconnect();
    }
  });

  it('migrates credentials written before secrets versions even when they are already under the newest key', async () => {
    await repository.model.deleteMany({});
    await repository.dataKeys.deleteMany({});
    const plaintexts = await seed(repository, k2, 2);
    const env = loadCredentialsEnv({ MONGODB_URL: mongoUrl, CREDENTIAL_MONGODB_DB: db, CREDENTIAL_ENCRYPTION_KEYS: `${k1},${k2}` });
    expect(await runCredentialsRekey(env)).toMatchObject({ keyId: 'k2', rekeyed: 2, failed: [], remaining: 0 });
    const k2Only = new CredentialSealer({ cipher: CredentialCipher.fromEnv(k2), repository });
    const sealedUnder = async () => (await repository.model.find({}).sort({ _id: 1 }).lean<CredentialDocument[]>()).map((document) => [document.keyId, document.secretsVersion, document.secrets]);
    for (const document of await repository.model.find({}).lean<CredentialDocument[]>()) {
      expect(document).toMatchObject({ keyId: expect.stringMatching(/^dk:/), secretsVersion: 1 });
      const context = { accountId: document.accountId, credentialId: document._id };
      expect(await k2Only.openAll(document.secrets, { ...context, secretsVersion: 1 })).toEqual({ password: plaintexts.get(document._id) });
      // The v1 binding no longer opens it: the field is bound to its version now.
      await expect(k2Only.openAll(document.secrets, { ...context, secretsVersion: undefined })).rejects.toThrow(/does not match credential/);
    }
    // A ring rotation re-wraps the accounts' data keys and leaves the credentials as they are.
    const migrated = await sealedUnder();
    const k3 = `k3:${randomBytes(32).toString('base64')}`;
    const rotated = loadCredentialsEnv({ MONGODB_URL: mongoUrl, CREDENTIAL_MONGODB_DB: db, CREDENTIAL_ENCRYPTION_KEYS: `${k2},${k3}` });
    expect(await runCredentialsRekey(rotated)).toMatchObject({ keyId: 'k3', rekeyed: 0, failed: [], remaining: 0, dataKeys: { rewrapped: 2, failed: [], remaining: 0 } });
    expect(await sealedUnder()).toEqual(migrated);
    expect(await runCredentialsRekey(rotated)).toMatchObject({ rekeyed: 0, remaining: 0, dataKeys: { rewrapped: 0, remaining: 0 } });
    // And k2 can go.
    const k3Only = new CredentialSealer({ cipher: CredentialCipher.fromEnv(k3), repository });
    for (const document of await repository.model.find({}).lean<CredentialDocument[]>()) {
      expect(await k3Only.openAll(document.secrets, { accountId: document.accountId, credentialId: document._id, secretsVersion: 1 })).toEqual({ password: plaintexts.get(document._id) });
    }
  });

  it('runs as a command, prints JSON, and exits non-zero when a key is missing', async () => {
    await repository.model.deleteMany({});
    await repository.dataKeys.deleteMany({});
    await seed(repository, k1, 1);
    const { text, exitCode } = await runRekey(k2, ['--json']);
    expect(JSON.parse(text)).toMatchObject({ keyId: 'k2', rekeyed: 0, remaining: 1, failed: [{ reason: "encryption key 'k1' is not configured" }] });
    expect(exitCode).toBe(1);
  });

  it('prints a summary that counts the data keys re-wrapped and the credentials re-encrypted', async () => {
    await repository.model.deleteMany({});
    await repository.dataKeys.deleteMany({});
    await seed(repository, k1, 1);
    const k3 = `k3:${randomBytes(32).toString('base64')}`;
    const run = (keys: string) => runRekey(keys);
    const first = await run(`${k1},${k2}`);
    expect(first.text).toContain('Newest key: k2\nData keys re-wrapped: 0; changed meanwhile (run again): 0; failed: 0; still under an older key: 0\nRe-encrypted: 1;');
    expect(first.exitCode).toBeUndefined();
    const rotated = await run(`${k2},${k3}`);
    expect(rotated.text).toContain('Data keys re-wrapped: 1;');
    expect(rotated.text).toContain('Re-encrypted: 0;');
    // The data key is under k3 now: a ring without k3 cannot unwrap it, and the command says which account failed.
    const missing = await run(k2);
    expect(missing.text).toMatch(/failed: 1; still under an older key: 1\n {2}account [0-9a-f-]{36}: encryption key 'k3' is not configured/);
    expect(missing.exitCode).toBe(1);
  });

  it('refuses a malformed key list without echoing it', () => {
    const material = randomBytes(16).toString('base64');
    const load = () => loadCredentialsEnv({ MONGODB_URL: mongoUrl, CREDENTIAL_ENCRYPTION_KEYS: `k1:${material}` });
    expect(load).toThrow(/CREDENTIAL_ENCRYPTION_KEYS: key 'k1' must be 32 bytes/);
    expect(load).toThrow(expect.objectContaining({ message: expect.not.stringContaining(material) }));
    expect(() => loadCredentialsEnv({ NODE_ENV: 'production', MONGODB_URL: mongoUrl })).toThrow(/CREDENTIAL_ENCRYPTION_KEYS: is required/);
  });

  it('is listed in --help', () => {
    const credentials = buildProgram().commands.find((command) => command.name() === 'credentials');
    expect(credentials?.commands.map((command) => command.name())).toEqual(['rekey']);
  });
});
