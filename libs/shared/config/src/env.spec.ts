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
