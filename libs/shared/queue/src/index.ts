export { createRedis, pingRedis, redisReady, atMost, quitRedis, START_WITHOUT_REDIS_AFTER_MS } from './redis';
export type { RedisRole } from './redis';
export { createAuditEventsQueue, createOutboxRelay, publishChangeEvent } from './producer';
export type { OutboxSettings } from './producer';
export { OutboxRelay } from './outbox-relay';
export type { OutboxRelayOptions, OutboxDocument } from './outbox-relay';
export { flushOutboxOnce } from './flush-outbox-once';
export type { FlushOutboxOnceOptions } from './flush-outbox-once';
