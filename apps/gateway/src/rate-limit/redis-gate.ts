import type { Redis } from 'ioredis';
import type { RateLimitDecision, RateLimitPolicy } from './rate-limit-policy';

/**
 * Sliding window over sub-window buckets, in a hash: field = bucket index (`floor(now / bucket)`),
 * value = admissions in that bucket. With `n = window / bucket` (`WINDOW_BUCKETS`), a request at
 * `now` in bucket `i` counts buckets `i − n … i`: every bucket the window `(now − window, now]`
 * touches, the oldest one in full although only its tail lies in the window. It is admitted while
 * that sum is below `limit`; refused requests are not counted. The exact guarantee:
 * - never more than `limit` admissions in ANY window of `window` ms, wherever it starts (every
 *   admission in `(t − window, t]` lies in a bucket counted at `t`), so the 61st request of a burst
 *   against 60 a minute is refused, and there is no double burst at a window edge;
 * - an admission counts for more than `window` and at most `window + bucket` ms (until the end of
 *   the `n`th bucket after its own), so a request may be refused up to one bucket (1/`WINDOW_BUCKETS`
 *   of the window) earlier than an exact sliding log would admit it, never later: a request is
 *   admitted exactly when fewer than `limit` were admitted since the start of the bucket that holds
 *   `now − window`.
 * A key holds at most `n + 1` fields whatever the limit (stale ones are deleted on every call) and
 * expires once its newest bucket stops counting. Time is the Redis server's (`TIME`, allowed
 * before writes since Redis 5 replicates scripts by effects, the only mode in Redis 7), so every
 * replica shares one clock; a test may pass its own clock instead. Replies {admitted 1/0,
 * remaining, ms until the oldest counted bucket stops counting, ms until a request would be admitted}.
 */
const SLIDING_WINDOW = `
local function slide(key, limit, window, bucket, consume, now)
  local span = math.ceil(window / bucket)
  local current = math.floor(now / bucket)
  local oldest = current - span
  local fields = redis.call('HGETALL', key)
  local counts = {}
  local total = 0
  local stale = {}
  for i = 1, #fields, 2 do
    local index = tonumber(fields[i])
    if index < oldest then
      stale[#stale + 1] = fields[i]
    else
      -- A bucket from ahead of this clock (a clock that stepped back) counts as the current one.
      if index > current then index = current end
      local count = tonumber(fields[i + 1])
      counts[index] = (counts[index] or 0) + count
      total = total + count
    end
  end
  if #stale > 0 then redis.call('HDEL', key, unpack(stale)) end
  local first = nil
  for index = oldest, current do
    if counts[index] then
      first = index
      break
    end
  end
  if total < limit then
    if consume then
      redis.call('HINCRBY', key, string.format('%d', current), 1)
      redis.call('PEXPIRE', key, (current + span + 1) * bucket - now)
      total = total + 1
      if not first then first = current end
    end
    local reset = 0
    if first then reset = (first + span + 1) * bucket - now end
    return {1, limit - total, reset, 0}
  end
  -- Refused: admitted again once enough of the oldest buckets have stopped counting.
  local left = total
  for index = oldest, current do
    left = left - (counts[index] or 0)
    if left < limit then
      return {0, 0, (first + span + 1) * bucket - now, (index + span + 1) * bucket - now}
    end
  end
  return {0, 0, (first + span + 1) * bucket - now, (current + span + 1) * bucket - now}
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
 * key, last-used hash. ARGV: cached authVersion, limit, window ms, bucket ms, consume (1/0),
 * token id, clock ms ('' = Redis TIME). Replies {code, remaining, resetMs, retryMs}:
 * code 1 admitted, 0 refused, 2 stale (version moved or key missing), 3 revoked.
 */
const TOKEN_GATE = `${SLIDING_WINDOW}
local current = redis.call('GET', KEYS[1])
if current == 'revoked' then return {3, 0, 0, 0} end
if current ~= ARGV[1] then return {2, 0, 0, 0} end
local now = clock(ARGV[7])
local consume = ARGV[5] == '1'
if consume then redis.call('HSET', KEYS[3], ARGV[6], now) end
return slide(KEYS[2], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), consume, now)
`;

/** A per-IP quota (failed requests, or verifications). KEYS: rate key. ARGV: limit, window ms, bucket ms, consume, clock ms. */
const IP_GATE = `${SLIDING_WINDOW}
return slide(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4] == '1', clock(ARGV[5]))
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
    bucketMs: string,
    consume: string,
    tokenId: string,
    clockMs: string,
  ): Promise<GateReply>;
  wardenIpGate(rateKey: string, limit: string, windowMs: string, bucketMs: string, consume: string, clockMs: string): Promise<GateReply>;
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
      policy.bucketMsArg,
      request.consume ? '1' : '0',
      request.tokenId,
      this.now(),
    );
    if (reply[0] === 2) return { kind: 'stale' };
    if (reply[0] === 3) return { kind: 'revoked' };
    return { kind: 'decision', decision: toDecision(reply) };
  }

  async ip(rateKey: string, policy: RateLimitPolicy, consume: boolean): Promise<RateLimitDecision> {
    const reply = await this.commands.wardenIpGate(rateKey, policy.limitArg, policy.windowMsArg, policy.bucketMsArg, consume ? '1' : '0', this.now());
    return toDecision(reply);
  }
}
