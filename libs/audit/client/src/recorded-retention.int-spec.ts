import { Redis } from 'ioredis';
import type { RecordedEvent } from '@warden/contracts-events';
import { testInfra, uniqueName } from '@warden/testing';
import { createRecordedQueue } from './recorded-events';
import { RecordedRetention } from './recorded-retention';

describe('audit-recorded retention', () => {
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(testInfra().redisUrl, { maxRetriesPerRequest: null });
  });
  afterAll(() => redis.disconnect());

  const HOUR = 3_600_000;
  const job = (id: string, timestamp = Date.now()) => ({ name: 'Created', data: { record: { id } } as unknown as RecordedEvent, opts: { jobId: id, timestamp } });

  it('drops waiting jobs past their age, then the oldest beyond the count, and keeps the newest', async () => {
    const queue = createRecordedQueue(redis, uniqueName('rr'));
    try {
      // Published two hours ago, past an hour's age limit: these two go first, however slow the machine.
      await queue.addBulk(['a1', 'a2'].map((id) => job(id, Date.now() - 2 * HOUR)));
      await queue.addBulk(['b1', 'b2', 'b3', 'b4', 'b5'].map((id) => job(id)));
      const dropped: [number, string][] = [];
      const ageOnly = new RecordedRetention(queue, { maxAgeMs: HOUR, maxWaiting: 1_000, onDropped: (count, why) => dropped.push([count, why]) });
      expect(await ageOnly.trimOnce()).toBe(2);
      const countOnly = new RecordedRetention(queue, { maxAgeMs: HOUR, maxWaiting: 3, onDropped: (count, why) => dropped.push([count, why]) });
      expect(await countOnly.trimOnce()).toBe(2);
      expect(dropped).toEqual([
        [2, 'age'],
        [2, 'count'],
      ]);
      expect((await queue.getWaiting()).map((waiting) => waiting.id).sort()).toEqual(['b3', 'b4', 'b5']);
      expect(await countOnly.trimOnce()).toBe(0);
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });

  it('trims more jobs than one clean script looks at, a chunk at a time', async () => {
    const queue = createRecordedQueue(redis, uniqueName('rr'));
    try {
      await queue.addBulk(Array.from({ length: 2_500 }, (_, i) => job(`old-${i}`, Date.now() - 2 * HOUR)));
      await queue.addBulk(Array.from({ length: 2_200 }, (_, i) => job(`new-${i}`)));
      const dropped: [number, string][] = [];
      const retention = new RecordedRetention(queue, { maxAgeMs: HOUR, maxWaiting: 1_100, onDropped: (count, why) => dropped.push([count, why]) });
      expect(await retention.trimOnce()).toBe(3_600);
      expect(dropped).toEqual([
        [2_500, 'age'],
        [1_100, 'count'],
      ]);
      const left = (await queue.getWaiting(0, -1)).map((waiting) => waiting.id);
      expect(left).toHaveLength(1_100);
      // The newest are kept.
      expect(left).toContain('new-2199');
      expect(left).not.toContain('new-0');
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });
});
