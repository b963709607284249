import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';
import pino from 'pino';
import { TokenVersionSignal } from './token-version-signal';

// A Redis client that refuses commands until it has reconnected, as ioredis does with the offline
// queue disabled.
class ReconnectingRedis extends EventEmitter {
  ready = false;
  written: string[] = [];
  async mset(...pairs: string[]) {
    if (!this.ready) throw new Error("Stream isn't writeable and enableOfflineQueue options is false");
    for (let i = 0; i + 1 < pairs.length; i += 2) this.written.push(`${pairs[i]}=${pairs[i + 1]}`);
    return 'OK';
  }
  reconnect() {
    this.ready = true;
    this.emit('ready');
  }
}

const logger = pino({ level: 'silent' });

// The signal's waits run on timers: a fake clock drives them, so what is checked is the order of
// events (reconnect before the back-off step), not how fast a loaded machine gets there.
beforeEach(() => {
  jest.useFakeTimers();
});
afterEach(() => {
  jest.useRealTimers();
});

it('waits for a reconnecting Redis instead of answering a revoke that gateways have not heard of', async () => {
  const redis = new ReconnectingRedis();
  const signal = new TokenVersionSignal(redis as unknown as Redis, logger, { waitMs: 5_000, delayMs: 1_000 });
  let answer: boolean | undefined;
  const revoked = signal.revoke('a1', 't1').then((result) => (answer = result));
  await jest.advanceTimersByTimeAsync(300);
  expect(answer).toBeUndefined();
  expect(redis.written).toEqual([]);
  redis.reconnect();
  // Sent as soon as the client was ready, not at the next back-off step (1 s): the clock stays at 300 ms.
  await jest.advanceTimersByTimeAsync(0);
  expect(answer).toBe(true);
  expect(redis.written).toEqual(['warden:tokver:{a1}:t1=revoked', 'warden:tokver:t1=revoked']);
  await revoked;
});

it('gives up after its wait and says so', async () => {
  const redis = new ReconnectingRedis();
  const signal = new TokenVersionSignal(redis as unknown as Redis, logger, { waitMs: 200, delayMs: 50 });
  let answer: boolean | undefined;
  const revoked = signal.revoke('a1', 't1').then((result) => (answer = result));
  await jest.advanceTimersByTimeAsync(150);
  expect(answer).toBeUndefined();
  await jest.advanceTimersByTimeAsync(100);
  expect(answer).toBe(false);
  expect(redis.written).toEqual([]);
  await revoked;
});
