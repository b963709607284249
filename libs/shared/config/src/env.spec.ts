import { z } from 'zod';
import { ConfigError, booleanFlag, loadEnv, serviceEnvSchema } from './env';

const validEnv = {
  PORT: '3001',
  REDIS_URL: 'redis://127.0.0.1:6380',
  MONGODB_URL: 'mongodb://127.0.0.1:27018/',
};

describe('loadEnv', () => {
  it('parses and coerces a valid environment', () => {
    const config = loadEnv(serviceEnvSchema, validEnv);
    expect(config.PORT).toBe(3001);
    expect(config.NODE_ENV).toBe('development');
  });

  it('names every bad variable in one error', () => {
    const attempt = () => loadEnv(serviceEnvSchema, { ...validEnv, PORT: 'eighty', REDIS_URL: undefined });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(expect.objectContaining({ message: expect.stringContaining('PORT:') }));
    expect(attempt).toThrow(expect.objectContaining({ message: expect.stringContaining('REDIS_URL: is required but not set') }));
  });

  it('takes a single Redis or a Redis Cluster seed list as REDIS_URL', () => {
    for (const url of ['rediss://cache:6380', 'redis+cluster://10.0.0.1:7000,10.0.0.2:7001', 'rediss+cluster://a:7000']) {
      expect(loadEnv(serviceEnvSchema, { ...validEnv, REDIS_URL: url }).REDIS_URL).toBe(url);
    }
    expect(() => loadEnv(serviceEnvSchema, { ...validEnv, REDIS_URL: 'cluster://a:7000' })).toThrow(/REDIS_URL: must be a redis:\/\/, rediss:\/\/, redis\+cluster:\/\/ or rediss\+cluster:\/\/ URL/);
  });
});

describe('server timeouts', () => {
  it('keeps idle connections 65 s by default, past a 60 s load balancer, with the headers timeout above it', () => {
    const config = loadEnv(serviceEnvSchema, validEnv);
    expect(config.KEEP_ALIVE_TIMEOUT_MS).toBe(65_000);
    expect(config.HEADERS_TIMEOUT_MS).toBe(66_000);
  });

  it('takes the operator values, and derives the headers timeout from the keep-alive one, at most 66 s', () => {
    expect(loadEnv(serviceEnvSchema, { ...validEnv, KEEP_ALIVE_TIMEOUT_MS: '30000' })).toMatchObject({ KEEP_ALIVE_TIMEOUT_MS: 30_000, HEADERS_TIMEOUT_MS: 31_000 });
    // A keep-alive raised for a balancer that keeps connections longer does not lengthen what a slow client may take.
    expect(loadEnv(serviceEnvSchema, { ...validEnv, KEEP_ALIVE_TIMEOUT_MS: '620000' })).toMatchObject({ KEEP_ALIVE_TIMEOUT_MS: 620_000, HEADERS_TIMEOUT_MS: 66_000 });
    expect(loadEnv(serviceEnvSchema, { ...validEnv, KEEP_ALIVE_TIMEOUT_MS: '120000', HEADERS_TIMEOUT_MS: '20000' })).toMatchObject({ HEADERS_TIMEOUT_MS: 20_000 });
  });

  it('refuses values that are not a duration it can use', () => {
    expect(() => loadEnv(serviceEnvSchema, { ...validEnv, KEEP_ALIVE_TIMEOUT_MS: 'forever' })).toThrow(/KEEP_ALIVE_TIMEOUT_MS/);
    expect(() => loadEnv(serviceEnvSchema, { ...validEnv, KEEP_ALIVE_TIMEOUT_MS: '10' })).toThrow(/KEEP_ALIVE_TIMEOUT_MS/);
    expect(() => loadEnv(serviceEnvSchema, { ...validEnv, HEADERS_TIMEOUT_MS: '3600000' })).toThrow(/HEADERS_TIMEOUT_MS/);
  });
});

describe('booleanFlag', () => {
  const schema = z.object({ FLAG: booleanFlag(false) });
  it.each([
    ['true', true],
    ['1', true],
    ['false', false],
    [undefined, false],
  ])('reads %s as %s', (raw, expected) => {
    expect(loadEnv(schema, { FLAG: raw }).FLAG).toBe(expected);
  });
  it('refuses anything else', () => {
    expect(() => loadEnv(schema, { FLAG: 'yes' })).toThrow(/FLAG:/);
  });
});
