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
});

describe('server timeouts', () => {
  it('keeps idle connections 65 s by default, past a 60 s load balancer, with the headers timeout above it', () => {
    const config = loadEnv(serviceEnvSchema, validEnv);
    expect(config.KEEP_ALIVE_TIMEOUT_MS).toBe(65_000);
    expect(config.HEADERS_TIMEOUT_MS).toBe(66_000);
  });

  it('takes the operator values, and derives the headers timeout from the keep-alive one', () => {
    expect(loadEnv(serviceEnvSchema, { ...validEnv, KEEP_ALIVE_TIMEOUT_MS: '350000' })).toMatchObject({ KEEP_ALIVE_TIMEOUT_MS: 350_000, HEADERS_TIMEOUT_MS: 351_000 });
    expect(loadEnv(serviceEnvSchema, { ...validEnv, KEEP_ALIVE_TIMEOUT_MS: '120000', HEADERS_TIMEOUT_MS: '125000' })).toMatchObject({ HEADERS_TIMEOUT_MS: 125_000 });
  });

  it('refuses a headers timeout that does not outlast the keep-alive timeout, and nonsense', () => {
    expect(() => loadEnv(serviceEnvSchema, { ...validEnv, KEEP_ALIVE_TIMEOUT_MS: '120000', HEADERS_TIMEOUT_MS: '60000' })).toThrow(/HEADERS_TIMEOUT_MS: must be above KEEP_ALIVE_TIMEOUT_MS/);
    expect(() => loadEnv(serviceEnvSchema, { ...validEnv, KEEP_ALIVE_TIMEOUT_MS: 'forever' })).toThrow(/KEEP_ALIVE_TIMEOUT_MS/);
    expect(() => loadEnv(serviceEnvSchema, { ...validEnv, KEEP_ALIVE_TIMEOUT_MS: '10' })).toThrow(/KEEP_ALIVE_TIMEOUT_MS/);
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
