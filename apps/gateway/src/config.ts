import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import { baseEnvSchema, booleanFlag, internalKeysVariable, loadEnv, portVariable } from '@warden/config';

const url = z.string().url();

const schema = baseEnvSchema.extend({
  PORT: portVariable(8080),
  /** The gateway's key for each service (`gateway>token-service:...` and so on): it mints the identity each accepts. */
  INTERNAL_KEYS: internalKeysVariable([
    { caller: 'gateway', audience: 'token-service' },
    { caller: 'gateway', audience: 'credential-service' },
    { caller: 'gateway', audience: 'audit-service' },
  ]),
  TOKEN_SERVICE_URL: url.default('http://127.0.0.1:3001'),
  CREDENTIAL_SERVICE_URL: url.default('http://127.0.0.1:3002'),
  AUDIT_SERVICE_URL: url.default('http://127.0.0.1:3003'),
  UPSTREAM_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /**
   * Believe X-Forwarded-For/-Proto only from the proxies the operator names: a hop count (0-10), or
   * addresses, CIDR ranges and Express' named ranges (`loopback`, `linklocal`, `uniquelocal`),
   * comma-separated. `false` (the default) trusts none; `true` and any range that covers every
   * address are refused, since any client could then choose its own address.
   */
  TRUST_PROXY: z
    .string()
    .default('false')
    .superRefine((value, ctx) => {
      const problem = trustProxyProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
  BODY_LIMIT: z.string().regex(/^\d+(b|kb|mb)$/i, 'must look like 64kb or 1mb').default('64kb'),
  /** Refuse plain HTTP (403). Defaults to on in production. */
  REQUIRE_HTTPS: booleanFlag(false),
  /** Terminate TLS here: PEM certificate chain and private key. */
  TLS_CERT_FILE: z.string().optional(),
  TLS_KEY_FILE: z.string().optional(),
  /** Origins allowed to call the API from a browser, comma-separated; none by default. */
  CORS_ORIGINS: z
    .string()
    .default('')
    .transform((value) => value.split(',').map((origin) => origin.trim()).filter(Boolean)),
  /** Default per-token quota (a token's own `rateLimit` replaces it): requests per sliding window. */
  RATE_LIMIT_PER_TOKEN: z.coerce.number().int().min(1).max(100_000).default(60),
  RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
  /**
   * Default account-wide quota, spent by every token of an account together (the operator may set
   * an account's own with `warden accounts rate-limit`), so that minting tokens does not multiply it.
   */
  RATE_LIMIT_PER_ACCOUNT: z.coerce.number().int().min(1).max(1_000_000).default(1_000),
  RATE_LIMIT_ACCOUNT_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
  /**
   * Quota per client IP (per /64 for IPv6) for failed requests only: `401` (no valid token) and uses
   * of a token from outside its allowlist (`403`); past it those answers are `429`. A valid token
   * used from an address its allowlist admits is never held back by it.
   */
  RATE_LIMIT_PER_IP: z.coerce.number().int().min(1).max(100_000).default(10),
  RATE_LIMIT_IP_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
  /**
   * Verifications (uncached secrets sent to the token service) per client IP per second: keeps
   * floods of well-formed unknown secrets away from the token service. The one per-IP limit a
   * valid token can meet, set high enough that a normal client never does.
   */
  RATE_LIMIT_VERIFY_PER_IP_PER_SECOND: z.coerce.number().int().min(1).max(100_000).default(100),
  /** Prefix of the rate-limit keys in Redis (tests give each suite its own). */
  /** No braces: the account id is the rate keys' Redis Cluster hash tag, and a `{...}` in the prefix would take its place. */
  RATE_LIMIT_KEY_PREFIX: z.string().min(1).regex(/^[^{}]*$/, 'must not contain { or }').default('warden:rl:'),
  /** How long a replica reuses a verification; every use is still checked against Redis. At most 30 s. */
  AUTH_CACHE_TTL_SECONDS: z.coerce.number().min(0).max(30).default(30),
  AUTH_CACHE_MAX_ENTRIES: z.coerce.number().int().min(1).default(10_000),
  TOKEN_VERIFY_TIMEOUT_MS: z.coerce.number().int().min(50).max(60_000).default(2_000),
  /** A Redis call slower than this counts as an outage (the in-memory limiter takes over). */
  REDIS_COMMAND_TIMEOUT_MS: z.coerce.number().int().min(10).max(60_000).default(500),
});
export type GatewayConfig = z.infer<typeof schema>;

const withTls = schema.refine((config) => Boolean(config.TLS_CERT_FILE) === Boolean(config.TLS_KEY_FILE), {
  message: 'TLS_CERT_FILE and TLS_KEY_FILE must be set together',
  path: ['TLS_KEY_FILE'],
});

export function loadConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  // HTTPS is required in production unless the operator says otherwise.
  const requireHttps = env.REQUIRE_HTTPS ?? (env.NODE_ENV === 'production' ? 'true' : 'false');
  return loadEnv(withTls, { ...env, REQUIRE_HTTPS: requireHttps });
}

/**
 * The gateway's Redis connection: commands issued in the same tick share one write (auto-pipelining;
 * each request still waits for exactly one reply), and a slow Redis counts as an outage.
 */
export function gatewayRedisOptions(config: Pick<GatewayConfig, 'REDIS_COMMAND_TIMEOUT_MS'>) {
  return { commandTimeout: config.REDIS_COMMAND_TIMEOUT_MS, enableAutoPipelining: true };
}

/** Most proxies a request may have crossed before the gateway: more is as good as trusting every hop. */
export const MAX_TRUSTED_HOPS = 10;
const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);
const IPV4_MAPPED = ipaddr.parse('::ffff:0:0');

