// Guessing tokens does not pay: the token checksum turns a random guess away at the gateway without
// asking the token service or reading the database, and one client IP gets only the shipped
// unauthenticated quota of guesses (10 a minute) before every further attempt is a 429.
import { randomInt } from 'node:crypto';
import mongoose from 'mongoose';
import { generateTokenSecret, parseTokenSecret, TOKEN_PREFIX } from '@warden/api-token';
import { TEST_SIGNING_KEY, testInfra } from '@warden/testing';
import { loadConfig } from '../../apps/gateway/src/config';
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
const { RATE_LIMIT_PER_IP: IP_LIMIT, RATE_LIMIT_IP_WINDOW_SECONDS: IP_WINDOW } = loadConfig({ REDIS_URL: testInfra().redisUrl, INTERNAL_SIGNING_KEY: TEST_SIGNING_KEY });

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

it('uses the shipped unauthenticated limit: 10 per minute', () => {
  expect([IP_LIMIT, IP_WINDOW]).toEqual([10, 60]);
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
  for (let i = 0; i < IP_LIMIT + 15; i++) answers.push(await guess(generateTokenSecret(), attacker));
  const statuses = answers.map((a) => a.status);
  expect(statuses).toEqual([...Array(IP_LIMIT).fill(401), ...Array(15).fill(429)]);
  for (const throttled of answers.slice(IP_LIMIT)) {
    expect(throttled.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(throttled.body).toMatchObject({ type: 'https://httpstatuses.com/429', title: 'Too Many Requests', status: 429, detail: 'Too Many Attempts.' });
    const retryAfter = Number(throttled.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(IP_WINDOW);
    expect(throttled.headers['ratelimit-policy']).toBe(`"per-ip";q=${IP_LIMIT};w=${IP_WINDOW}`);
    expect(throttled.headers.ratelimit).toMatch(/^"per-ip";r=0;t=\d+$/);
  }
  // Past the limit no guess reaches the token service: at most the first ten were verified.
  expect(tokens.verifyCalls() - verifyCallsBefore).toBe(IP_LIMIT);
  // Malformed guesses and even a real token's typo are refused from that IP now as well.
  expect((await guess(wellFormedGuess(), attacker)).status).toBe(429);
  expect((await guess(`${realToken.slice(0, -1)}x`, attacker)).status).toBe(429);

  // Another client is not held back by the attacker's guesses, and the real token still works.
  expect((await guess(generateTokenSecret(), freshIp())).status).toBe(401);
  expect((await guess(realToken, freshIp())).status).toBe(200);
});
