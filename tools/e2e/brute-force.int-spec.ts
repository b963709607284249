// Guessing tokens does not pay: the token checksum turns a random guess away at the gateway without
// asking the token service or reading the database, one client IP gets only the shipped quota of
// failed attempts (10 a minute) before every further failure is a 429, and the token service sees at
// most the shipped verification budget of an IP's guesses (100 a second) whatever their number.
import { randomInt } from 'node:crypto';
import mongoose from 'mongoose';
import { generateTokenSecret, parseTokenSecret, TOKEN_PREFIX } from '@warden/api-token';
import { TEST_KEYS, testInfra } from '@warden/testing';
import { loadConfig } from '../../apps/gateway/src/config';
import { WINDOW_BUCKETS } from '../../apps/gateway/src/rate-limit/rate-limit-policy';
import request from 'supertest';
import { bootstrapToken, startGateway, startTokenService, type GatewayHarness, type TokenServiceHarness } from '../../apps/gateway/src/test/gateway-harness';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** What an attacker without the checksum algorithm sends: the right prefix and length, random characters. */
function wellFormedGuess(): string {
  for (;;) {
    let body = '';
    for (let i = 0; i < 36; i++) body += ALPHABET[randomInt(ALPHABET.length)];
    const guess = `${TOKEN_PREFIX}${body}`;
    if (!parseTokenSecret(guess).ok) return guess;
  }
}

/** A client at another address each time (the gateway trusts X-Forwarded-For from loopback here). */
let nextAddress = 1;
const freshIp = () => `10.${(nextAddress >> 16) & 255}.${(nextAddress >> 8) & 255}.${nextAddress++ & 255}`;

// The shipped defaults: 10 requests without a valid token per IP per 60 s.
const {
  RATE_LIMIT_PER_IP: IP_LIMIT,
  RATE_LIMIT_IP_WINDOW_SECONDS: IP_WINDOW,
  RATE_LIMIT_VERIFY_PER_IP_PER_SECOND: VERIFY_BUDGET,
} = loadConfig({ REDIS_URL: testInfra().redisUrl, INTERNAL_KEYS: TEST_KEYS.INTERNAL_KEYS });

let tokens: TokenServiceHarness;
let gateway: GatewayHarness;
let realToken: string;
const commands: string[] = [];

async function guess(secret: string, ip: string) {
  return request(gateway.url).get('/api/v1/apitokens/verify').set('authorization', `Bearer ${secret}`).set('x-forwarded-for', ip);
}

beforeAll(async () => {
  // Without the outbox relay's polls, every database operation counted below is one a request caused.
  tokens = await startTokenService({ background: false });
  gateway = await startGateway(tokens.url, {
    RATE_LIMIT_PER_IP: String(IP_LIMIT),
    RATE_LIMIT_IP_WINDOW_SECONDS: String(IP_WINDOW),
    RATE_LIMIT_VERIFY_PER_IP_PER_SECOND: String(VERIFY_BUDGET),
    TRUST_PROXY: 'loopback',
  });
  realToken = (await bootstrapToken(tokens.url)).secret;
  // Mongoose builds indexes in the background; let them finish so they are not counted as reads.
  await Promise.all(Object.values(tokens.mongo.models).map((model) => model.init()));
  // Every collection operation the token service sends to its database from here on (mongoose's
  // debug hook sees each call on a model or its native collection, on every connection).
  mongoose.set('debug', (collection: string, method: string) => {
    commands.push(`${collection}.${method}`);
  });
});

afterAll(async () => {
  mongoose.set('debug', false);
  await gateway?.close();
  await tokens?.close();
});

it('uses the shipped limits: 10 failures per minute, 100 verifications per second, per IP', () => {
  expect([IP_LIMIT, IP_WINDOW, VERIFY_BUDGET]).toEqual([10, 60, 100]);
});

