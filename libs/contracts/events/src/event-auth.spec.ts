import { randomBytes } from 'node:crypto';
import { buildChangeEvent } from './build-change-event';
import { ChangeEventSigner, ChangeEventVerifier, eventMacInput, mayProduce, type ProducerKey } from './event-auth';

const key = (caller: string, keyId: string, audience = 'audit-service'): ProducerKey => ({ caller, audience, keyId, key: randomBytes(32) });
const tokenOld = key('token-service', 'k1');
const tokenNew = key('token-service', 'k2');
const keys = [tokenOld, tokenNew, key('credential-service', 'k1'), key('gateway', 'k1'), key('token-service', 'k1', 'credential-service')];
const verifier = new ChangeEventVerifier(keys);
const event = buildChangeEvent({
  accountId: 'acc-1',
  objectType: 'ApiToken',
  auditType: 'Updated',
  objectId: 'tok-1',
  actor: { type: 'token', id: 'tok-0', name: 'ci' },
  remoteIp: '203.0.113.1',
  prior: { name: 'a', scopes: ['x'] },
  after: { name: 'b', scopes: ['x', 'y'] },
});
const roundTrip = <T>(value: T): T => JSON.parse(JSON.stringify(value));

describe('event MAC', () => {
  it('is made with the newest key of the producer and verifies after the job went through JSON', () => {
    const signed = ChangeEventSigner.forProducer('token-service', keys).sign(event);
    expect(signed).toMatchObject({ event, producer: 'token-service', keyId: 'k2', mac: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    expect(verifier.verify(roundTrip(signed))).toEqual({ ok: true, producer: 'token-service', keyId: 'k2', event: roundTrip(event) });
  });

  it('still verifies with an older key listed for the pair (rotation)', () => {
    const signed = ChangeEventSigner.forProducer('token-service', [tokenOld]).sign(event);
    expect(verifier.verify(roundTrip(signed))).toMatchObject({ ok: true, keyId: 'k1' });
  });

  it('does not depend on the order of the fields (canonical JSON)', () => {
    const signed = ChangeEventSigner.forProducer('token-service', keys).sign(event);
    const reordered = Object.fromEntries(Object.entries(event).reverse());
    expect(verifier.verify({ mac: signed.mac, keyId: signed.keyId, producer: signed.producer, event: reordered })).toMatchObject({ ok: true });
    expect(eventMacInput('p', 'k', { a: 1, b: 2 })).toBe(eventMacInput('p', 'k', { b: 2, a: 1 }));
  });

  it('breaks when any field of the event changes, is added or removed', () => {
    const signed = roundTrip(ChangeEventSigner.forProducer('token-service', keys).sign(event));
    const variants = [
      { ...signed.event, accountId: 'acc-2' },
      { ...signed.event, occurredAt: new Date(0).toISOString() },
      { ...signed.event, actor: { ...signed.event.actor, name: 'other' } },
      { ...signed.event, detail: { ...signed.event.detail, update: { prior: { name: 'a', scopes: ['x'] }, after: { name: 'b', scopes: ['x', 'y', 'z'] } } } },
      { ...signed.event, extra: true },
      Object.fromEntries(Object.entries(signed.event).filter(([field]) => field !== 'remoteIp')),
    ];
    for (const changed of variants) expect(verifier.verify({ ...signed, event: changed })).toMatchObject({ ok: false, reason: 'bad_mac' });
  });

  it('refuses a job with no MAC, an unknown producer or key id, a forged MAC, or a MAC for another producer', () => {
    const signed = ChangeEventSigner.forProducer('token-service', keys).sign(event);
    expect(verifier.verify(event)).toEqual({ ok: false, reason: 'unauthenticated' });
    expect(verifier.verify({ ...signed, mac: undefined })).toEqual({ ok: false, reason: 'unauthenticated' });
    expect(verifier.verify({ ...signed, producer: 'intruder' })).toMatchObject({ ok: false, reason: 'unknown_producer' });
    expect(verifier.verify({ ...signed, keyId: 'k9' })).toMatchObject({ ok: false, reason: 'unknown_key' });
    expect(verifier.verify({ ...signed, mac: 'A'.repeat(43) })).toMatchObject({ ok: false, reason: 'bad_mac' });
    // The MAC covers the producer: the same bytes claimed by another producer do not verify.
    expect(verifier.verify({ ...signed, producer: 'credential-service', keyId: 'k1' })).toMatchObject({ ok: false, reason: 'bad_mac' });
    // Only keys for the audit service count: the token service's key for another audience does not.
    expect(new ChangeEventVerifier([key('token-service', 'k1', 'credential-service')]).verify(signed)).toMatchObject({ reason: 'unknown_producer' });
  });

  it('refuses a producer speaking for an object type it does not own', () => {
    const credential = { ...event, objectType: 'Credential' };
    expect(verifier.verify(ChangeEventSigner.forProducer('token-service', keys).sign(credential))).toMatchObject({ ok: false, reason: 'not_allowed' });
    expect(verifier.verify(ChangeEventSigner.forProducer('gateway', keys).sign(event))).toMatchObject({ ok: false, reason: 'not_allowed' });
    expect(verifier.verify(ChangeEventSigner.forProducer('credential-service', keys).sign(credential))).toMatchObject({ ok: true });
  });

  it('knows who may speak for what', () => {
    expect(mayProduce('token-service', 'Account')).toBe(true);
    expect(mayProduce('credential-service', 'ApiToken')).toBe(false);
    expect(mayProduce('cli', 'Credential')).toBe(true);
    expect(mayProduce('router', 'Endpoint')).toBe(true);
    expect(mayProduce('router', 'ApiToken')).toBe(false);
    expect(mayProduce('gateway', 'Endpoint')).toBe(false);
    expect(mayProduce('constructor', 'ApiToken')).toBe(false);
    // The platform's chain is written only by the producers of accounts and platform tokens.
    expect(mayProduce('token-service', 'Account', 'platform')).toBe(true);
    expect(mayProduce('cli', 'ApiToken', 'platform')).toBe(true);
    expect(mayProduce('router', 'Endpoint', 'platform')).toBe(false);
    expect(mayProduce('credential-service', 'Credential', 'platform')).toBe(false);
  });

  it('has no signer for a producer without a key for the audit service', () => {
    expect(ChangeEventSigner.find('cli', keys)).toBeUndefined();
    expect(() => ChangeEventSigner.forProducer('cli', keys)).toThrow('no key for cli>audit-service');
  });
});
