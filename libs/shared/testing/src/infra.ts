import { randomBytes } from 'node:crypto';
import { TEST_KEYS } from './keys';

/** The servers the global setup started (or was pointed at). */
export function testInfra(): { redisUrl: string; mongoUrl: string } {
  const redisUrl = process.env.REDIS_URL;
  const mongoUrl = process.env.MONGODB_URL;
  if (!redisUrl || !mongoUrl) throw new Error('Integration tests need the Jest global setup (REDIS_URL/MONGODB_URL unset)');
  return { redisUrl, mongoUrl };
}

/** A name no other test file uses: databases, queue prefixes and Redis key prefixes stay apart. */
export function uniqueName(label: string): string {
  return `${label.replace(/[^a-z0-9]/gi, '').slice(0, 20)}_${randomBytes(4).toString('hex')}`;
}

/**
 * The environment a service's `loadConfig` gets in a test: the run's Redis and MongoDB, the test
 * process's keys (each service takes the ones it uses), a database and audit queue prefix of its
 * own; `overrides` win.
 */
export function testEnv(overrides: Record<string, string> = {}): Record<string, string> {
  const { redisUrl, mongoUrl } = testInfra();
  return {
    NODE_ENV: 'test',
    REDIS_URL: redisUrl,
    MONGODB_URL: mongoUrl,
    ...TEST_KEYS,
    AUDIT_QUEUE_PREFIX: uniqueName('q'),
    ...overrides,
  };
}
