import { ConfigError, baseEnvSchema, loadEnv, serviceEnvSchema } from './env';

// Where a process listens: its public port and host, and its operations port and host.
const serviceEnv = { PORT: '3001', REDIS_URL: 'redis://127.0.0.1:6380', MONGODB_URL: 'mongodb://127.0.0.1:27018/' };
const gatewayEnv = { PORT: '8080', REDIS_URL: 'redis://127.0.0.1:6380' };
// The schemas as the apps extend them; secrets are the apps' own business.
const service = serviceEnvSchema.pick({ PORT: true, HOST: true, ADMIN_PORT: true, ADMIN_HOST: true, REDIS_URL: true, MONGODB_URL: true });
const gateway = baseEnvSchema.pick({ PORT: true, HOST: true, ADMIN_PORT: true, ADMIN_HOST: true, REDIS_URL: true });

describe('listening addresses', () => {
  it('binds a service to loopback unless HOST says otherwise', () => {
    expect(loadEnv(service, serviceEnv).HOST).toBe('127.0.0.1');
    expect(loadEnv(service, { ...serviceEnv, HOST: '0.0.0.0' }).HOST).toBe('0.0.0.0');
  });

  it('leaves the gateway on every interface unless HOST says otherwise', () => {
    expect(loadEnv(gateway, gatewayEnv).HOST).toBeUndefined();
  });

  it('puts the operations server on PORT + 1000, on loopback, unless ADMIN_PORT and ADMIN_HOST say otherwise', () => {
    expect(loadEnv(service, serviceEnv)).toMatchObject({ ADMIN_PORT: 4001, ADMIN_HOST: '127.0.0.1' });
    expect(loadEnv(gateway, gatewayEnv)).toMatchObject({ ADMIN_PORT: 9080, ADMIN_HOST: '127.0.0.1' });
    expect(loadEnv(gateway, { ...gatewayEnv, ADMIN_PORT: '9100', ADMIN_HOST: '10.0.0.5' })).toMatchObject({ ADMIN_PORT: 9100, ADMIN_HOST: '10.0.0.5' });
  });

  it('gives an ephemeral PORT an ephemeral operations port', () => {
    expect(loadEnv(service, { ...serviceEnv, PORT: '0' }).ADMIN_PORT).toBe(0);
  });

  it('refuses an operations port that cannot work, naming ADMIN_PORT', () => {
    expect(() => loadEnv(service, { ...serviceEnv, PORT: '65000' })).toThrow(ConfigError);
    expect(() => loadEnv(service, { ...serviceEnv, PORT: '65000' })).toThrow(/ADMIN_PORT: is required when PORT is above 64535/);
    expect(loadEnv(service, { ...serviceEnv, PORT: '65000', ADMIN_PORT: '9000' }).ADMIN_PORT).toBe(9000);
    expect(() => loadEnv(service, { ...serviceEnv, ADMIN_PORT: '3001' })).toThrow(/ADMIN_PORT: must differ from PORT/);
    expect(() => loadEnv(service, { ...serviceEnv, ADMIN_PORT: '70000' })).toThrow(/ADMIN_PORT:/);
  });
});
