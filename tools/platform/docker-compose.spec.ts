import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { parse } from 'yaml';

// No Docker engine runs here, so the compose file is kept honest by reading it back.
const root = join(__dirname, '..', '..');
const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as Record<string, any>;
const services = compose.services as Record<string, any>;
const apps = ['gateway', 'token-service', 'credential-service', 'audit-service'];
const mongoMembers = ['mongo1', 'mongo2', 'mongo3'];

describe('the variables of a rotated audit signing key', () => {
  it('are printed for compose, empty until a rotation, and read by the audit service', () => {
    const env = execFileSync(process.execPath, [join(root, 'tools/platform/keys.mjs'), '--env'], { encoding: 'utf8' }).split('\n');
    expect(env).toEqual(expect.arrayContaining(['AUDIT_PREVIOUS_PUBLIC_KEYS=', 'AUDIT_SEAL_KEY=']));
    expect(services['audit-service'].environment).toMatchObject({ AUDIT_PREVIOUS_PUBLIC_KEYS: '${AUDIT_PREVIOUS_PUBLIC_KEYS:-}', AUDIT_SEAL_KEY: '${AUDIT_SEAL_KEY:-}' });
  });
});

describe('the Dockerfile', () => {
  const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
  // Each stage from its FROM line to the next, continuation lines joined.
  const stages = dockerfile
    .replace(/\\\n\s*/g, ' ')
    .split(/^(?=FROM )/m)
    .filter((stage) => stage.startsWith('FROM '));
  const runtime = stages.at(-1) as string;
  const instructions = (stage: string, keyword: string) => stage.split('\n').filter((line) => line.startsWith(`${keyword} `));

  it('builds and runs on Node 24, the current LTS line', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const stage of stages) expect(stage.split('\n')[0]).toMatch(/^FROM node:24-bookworm-slim AS \w+$/);
  });

  it('compiles the four apps and the console in the build stage', () => {
    const build = stages.slice(0, -1).join('\n');
    expect(build).toMatch(/^RUN npm ci\b/m);
    expect(build).toMatch(/^RUN .*node tools\/build\/build-apps\.mjs/m);
    expect(build).toMatch(/^RUN .*node apps\/console\/build\.mjs/m);
  });

  it('installs only production dependencies at run time, with no install script, and copies only built output', () => {
    const installs = instructions(runtime, 'RUN').filter((line) => /\bnpm (ci|install)\b/.test(line));
    expect(installs).toHaveLength(1);
    expect(installs[0]).toMatch(/\bnpm ci\b/);
    expect(installs[0]).toContain('--omit=dev');
    expect(installs[0]).toContain('--ignore-scripts');
    // Sources, tools and tsx stay in the build stage: only the lock files come from the context.
    for (const copy of instructions(runtime, 'COPY')) expect(copy).toMatch(/^COPY (--from=build \S+ \S+|package\.json package-lock\.json \.\/)$/);
    expect(instructions(runtime, 'COPY')).toEqual(expect.arrayContaining(['COPY --from=build /warden/dist ./dist', 'COPY --from=build /warden/apps/console/dist ./apps/console/dist']));
    expect(runtime).not.toMatch(/\btsx\b/);
  });

  it('runs the app named by APP from dist with plain node, as the non-root node user, exec-ed for signals', () => {
    expect(instructions(runtime, 'USER')).toEqual(['USER node']);
    const cmd = instructions(runtime, 'CMD');
    expect(cmd).toHaveLength(1);
    expect(JSON.parse(cmd[0].slice('CMD '.length))).toEqual(['sh', '-c', 'exec node --enable-source-maps dist/apps/${APP}/main.js']);
    expect(runtime.indexOf('USER node')).toBeLessThan(runtime.indexOf('CMD '));
    expect(runtime).toMatch(/^ARG APP=gateway$/m);
    // compose runs an init as PID 1 that forwards signals to the app's process.
    for (const app of apps) expect([app, services[app].init]).toEqual([app, true]);
  });
});

