import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { RateLimitDecision, RateLimitPolicy } from './rate-limit-policy';

/**
 * Sliding log in a sorted set: the admission times (ms) still inside the window. A request is
 * admitted while fewer than `limit` are counted, so no window of `window` ever holds more than
 * `limit` admissions, wherever it starts (GCRA with a burst of `limit` would admit up to
 * 2·limit−1 in one window). Refused requests are not logged. Time is the Redis server's (`TIME`,
 * allowed before writes since Redis 5 replicates scripts by effects, the only mode in Redis 7),
 * so every replica shares one clock; a test may pass its own clock instead.
 */
const SLIDING_LOG = `
local function slide(key, limit, window, member, consume, now)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local count = redis.call('ZCARD', key)
  if count < limit then
    if consume then
      redis.call('ZADD', key, now, member)
      redis.call('PEXPIRE', key, window)
      count = count + 1
    end
    local reset = 0
    if count > 0 then
      local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
      reset = tonumber(oldest[2]) + window - now
    end
    return {1, limit - count, reset, 0}
  end
  local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
  local freeing = redis.call('ZRANGE', key, count - limit, count - limit, 'WITHSCORES')
  return {0, 0, tonumber(oldest[2]) + window - now, tonumber(freeing[2]) + window - now}
end

-- Milliseconds: Lua hands numbers to Redis as %.14g, which keeps 13-digit epoch ms exact.
local function clock(given)
  if given ~= '' then return tonumber(given) end
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
`;

/**
 * Authentication, revocation and rate limiting in one round trip. KEYS: token version key, rate
 * key, last-used hash. ARGV: cached authVersion, limit, window ms, log member, consume (1/0),
 * token id, clock ms ('' = Redis TIME). Replies {code, remaining, resetMs, retryMs}:
 * code 1 admitted, 0 refused, 2 stale (version moved or key missing), 3 revoked.
 */
const TOKEN_GATE = `${SLIDING_LOG}
local current = redis.call('GET', KEYS[1])
if current == 'revoked' then return {3, 0, 0, 0} end
if current ~= ARGV[1] then return {2, 0, 0, 0} end
local now = clock(ARGV[7])
local consume = ARGV[5] == '1'
if consume then redis.call('HSET', KEYS[3], ARGV[6], now) end
return slide(KEYS[2], tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4], consume, now)
`;

/** The per-IP limit for requests without a valid token. KEYS: rate key. ARGV: limit, window ms, member, consume, clock ms. */
const IP_GATE = `${SLIDING_LOG}
return slide(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3], ARGV[4] == '1', clock(ARGV[5]))
`;

type GateReply = [number, number, number, number];

interface GateCommands {
  wardenTokenGate(
    versionKey: string,
    rateKey: string,
    lastUsedKey: string,
    version: string,
    limit: string,
    windowMs: string,
    member: string,
    consume: string,
    tokenId: string,
    clockMicros: string,
  ): Promise<GateReply>;
  wardenIpGate(rateKey: string, limit: string, windowMs: string, member: string, consume: string, clockMicros: string): Promise<GateReply>;
}

export type TokenGateResult = { kind: 'decision'; decision: RateLimitDecision } | { kind: 'stale' } | { kind: 'revoked' };

export interface TokenGateRequest {
  versionKey: string;
  rateKey: string;
  version: string;
  tokenId: string;
  policy: RateLimitPolicy;
  /** false: check the version only and report the quota without counting this request. */
  consume: boolean;
}

function toDecision(reply: GateReply): RateLimitDecision {
  return { allowed: reply[0] === 1, remaining: reply[1], resetMs: reply[2], retryAfterMs: reply[3] };
}

/** The two gate scripts, loaded once per connection with `defineCommand` (EVALSHA, EVAL on NOSCRIPT). */
export class RedisGate {
  private readonly commands: GateCommands;
  /** Log members must be unique per key: a per-process random part and a counter. */
  private readonly memberPrefix = randomBytes(6).toString('base64url');
  private sequence = 0;

  constructor(
    redis: Redis,
    private readonly lastUsedKey: string,
    /** Milliseconds; only tests pass a clock, production uses the Redis server's. */
    private readonly clock?: () => number,
  ) {
    redis.defineCommand('wardenTokenGate', { numberOfKeys: 3, lua: TOKEN_GATE });
    redis.defineCommand('wardenIpGate', { numberOfKeys: 1, lua: IP_GATE });
    this.commands = redis as unknown as GateCommands;
  }

  private member(): string {
    this.sequence = (this.sequence + 1) % Number.MAX_SAFE_INTEGER;
    return this.memberPrefix + this.sequence.toString(36);
  }

  private now(): string {
    return this.clock ? String(Math.floor(this.clock())) : '';
  }

  async token(request: TokenGateRequest): Promise<TokenGateResult> {
    const { policy } = request;
    const reply = await this.commands.wardenTokenGate(
      request.versionKey,
      request.rateKey,
      this.lastUsedKey,
      request.version,
      policy.limitArg,
      policy.windowMsArg,
      this.member(),
      request.consume ? '1' : '0',
      request.tokenId,
      this.now(),
    );
    if (reply[0] === 2) return { kind: 'stale' };
    if (reply[0] === 3) return { kind: 'revoked' };
    return { kind: 'decision', decision: toDecision(reply) };
  }

  async ip(rateKey: string, policy: RateLimitPolicy, consume: boolean): Promise<RateLimitDecision> {
    const reply = await this.commands.wardenIpGate(rateKey, policy.limitArg, policy.windowMsArg, this.member(), consume ? '1' : '0', this.now());
    return toDecision(reply);
  }
}
