import { testInfra, uniqueName } from '@warden/testing';
import { createAuditEventsQueue, createRedis } from '@warden/queue';
import { runAccountsCreate, runAccountsDisable, runAccountsEnable } from '../cli/commands/accounts';
import { bootstrapToken } from '../../apps/gateway/src/test/gateway-harness';
import { operatorPlatformForSuite } from './operator-platform';

const LIST = '/api/v1/apitokens?limit=1';

/**
 * The attack: keep using the tokens of an account the operator has stopped, through a gateway
 * replica that verified them before and caches the verification. The answer: once
 * `warden accounts disable` returns, every token of the account is `401` on every replica; if Redis
 * cannot take the signal, the command fails (the account stays disabled) and repeating it completes it.
 */
describe('warden accounts disable|enable: an account can be stopped on every gateway replica at once', () => {
  const { redisUrl } = testInfra();
  const queuePrefix = uniqueName('q');
  const platform = operatorPlatformForSuite();
  const env = () => platform.env();
  /** Every secret on every replica: the statuses, replica by replica. */
  const statuses = async (secrets: string[]) => Promise.all(platform.clients.map(async (c) => Promise.all(secrets.map(async (secret) => (await c.call('GET', LIST, secret)).status))));

  it('refuses every token of a disabled account on both replicas once the command returns, and lets them in again once enabled', async () => {
    const created = await runAccountsCreate('Stopped Inc', env(), { queuePrefix });
    const second = await platform.clients[0].call('POST', '/api/v1/apitokens', created.token, { name: 'second', scopes: ['tokens:read'] });
    expect(second.status).toBe(201);
    const secrets = [created.token, second.body.data.token as string];
    const other = await bootstrapToken(platform.tokens.url);

    // Both tokens verified and cached on both replicas: a second round costs no verification.
    expect(await statuses(secrets)).toEqual([[200, 200], [200, 200]]);
    const verified = platform.tokens.verifyCalls();
    expect(await statuses(secrets)).toEqual([[200, 200], [200, 200]]);
    expect(platform.tokens.verifyCalls()).toBe(verified);

    const disabled = await runAccountsDisable(created.account.id, env(), { queuePrefix });
    expect(disabled).toMatchObject({ account: { id: created.account.id, enabled: false }, changed: true, tokens: 2, published: true });
    expect(await statuses(secrets)).toEqual([[401, 401], [401, 401]]);
    const refused = await platform.clients[1].call('GET', LIST, secrets[1]);
    expect(refused.body).toMatchObject({ status: 401, detail: "The API token's account is disabled." });
    // Another account is untouched.
    expect((await platform.clients[0].call('GET', LIST, other.secret)).status).toBe(200);
    const account = await platform.tokens.mongo.collection('accounts').findOne({ _id: created.account.id as never });
    expect(account).toMatchObject({ enabled: false, revision: 1 });
    // Published, and kept in the outbox until the audit service confirms it recorded them.
    expect(account?.outbox.every((event: { id: string }) => Boolean(account.outboxPublishedAt?.[event.id]))).toBe(true);

    // The audit trail gets an Account Updated event with the state before and after.
    const producer = createRedis(redisUrl, 'producer');
    const queue = createAuditEventsQueue(producer, queuePrefix);
    try {
      const jobs = await queue.getJobs(['waiting', 'active', 'completed', 'delayed', 'prioritized']);
      const updates = jobs.map((job) => job.data.event).filter((event) => event.objectId === created.account.id && event.auditType === 'Updated');
      // One in the account's own chain, its twin in the platform's.
      expect(updates.map((event) => event.accountId).sort()).toEqual([created.account.id, 'platform'].sort());
      expect(updates[0].detail).toEqual(updates[1].detail);
      expect(updates.find((event) => event.accountId === created.account.id)).toMatchObject({
        accountId: created.account.id,
        objectType: 'Account',
        actor: { type: 'operator', id: 'cli', name: 'operator' },
        detail: { update: { prior: { enabled: true }, after: { enabled: false } }, auditType: 'Updated', auditObject: 'Account' },
      });
    } finally {
      await queue.close();
      producer.disconnect();
    }

    // A repeat changes nothing and still holds.
    expect(await runAccountsDisable(created.account.id, env(), { queuePrefix })).toMatchObject({ changed: false, account: { enabled: false } });
    expect(await statuses(secrets)).toEqual([[401, 401], [401, 401]]);

    const enabled = await runAccountsEnable(created.account.id, env(), { queuePrefix });
    expect(enabled).toMatchObject({ account: { enabled: true }, changed: true });
    expect(await statuses(secrets)).toEqual([[200, 200], [200, 200]]);
  });

  it('fails the command when Redis cannot take the signal, keeps the account disabled, and completes it on the repeat', async () => {
    const created = await runAccountsCreate('Unreachable Ltd', env(), { queuePrefix });
    expect(await statuses([created.token])).toEqual([[200], [200]]);

    const noRedis = { ...env(), REDIS_URL: 'redis://127.0.0.1:1' };
    await expect(runAccountsDisable(created.account.id, noRedis, { signalWaitMs: 200 })).rejects.toThrow(
      new RegExp(`disabled in the database, but Redis did not take the signal.*Repeat \`warden accounts disable ${created.account.id}\``),
    );
    expect(await platform.tokens.mongo.collection('accounts').findOne({ _id: created.account.id as never })).toMatchObject({ enabled: false });

    // The operator repeats the command once Redis answers: it writes nothing new and stops the tokens everywhere.
    expect(await runAccountsDisable(created.account.id, env(), { queuePrefix })).toMatchObject({ changed: false, published: true });
    expect(await statuses([created.token])).toEqual([[401], [401]]);
  });

  it('names an unknown account', async () => {
    await expect(runAccountsDisable('00000000-0000-4000-8000-000000000000', env())).rejects.toMatchObject({
      message: 'No account with id 00000000-0000-4000-8000-000000000000.',
      exitCode: 1,
    });
  });
});
