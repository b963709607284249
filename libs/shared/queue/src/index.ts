export { createRedis, pingRedis, redisReady, atMost, quitRedis } from './redis';
export type { RedisRole } from './redis';
export { createAuditEventsQueue, publishChangeEvent } from './producer';
export { OutboxRelay } from './outbox-relay';
export type { OutboxRelayOptions, OutboxDocument } from './outbox-relay';
export { flushOutboxOnce } from './flush-outbox-once';
export type { FlushOutboxOnceOptions } from './flush-outbox-once';
