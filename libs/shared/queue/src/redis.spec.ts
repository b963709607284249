import { Cluster, Redis } from 'ioredis';
import { createRedis, isClusterUrl, parseClusterUrl, queuePrefixFor } from './redis';

describe('Redis URLs', () => {
  it('reads a cluster URL as its seed nodes, with credentials and TLS', () => {
    expect(isClusterUrl('redis+cluster://10.0.0.1:7000,10.0.0.2:7001')).toBe(true);
    expect(isClusterUrl('redis://10.0.0.1:6379')).toBe(false);
    expect(parseClusterUrl('redis+cluster://10.0.0.1:7000,redis-b:7001,[::1]:7002')).toEqual({
      seeds: [
        { host: '10.0.0.1', port: 7000 },
        { host: 'redis-b', port: 7001 },
        { host: '::1', port: 7002 },
      ],
      redisOptions: {},
    });
    expect(parseClusterUrl('rediss+cluster://warden:s%40cret@a:6380,b/')).toEqual({
      seeds: [
        { host: 'a', port: 6380 },
        { host: 'b', port: 6379 },
      ],
      redisOptions: { username: 'warden', password: 's@cret', tls: {} },
    });
    expect(() => parseClusterUrl('redis+cluster://,')).toThrow(/at least one host:port/);
  });

  it('opens a Cluster for a cluster URL with the role’s failure behaviour, and a Redis otherwise', async () => {
    const producer = createRedis('redis+cluster://127.0.0.1:1,127.0.0.1:2', 'producer', { lazyConnect: true });
    const worker = createRedis('redis+cluster://127.0.0.1:1', 'worker', { lazyConnect: true });
    const single = createRedis('redis://127.0.0.1:1', 'client', { lazyConnect: true });
    try {
      expect(producer).toBeInstanceOf(Cluster);
      expect(single).toBeInstanceOf(Redis);
      const options = (producer as Cluster).options;
      // Fails fast while no node answers, as a producer on a single Redis does.
      expect(options.enableOfflineQueue).toBe(false);
      expect(options.redisOptions).toMatchObject({ maxRetriesPerRequest: 1, connectionName: 'warden-producer' });
      // BullMQ reads a worker's `maxRetriesPerRequest: null` from the node options.
      expect((worker as Cluster).options.redisOptions).toMatchObject({ maxRetriesPerRequest: null });
      expect(options.clusterRetryStrategy?.(3)).toBe(300);
    } finally {
      producer.disconnect();
      worker.disconnect();
      single.disconnect();
    }
  });

  it('hash-tags the queue prefix on a cluster only', () => {
    expect(queuePrefixFor('redis://127.0.0.1:6379', undefined)).toBeUndefined();
    expect(queuePrefixFor('redis://127.0.0.1:6379', 'q1')).toBe('q1');
    expect(queuePrefixFor('redis+cluster://127.0.0.1:7000', undefined)).toBe('{bull}');
    expect(queuePrefixFor('redis+cluster://127.0.0.1:7000', 'q1')).toBe('{q1}');
    expect(queuePrefixFor('redis+cluster://127.0.0.1:7000', '{warden}:q')).toBe('{warden}:q');
  });
});
