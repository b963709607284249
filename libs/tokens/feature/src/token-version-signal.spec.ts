import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';
import pino from 'pino';
import { TokenVersionSignal } from './token-version-signal';

// A Redis client that refuses commands until it has reconnected, as ioredis does with the offline
// queue disabled.
class ReconnectingRedis extends EventEmitter {
  ready = false;
  written: string[] = [];
  async set(key: string, value: string) {
    if (!this.ready) throw new Error("Stream isn't writeable and enableOfflineQueue options is false");
    this.written.push(`${key}=${value}`);
    return 'OK';
  }
  reconnect() {
    this.ready = true;
    this.emit('ready');
  }
}

const logger = pino({ level: 'silent' });

it('waits for a reconnecting Redis instead of answering a revoke that gateways have not heard of', async () => {
  const redis = new ReconnectingRedis();
  const signal = new TokenVersionSignal(redis as unknown as Redis, logger, { waitMs: 5_000, delayMs: 1_000 });
  setTimeout(() => redis.reconnect(), 300);
  const started = Date.now();
  expect(await signal.revoke('t1')).toBe(true);
  // Sent as soon as the client was ready, not at the next back-off step.
  expect(Date.now() - started).toBeLessThan(900);
  expect(redis.written).toEqual(['warden:tokver:t1=revoked']);
});

it('gives up after its wait and says so', async () => {
  const redis = new ReconnectingRedis();
  const signal = new TokenVersionSignal(redis as unknown as Redis, logger, { waitMs: 200, delayMs: 50 });
  expect(await signal.revoke('t1')).toBe(false);
});
