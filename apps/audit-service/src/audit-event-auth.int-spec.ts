import { randomBytes, randomUUID } from 'node:crypto';
import { generateInternalKey, parseInternalKeys } from '@warden/config';
import { ChangeEventSigner, type ChangeEvent, type EventRejection } from '@warden/contracts-events';
import { eventually } from '@warden/testing';
import { listQuarantinedAuditJobs, loadAuditCliEnv, replayQuarantinedJobs } from '../../../tools/cli/commands/audit';
import { auditServiceWithWorkerForSuite, changeEvent, type AuditHarness } from './test/audit-service-harness';

jest.setTimeout(60_000);

let h: AuditHarness;
auditServiceWithWorkerForSuite((started) => (h = started));

/** A signer with a key the audit service has never seen, under the name and key id given. */
const impostor = (producer: string, keyId: string) => ChangeEventSigner.forProducer(producer, parseInternalKeys(generateInternalKey(producer, 'audit-service', keyId, randomBytes)));

async function quarantined(reason: EventRejection): Promise<number> {
  const metric = await h.metrics.eventsQuarantined.get();
  return metric.values.find((value) => value.labels.reason === reason)?.value ?? 0;
}

/**
 * Puts `data` on audit-events as an attacker with access to Redis would, then a genuine event of
 * the same account right after: the genuine one is recorded, the forged one is not, sits in the
 * quarantine and is counted under the reason it returns.
 */
async function attack(event: ChangeEvent, data: unknown): Promise<EventRejection> {
  const before = Object.fromEntries((await h.metrics.eventsQuarantined.get()).values.map((value) => [value.labels.reason, value.value]));
  await h.eventsQueue.add(event.auditType, data, { jobId: event.id });
  const genuine = await h.reporter.reportChange(changeEvent(event.accountId, { after: { name: 'genuine' } }));
  await h.waitForRecords(event.accountId, 1);
  const parked = await eventually(
    () => h.quarantineQueue.getJob(event.id),
    (job) => job !== undefined,
  );
  const reason = parked?.data.reason as EventRejection;
  expect(parked?.data).toMatchObject({ name: event.auditType, data });
  const records = await h.records.model.find({ accountId: event.accountId }).lean();
  expect(records.map((record) => record.eventId)).toEqual([genuine.id]);
  expect(await quarantined(reason)).toBe((before[reason] ?? 0) + 1);
  expect((await h.eventsQueue.getJob(event.id))?.returnvalue).toEqual({ quarantined: reason });
  return reason;
}

describe('an attacker with write access to Redis', () => {
  it('cannot have an event recorded by putting it on audit-events without a MAC', async () => {
    const event = changeEvent(randomUUID());
    expect(await attack(event, event)).toBe('unauthenticated');
  });

  it('cannot sign an event with a key of its own under a producer key id the audit service knows', async () => {
    const event = changeEvent(randomUUID());
    expect(await attack(event, impostor('token-service', 'test-1').sign(event))).toBe('bad_mac');
  });

  it('cannot sign an event with a made-up key id', async () => {
    const event = changeEvent(randomUUID());
    expect(await attack(event, impostor('token-service', 'forged-1').sign(event))).toBe('unknown_key');
  });

  it('cannot sign an event as a producer the audit service has no key for', async () => {
    const event = changeEvent(randomUUID());
    expect(await attack(event, impostor('intruder', 'k1').sign(event))).toBe('unknown_producer');
  });

  it('cannot alter a genuine event after its producer signed it', async () => {
    const event = changeEvent(randomUUID());
    const signed = h.signerFor('token-service').sign(event);
    const altered = { ...signed, event: { ...event, detail: { ...event.detail, update: { prior: { name: 'ci' }, after: { name: 'attacker' } } } } };
    expect(await attack(event, altered)).toBe('bad_mac');
  });

  it('cannot move a genuine signed event to another account', async () => {
    const event = changeEvent(randomUUID());
    const signed = h.signerFor('token-service').sign(changeEvent(randomUUID()));
    expect(await attack(event, { ...signed, event: { ...signed.event, id: event.id, accountId: event.accountId } })).toBe('bad_mac');
  });

  it('cannot have one producer speak for another producer\'s object type, nor the gateway for any', async () => {
    const token = changeEvent(randomUUID());
    expect(await attack(token, h.signerFor('credential-service').sign(token))).toBe('not_allowed');
    const credential = changeEvent(randomUUID(), { objectType: 'Credential' });
    expect(await attack(credential, h.signerFor('token-service').sign(credential))).toBe('not_allowed');
    const account = changeEvent(randomUUID(), { objectType: 'Account' });
    expect(await attack(account, h.signerFor('gateway').sign(account))).toBe('not_allowed');
  });

  it('leaves what it forged in the quarantine for the operator: listed, and refused again when replayed', async () => {
    const event = changeEvent(randomUUID());
    expect(await attack(event, { ...h.signerFor('token-service').sign(event), mac: 'A'.repeat(43) })).toBe('bad_mac');
    const env = loadAuditCliEnv({ REDIS_URL: h.redisUrl, AUDIT_QUEUE_PREFIX: h.prefix });
    const listed = await listQuarantinedAuditJobs(env, 1_000);
    expect(listed.find((job) => job.jobId === event.id)).toMatchObject({ reason: 'bad_mac', producer: 'token-service', keyId: 'test-1', accountId: event.accountId, objectType: 'ApiToken' });
    expect(JSON.stringify(listed)).not.toContain('ci-deploy');

    const before = await quarantined('bad_mac');
    expect(await replayQuarantinedJobs(env, { jobId: event.id })).toBe(1);
    await eventually(() => quarantined('bad_mac'), (count) => count === before + 1);
    expect(await h.quarantineQueue.getJob(event.id)).toBeDefined();
    expect(await h.records.model.countDocuments({ eventId: event.id })).toBe(0);
  });
});