describe('docker-compose.yml', () => {
  it('runs MongoDB 7, Redis 7 and the four apps', () => {
    expect(Object.keys(services).sort()).toEqual(['audit-service', 'credential-service', 'gateway', 'mongo-init', 'mongo1', 'mongo2', 'mongo3', 'redis', 'token-service']);
    for (const member of [...mongoMembers, 'mongo-init']) expect([member, services[member].image]).toEqual([member, 'mongo:7']);
    expect(services.redis.image).toBe('redis:7');
  });

  it('keeps data in named volumes, one per replica set member', () => {
    for (const member of mongoMembers) expect([member, services[member].volumes]).toEqual([member, [`${member}-data:/data/db`]]);
    expect(services.redis.volumes).toContain('redis-data:/data');
    expect(Object.keys(compose.volumes)).toEqual(['mongo1-data', 'mongo2-data', 'mongo3-data', 'redis-data']);
  });

  it('gives every long-running service a health check', () => {
    // mongo-init runs once and exits: its exit status is what the services wait for.
    for (const [name, service] of Object.entries(services).filter(([name]) => name !== 'mongo-init')) {
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
      expect(services[app].depends_on).toEqual({ 'mongo-init': { condition: 'service_completed_successfully' }, redis: { condition: 'service_healthy' } });
    }
    expect(services.gateway.environment).toMatchObject({
      TOKEN_SERVICE_URL: 'http://token-service:3001',
      CREDENTIAL_SERVICE_URL: 'http://credential-service:3002',
      AUDIT_SERVICE_URL: 'http://audit-service:3003',
    });
    // The producers ask the audit service which published events are recorded before clearing their outboxes.
    for (const app of ['token-service', 'credential-service']) expect([app, services[app].environment.AUDIT_SERVICE_URL]).toEqual([app, 'http://audit-service:3003']);
  });

  it('opens each service on the container network but keeps every operations port on loopback, unpublished', () => {
    const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^\s*HOST=0\.0\.0\.0$/m);
    expect(dockerfile).not.toMatch(/ADMIN_HOST=/);
    const ports = { gateway: 8080, 'token-service': 3001, 'credential-service': 3002, 'audit-service': 3003 };
    for (const app of apps) {
      const environment = services[app].environment;
      expect([app, environment.PORT]).toEqual([app, String(ports[app as keyof typeof ports])]);
      // The documented default, PORT + 1000, written out so ops can read it here.
      expect([app, environment.ADMIN_PORT]).toEqual([app, String(ports[app as keyof typeof ports] + 1000)]);
      expect([app, environment.ADMIN_HOST]).toEqual([app, undefined]);
      for (const listed of [...(services[app].ports ?? []), ...(services[app].expose ?? [])]) {
        expect([app, String(listed)]).not.toEqual([app, expect.stringContaining(environment.ADMIN_PORT)]);
      }
    }
    for (const app of apps.filter((app) => app !== 'gateway')) expect([app, services[app].environment.HOST]).toEqual([app, '0.0.0.0']);
  });

  it('requires production secrets instead of defaulting them, and gives each container only its own internal keys', () => {
    for (const app of apps) expect(services[app].environment.REDIS_URL).toBe('redis://redis:6379');
    const pairs = (app: string) =>
      String(services[app].environment.INTERNAL_KEYS)
        .split(',')
        .map((entry) => /^([a-z-]+>[a-z-]+):k1:\$\{(KEY_[A-Z_]+):\?/.exec(entry)?.slice(1));
    expect(pairs('gateway')).toEqual([
      ['gateway>token-service', 'KEY_GATEWAY_TOKEN_SERVICE'],
      ['gateway>credential-service', 'KEY_GATEWAY_CREDENTIAL_SERVICE'],
      ['gateway>audit-service', 'KEY_GATEWAY_AUDIT_SERVICE'],
    ]);
    // Each producer of change events holds its own key for the audit service, which holds them all.
    expect(pairs('token-service')).toEqual([
      ['gateway>token-service', 'KEY_GATEWAY_TOKEN_SERVICE'],
      ['token-service>audit-service', 'KEY_TOKEN_SERVICE_AUDIT_SERVICE'],
      ['audit-service>token-service', 'KEY_AUDIT_SERVICE_TOKEN_SERVICE'],
      // Its key for the credential service, which destroys a deleted account's data key.
      ['token-service>credential-service', 'KEY_TOKEN_SERVICE_CREDENTIAL_SERVICE'],
    ]);
    expect(pairs('credential-service')).toEqual([
      ['gateway>credential-service', 'KEY_GATEWAY_CREDENTIAL_SERVICE'],
      ['credential-service>audit-service', 'KEY_CREDENTIAL_SERVICE_AUDIT_SERVICE'],
      ['audit-service>credential-service', 'KEY_AUDIT_SERVICE_CREDENTIAL_SERVICE'],
      ['token-service>credential-service', 'KEY_TOKEN_SERVICE_CREDENTIAL_SERVICE'],
    ]);
    expect(services['token-service'].environment.CREDENTIAL_SERVICE_URL).toBe('http://credential-service:3002');
    expect(pairs('audit-service')).toEqual([
      ['gateway>audit-service', 'KEY_GATEWAY_AUDIT_SERVICE'],
      ['cli>audit-service', 'KEY_CLI_AUDIT_SERVICE'],
      ['token-service>audit-service', 'KEY_TOKEN_SERVICE_AUDIT_SERVICE'],
      ['credential-service>audit-service', 'KEY_CREDENTIAL_SERVICE_AUDIT_SERVICE'],
      // Its own keys for the producers, which it asks for the log heads they keep.
      ['audit-service>token-service', 'KEY_AUDIT_SERVICE_TOKEN_SERVICE'],
      ['audit-service>credential-service', 'KEY_AUDIT_SERVICE_CREDENTIAL_SERVICE'],
    ]);
    expect(services['audit-service'].environment.AUDIT_ANCHOR_SOURCES).toBe('token-service=http://token-service:3001,credential-service=http://credential-service:3002');
    expect(services['token-service'].environment.TOKEN_HASH_KEY).toMatch(/^\$\{TOKEN_HASH_KEY:\?/);
    expect(services['token-service'].environment.TOKEN_ENCRYPTION_KEYS).toMatch(/^\$\{TOKEN_ENCRYPTION_KEYS:\?/);
    expect(services['credential-service'].environment.CREDENTIAL_ENCRYPTION_KEYS).toMatch(/^\$\{CREDENTIAL_ENCRYPTION_KEYS:\?/);
    expect(services['audit-service'].environment.AUDIT_SIGNING_KEY).toMatch(/^\$\{AUDIT_SIGNING_KEY:\?/);
  });
});

describe('the MongoDB replica set', () => {
  const setName = (command: string[]) => command[command.indexOf('--replSet') + 1];
  const init = services['mongo-init'];
  const script = init.command[init.command.indexOf('--eval') + 1] as string;

  /** Runs the init script as mongosh would, against a stand-in replica set that answers as told. */
  function runInit(set: { initiated: boolean; electedAfter: number }) {
    const calls: unknown[] = [];
    let hellos = 0;
    const notYetInitialized = Object.assign(new Error('no replset config has been received'), { codeName: 'NotYetInitialized' });
    const rs = {
      status: () => {
        if (!set.initiated) throw notYetInitialized;
        return { ok: 1 };
      },
      initiate: (config: unknown) => {
        calls.push(config);
        set.initiated = true;
        return { ok: 1 };
      },
    };
    const db = { hello: () => ({ primary: set.initiated && ++hellos > set.electedAfter ? 'mongo1:27017' : undefined }) };
    const quit = (code: number) => {
      throw Object.assign(new Error('quit'), { exitCode: code });
    };
    let exitCode = 0;
    try {
      runInNewContext(script, { rs, db, sleep: () => undefined, print: () => undefined, quit });
    } catch (error) {
      exitCode = (error as { exitCode?: number }).exitCode ?? 1;
    }
    return { calls, exitCode };
  }

  it('has three mongod members of one replica set, listening on the compose network', () => {
    const names = mongoMembers.map((member) => {
      const command = services[member].command as string[];
      expect([member, command[0], command.includes('--bind_ip_all')]).toEqual([member, 'mongod', true]);
      return setName(command);
    });
    expect(names).toEqual(['rs0', 'rs0', 'rs0']);
  });

  it('is initiated by a one-shot mongosh service that starts once every member is healthy', () => {
    expect(init.restart).toBe('no');
    expect(init.command.slice(0, 3)).toEqual(['mongosh', '--quiet', 'mongodb://mongo1:27017/?directConnection=true']);
    expect(init.depends_on).toEqual(Object.fromEntries(mongoMembers.map((member) => [member, { condition: 'service_healthy' }])));
  });

  it('initiates the set with the three members on the first run, leaves an initiated set alone, and exits 0 once a primary is elected', () => {
    const first = runInit({ initiated: false, electedAfter: 3 });
    expect(first).toEqual({
      exitCode: 0,
      calls: [{ _id: 'rs0', members: mongoMembers.map((member, i) => ({ _id: i, host: `${member}:27017` })) }],
    });
    expect(runInit({ initiated: true, electedAfter: 0 })).toEqual({ exitCode: 0, calls: [] });
  });

  it('exits non-zero, so that nothing starts, when no primary is elected', () => {
    expect(runInit({ initiated: false, electedAfter: Infinity }).exitCode).toBe(1);
  });

  it('is what every service connects to, by all three members and the set name, once it is initiated', () => {
    for (const app of apps) {
      expect([app, services[app].environment.MONGODB_URL]).toEqual([app, 'mongodb://mongo1:27017,mongo2:27017,mongo3:27017/?replicaSet=rs0']);
    }
    // The gateway waits for the token service, which waits for mongo-init.
    for (const app of apps.filter((app) => app !== 'gateway')) expect([app, services[app].depends_on['mongo-init']]).toEqual([app, { condition: 'service_completed_successfully' }]);
    expect(services.gateway.depends_on['token-service']).toEqual({ condition: 'service_healthy' });
  });
});
