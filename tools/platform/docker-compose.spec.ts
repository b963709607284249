import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

// No Docker engine runs here, so the compose file is kept honest by reading it back.
const root = join(__dirname, '..', '..');
const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as Record<string, any>;
const services = compose.services as Record<string, any>;
const apps = ['gateway', 'token-service', 'credential-service', 'audit-service'];

describe('docker-compose.yml', () => {
  it('runs MongoDB 7, Redis 7 and the four apps', () => {
    expect(Object.keys(services).sort()).toEqual(['audit-service', 'credential-service', 'gateway', 'mongo', 'redis', 'token-service']);
    expect(services.mongo.image).toBe('mongo:7');
    expect(services.redis.image).toBe('redis:7');
  });

  it('keeps data in named volumes', () => {
    expect(services.mongo.volumes).toContain('mongo-data:/data/db');
    expect(services.redis.volumes).toContain('redis-data:/data');
    expect(Object.keys(compose.volumes)).toEqual(['mongo-data', 'redis-data']);
  });

  it('gives every service a health check', () => {
    for (const [name, service] of Object.entries(services)) {
      expect([name, Array.isArray(service.healthcheck?.test)]).toEqual([name, true]);
    }
  });

  it('builds every app from the one multi-stage Dockerfile', () => {
    const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
    expect(dockerfile.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(2);
    for (const app of apps) {
      expect(services[app].build).toEqual({ context: '.', dockerfile: 'Dockerfile', args: { APP: app } });
      expect(services[app].environment.NODE_ENV).toBe('production');
    }
  });

  it('publishes only the gateway and leaves every service scalable', () => {
    for (const [name, service] of Object.entries(services)) expect([name, service.container_name]).toEqual([name, undefined]);
    for (const [name, service] of Object.entries(services).filter(([name]) => name !== 'gateway')) expect([name, service.ports]).toEqual([name, undefined]);
    expect(services.gateway.ports).toEqual(['${GATEWAY_PORT:-8080}-8089:8080']);
  });

  it('waits for healthy dependencies and wires the gateway to each service', () => {
    for (const app of apps.filter((app) => app !== 'gateway')) {
      expect(services[app].depends_on).toEqual({ mongo: { condition: 'service_healthy' }, redis: { condition: 'service_healthy' } });
    }
    expect(services.gateway.environment).toMatchObject({
      TOKEN_SERVICE_URL: 'http://token-service:3001',
      CREDENTIAL_SERVICE_URL: 'http://credential-service:3002',
      AUDIT_SERVICE_URL: 'http://audit-service:3003',
    });
  });

  it('requires production secrets instead of defaulting them', () => {
    for (const app of apps) {
      expect(services[app].environment.INTERNAL_SIGNING_KEY).toMatch(/^\$\{INTERNAL_SIGNING_KEY:\?/);
      expect(services[app].environment.REDIS_URL).toBe('redis://redis:6379');
    }
    expect(services['token-service'].environment.TOKEN_HASH_KEY).toMatch(/^\$\{TOKEN_HASH_KEY:\?/);
    expect(services['credential-service'].environment.CREDENTIAL_ENCRYPTION_KEYS).toMatch(/^\$\{CREDENTIAL_ENCRYPTION_KEYS:\?/);
    expect(services['audit-service'].environment.AUDIT_SIGNING_KEY).toMatch(/^\$\{AUDIT_SIGNING_KEY:\?/);
  });
});
