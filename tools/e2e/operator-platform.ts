import { TEST_KEYS, testInfra } from '@warden/testing';
import { loadAccountsEnv, type AccountsEnv } from '../cli/commands/accounts';
import { TOKEN_HASH_KEY, client, redisReady, startGateway, startTokenService, type GatewayHarness, type TokenServiceHarness } from '../../apps/gateway/src/test/gateway-harness';

/** A token service and two gateway replicas in front of it, and the environment the operator CLI runs its account commands with. */
export interface OperatorPlatform {
  tokens: TokenServiceHarness;
  replicas: GatewayHarness[];
  clients: ReturnType<typeof client>[];
  /** What `npm run warden -- accounts ...` reads: this token service's database, the run's Redis, its hash key. */
  env: () => AccountsEnv;
}

/**
 * Registers the suite's `beforeAll`/`afterAll` for an operator's view of the platform: no outbox
 * relay in the token service (the CLI publishes its own events to the test's queue), and two gateway
 * replicas with `gatewayEnv` sharing one Redis.
 */
export function operatorPlatformForSuite(gatewayEnv: Record<string, string> = {}): OperatorPlatform {
  const { mongoUrl, redisUrl } = testInfra();
  const platform = { replicas: [], clients: [] } as unknown as OperatorPlatform;
  platform.env = () => loadAccountsEnv({ NODE_ENV: 'test', MONGODB_URL: mongoUrl, MONGODB_DB: platform.tokens.mongo.name, REDIS_URL: redisUrl, TOKEN_HASH_KEY, INTERNAL_KEYS: TEST_KEYS.INTERNAL_KEYS });
  beforeAll(async () => {
    platform.tokens = await startTokenService({ background: false });
    await redisReady(platform.tokens.redis);
    platform.replicas = [await startGateway(platform.tokens.url, gatewayEnv), await startGateway(platform.tokens.url, gatewayEnv)];
    platform.clients = platform.replicas.map((replica) => client(replica.url));
  });
  afterAll(async () => {
    await Promise.all(platform.clients.map((c) => c.close()));
    for (const replica of platform.replicas) await replica.close();
    await platform.tokens?.close();
  });
  return platform;
}