/** Why one `TRUST_PROXY` entry (an address, a CIDR or netmask range, or a named range) is refused; undefined when it is fine. */
function trustedRangeProblem(entry: string): string | undefined {
  if (NAMED_RANGES.has(entry)) return undefined;
  const [text, mask, extra] = entry.split('/');
  if (extra !== undefined || !ipaddr.isValid(text)) return `'${entry}' is not an address, a range or one of ${[...NAMED_RANGES].join(', ')}`;
  let address = ipaddr.parse(text);
  if (mask === undefined) return undefined;
  let bits: number;
  if (/^\d{1,3}$/.test(mask)) bits = Number(mask);
  else if (address.kind() === 'ipv4' && ipaddr.IPv4.isValid(mask)) bits = ipaddr.IPv4.parse(mask).prefixLengthFromSubnetMask() ?? -1;
  else return `'${entry}' has an invalid mask`;
  if (bits < 0 || bits > (address.kind() === 'ipv4' ? 32 : 128)) return `'${entry}' has an invalid mask`;
  // Express reads an IPv4-mapped range (::ffff:10.0.0.0/104) as the IPv4 range it maps.
  if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress() && bits >= 96) {
    address = (address as ipaddr.IPv6).toIPv4Address();
    bits -= 96;
  }
  // An IPv4 client is matched against an IPv6 range as ::ffff:a.b.c.d: a range holding ::ffff:0:0/96 trusts every one.
  const everyAddress = bits === 0 || (address.kind() === 'ipv6' && bits <= 96 && IPV4_MAPPED.match(address as ipaddr.IPv6, bits));
  return everyAddress ? `'${entry}' covers every address, which trusts any client's X-Forwarded-For` : undefined;
}

/** Why a `TRUST_PROXY` value is refused; undefined when it is a hop count, `false` or a list of trusted ranges. */
export function trustProxyProblem(value: string): string | undefined {
  if (value === 'false') return undefined;
  if (/^\d+$/.test(value)) return Number(value) <= MAX_TRUSTED_HOPS ? undefined : `a hop count above ${MAX_TRUSTED_HOPS} trusts every hop; name the proxies' addresses`;
  if (['true', 'yes', 'on', '*', 'all'].includes(value.trim().toLowerCase())) {
    return 'trusting every proxy (`true`) lets any client choose its own address; give a hop count or the proxies\' addresses or ranges';
  }
  const entries = value.split(',').map((entry) => entry.trim());
  for (const entry of entries) {
    const problem = entry === '' ? 'an empty entry' : trustedRangeProblem(entry);
    if (problem) return `${problem}; give a hop count (0-${MAX_TRUSTED_HOPS}) or addresses, CIDR ranges, loopback, linklocal or uniquelocal`;
  }
  return undefined;
}

/** Express' `trust proxy` from a validated `TRUST_PROXY`: no proxy, a hop count, or a list of trusted ranges; never `true`. */
export function trustProxySetting(value: string): false | number | string[] {
  const problem = trustProxyProblem(value);
  if (problem) throw new Error(`TRUST_PROXY: ${problem}`);
  if (value === 'false') return false;
  if (/^\d+$/.test(value)) return Number(value);
  return value.split(',').map((entry) => entry.trim());
}

