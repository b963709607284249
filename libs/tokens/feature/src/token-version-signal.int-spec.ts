import { Redis } from 'ioredis';
import pino from 'pino';
import { legacyTokenVersionKey, tokenVersionKey } from '@warden/api-token';
import { testInfra, uniqueName } from '@warden/testing';
import { TokenVersionSignal } from './token-version-signal';

let redis: Redis;
let signal: TokenVersionSignal;
const ACCOUNT = 'account';
const get = (id: string) => redis.get(tokenVersionKey(ACCOUNT, id));

beforeAll(() => {
  redis = new Redis(testInfra().redisUrl);
  signal = new TokenVersionSignal(redis, pino({ level: 'silent' }));
});
afterAll(() => {
  redis.disconnect();
});

describe('an account stop in Redis', () => {
  it('is set over a version, never over "revoked", and only a verification of a later account revision replaces it', async () => {
    const [live, revoked, unseen] = [uniqueName('live'), uniqueName('revoked'), uniqueName('unseen')];
    await signal.ensure(ACCOUNT, live, 1);
    expect(await signal.revoke(ACCOUNT, revoked)).toBe(true);

    expect(await signal.stopAccount(ACCOUNT, [live, revoked, unseen], 3)).toBe(true);
    expect([await get(live), await get(revoked), await get(unseen)]).toEqual(['account-disabled:3', 'revoked', 'account-disabled:3']);

    // A verification that read the account before it was disabled (revision 2), and an edit of the
    // token, leave the stop in place: no cached authVersion matches it.
    await signal.ensure(ACCOUNT, live, 1, 2);
    expect(await signal.publish(ACCOUNT, live, 2)).toBe(true);
    expect(await get(live)).toBe('account-disabled:3');
    // An older stop does not replace a newer one.
    expect(await signal.stopAccount(ACCOUNT, [live], 1)).toBe(true);
    expect(await get(live)).toBe('account-disabled:3');

    // A verification that read the account enabled again (revision 4) stores the token's version.
    await signal.ensure(ACCOUNT, live, 2, 4);
    expect(await get(live)).toBe('2');
    // From there versions only rise, as before.
    await signal.ensure(ACCOUNT, live, 1, 4);
    expect(await get(live)).toBe('2');
  });
});

describe('the key names of the previous release, on a single Redis', () => {
  it("are written beside the account's keys, so that gateways of that release see a revocation during a rolling upgrade", async () => {
    const [kept, gone] = [uniqueName('kept'), uniqueName('gone')];
    await signal.ensure(ACCOUNT, kept, 1);
    expect(await signal.publish(ACCOUNT, kept, 2)).toBe(true);
    expect(await signal.revoke(ACCOUNT, gone)).toBe(true);
    expect([await get(kept), await redis.get(legacyTokenVersionKey(kept))]).toEqual(['2', '2']);
    expect([await get(gone), await redis.get(legacyTokenVersionKey(gone))]).toEqual(['revoked', 'revoked']);
    expect(await signal.stopAccount(ACCOUNT, [kept], 5)).toBe(true);
    expect(await redis.get(legacyTokenVersionKey(kept))).toBe('account-disabled:5');
  });
});