it('turns away random well-formed guesses by their checksum, without asking the token service or reading the database', async () => {
  const verifyCallsBefore = tokens.verifyCalls();
  const commandsBefore = commands.length;
  const answers = [];
  for (let i = 0; i < 300; i++) answers.push(await guess(wellFormedGuess(), freshIp()));
  expect(new Set(answers.map((a) => a.status))).toEqual(new Set([401]));
  expect(new Set(answers.map((a) => a.body.detail))).toEqual(new Set(['The API token is malformed.']));
  expect(tokens.verifyCalls() - verifyCallsBefore).toBe(0);
  expect(commands.slice(commandsBefore)).toEqual([]);

  // The counters do see guesses whose checksum holds: each one costs a verification and a read.
  const checksummed = [];
  for (let i = 0; i < 5; i++) checksummed.push(await guess(generateTokenSecret(), freshIp()));
  expect(checksummed.map((a) => a.status)).toEqual([401, 401, 401, 401, 401]);
  expect(checksummed.map((a) => a.body.detail)).toEqual(Array(5).fill('The API token is not valid.'));
  expect(tokens.verifyCalls() - verifyCallsBefore).toBe(5);
  expect(commands.slice(commandsBefore).filter((name) => name.startsWith('api_tokens.find')).length).toBeGreaterThanOrEqual(5);
});

it('throttles guessing from one IP to the unauthenticated limit: 429 with Retry-After once it is spent', async () => {
  const attacker = freshIp();
  const verifyCallsBefore = tokens.verifyCalls();
  const answers = [];
  // Guesses that pass the checksum: the kind that would cost a database read each.
  const firstGuesses = Array.from({ length: IP_LIMIT + 15 }, () => generateTokenSecret());
  for (const secret of firstGuesses) answers.push(await guess(secret, attacker));
  const statuses = answers.map((a) => a.status);
  expect(statuses).toEqual([...Array(IP_LIMIT).fill(401), ...Array(15).fill(429)]);
  for (const throttled of answers.slice(IP_LIMIT)) {
    expect(throttled.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(throttled.body).toMatchObject({ type: 'https://httpstatuses.com/429', title: 'Too Many Requests', status: 429, detail: 'Too Many Attempts.' });
    const retryAfter = Number(throttled.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    // A failure counts for more than the window and at most one bucket (1/WINDOW_BUCKETS) longer.
    expect(retryAfter).toBeLessThanOrEqual(Math.ceil(IP_WINDOW * (1 + 1 / WINDOW_BUCKETS)));
    expect(throttled.headers['ratelimit-policy']).toBe(`"per-ip";q=${IP_LIMIT};w=${IP_WINDOW}`);
    expect(throttled.headers.ratelimit).toMatch(/^"per-ip";r=0;t=\d+$/);
  }
  // A fresh guess might be a valid token, which the address's failures must not lock out: each one
  // was asked once (the per-second verification budget caps that), and a repeat is not asked again.
  expect(tokens.verifyCalls() - verifyCallsBefore).toBe(IP_LIMIT + 15);
  expect((await guess(generateTokenSecret(), attacker)).status).toBe(429);
  const asked = tokens.verifyCalls();
  const repeated = [];
  for (let i = 0; i < 5; i++) repeated.push((await guess(firstGuesses[i], attacker)).status);
  expect(repeated).toEqual(Array(5).fill(429));
  expect(tokens.verifyCalls()).toBe(asked);
  // Malformed guesses and even a real token's typo are refused from that IP now as well.
  expect((await guess(wellFormedGuess(), attacker)).status).toBe(429);
  expect((await guess(`${realToken.slice(0, -1)}x`, attacker)).status).toBe(429);

  // The real token still works, from the attacker's address too; another client is not held back.
  expect((await guess(realToken, attacker)).status).toBe(200);
  expect((await guess(generateTokenSecret(), freshIp())).status).toBe(401);
  expect((await guess(realToken, freshIp())).status).toBe(200);
});
