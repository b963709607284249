import type { Cluster, Redis } from 'ioredis';
import { WINDOW_BUCKETS, type RateLimitDecision, type RateLimitPolicy } from './rate-limit-policy';

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
-- Reads a key's window at \`now\` (deleting buckets that no longer count): its counted total, the
-- oldest counted bucket, and whether one more request fits.
local function measure(key, limit, window, bucket, now)
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
  return { key = key, limit = limit, bucket = bucket, span = span, current = current, oldest = oldest,
    counts = counts, total = total, first = first, open = total < limit }
end

-- Counts one admission in the current bucket; the key expires once that bucket stops counting.
local function count(w, now)
  redis.call('HINCRBY', w.key, string.format('%d', w.current), 1)
  redis.call('PEXPIRE', w.key, (w.current + w.span + 1) * w.bucket - now)
  w.total = w.total + 1
  if not w.first then w.first = w.current end
end

-- {admitted 1/0, remaining, ms until the oldest counted bucket stops counting, ms until a request would be admitted}
local function verdict(w, now)
  if w.open then
    local reset = 0
    if w.first then reset = (w.first + w.span + 1) * w.bucket - now end
    return {1, w.limit - w.total, reset, 0}
  end
  -- Refused: admitted again once enough of the oldest buckets have stopped counting.
  local left = w.total
  for index = w.oldest, w.current do
    left = left - (w.counts[index] or 0)
    if left < w.limit then
      return {0, 0, (w.first + w.span + 1) * w.bucket - now, (index + w.span + 1) * w.bucket - now}
    end
  end
  return {0, 0, (w.first + w.span + 1) * w.bucket - now, (w.current + w.span + 1) * w.bucket - now}
end

-- Milliseconds: Lua hands numbers to Redis as %.14g, which keeps 13-digit epoch ms exact.
local function clock(given)
  if given ~= '' then return tonumber(given) end
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
`;

/**
 * Authentication, revocation and both quotas of a token (its own, and its account's, shared by all
 * the account's tokens) in one round trip. A request is admitted only if it fits both windows, and
 * then counts in both; a refused request counts in neither.
 *
 * The account's quota is the operator's value for the account, else the default. The verification
 * carries the value it read (ARGV[8..10]); the operator's command also writes it to the account's
 * limit key (\`<revision>:<limit>:<window s>\`, or \`<revision>:default\`), which wins when it is at
 * least as recent, so a change is in force on every replica at once, not when caches expire.
 *
 * KEYS: token version, token window, account window, account limit, the account's last-used hash,
 * all tagged with the account id (\`{<accountId>}\`) so that on Redis Cluster they share one slot.
 * ARGV: cached authVersion, consume (1/0), token id, clock ms ('' = Redis TIME), window buckets,
 * token limit, token window ms, account revision read by the verification, account limit, account
 * window ms, default account limit, default account window ms.
 * Replies {code, remaining, resetMs, retryMs, binding, account limit, account window ms}: code 1
 * admitted, 0 refused, 2 stale (version moved or key missing), 3 revoked; binding 0 when the
 * token's quota is the tighter one (or the one that refused), 1 when the account's is.
 */
const TOKEN_GATE = `${SLIDING_WINDOW}
local current = redis.call('GET', KEYS[1])
if current == 'revoked' then return {3, 0, 0, 0, 0, 0, 0} end
if current ~= ARGV[1] then return {2, 0, 0, 0, 0, 0, 0} end
local now = clock(ARGV[4])
local consume = ARGV[2] == '1'
local buckets = tonumber(ARGV[5])
local accountLimit, accountWindow = tonumber(ARGV[9]), tonumber(ARGV[10])
local set = redis.call('GET', KEYS[4])
if set then
  local revision, limit, window = string.match(set, '^(%d+):(%d+):(%d+)$')
  if not revision then
    revision = string.match(set, '^(%d+):default$')
    limit, window = ARGV[11], ARGV[12]
  else
    window = tonumber(window) * 1000
  end
  if revision and tonumber(revision) >= tonumber(ARGV[8]) then
    accountLimit, accountWindow = tonumber(limit), tonumber(window)
  end
end
local tokenWindow = tonumber(ARGV[7])
local token = measure(KEYS[2], tonumber(ARGV[6]), tokenWindow, tokenWindow / buckets, now)
local account = measure(KEYS[3], accountLimit, accountWindow, accountWindow / buckets, now)
local admitted = token.open and account.open
if consume then redis.call('HSET', KEYS[5], ARGV[3], now) end
if admitted and consume then
  count(token, now)
  count(account, now)
end
local t, a = verdict(token, now), verdict(account, now)
local binding = 0
if admitted then
  if a[2] < t[2] then binding = 1 end
elseif not account.open and (token.open or a[4] > t[4]) then
  binding = 1
end
local reply = t
if binding == 1 then reply = a end
return {reply[1], reply[2], reply[3], reply[4], binding, accountLimit, accountWindow}
`;

/** A per-IP quota (failed requests, or verifications). KEYS: rate key. ARGV: limit, window ms, bucket ms, consume, clock ms. */
const IP_GATE = `${SLIDING_WINDOW}
local now = clock(ARGV[5])
local w = measure(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), now)
if w.open and ARGV[4] == '1' then count(w, now) end
return verdict(w, now)
`;

type GateReply = [number, number, number, number];
type TokenGateReply = [number, number, number, number, number, number, number];

interface GateCommands {
  /** Five keys, then the arguments (see `TOKEN_GATE`). */
  wardenTokenGate(...keysAndArgs: string[]): Promise<TokenGateReply>;
  wardenIpGate(rateKey: string, limit: string, windowMs: string, bucketMs: string, consume: string, clockMs: string): Promise<GateReply>;
}

/** The account's quota as the gate applied it, when it is the tighter one. */
export interface BindingAccountQuota {
  limit: number;
  windowSeconds: number;
}

export type TokenGateResult =
  | { kind: 'decision'; decision: RateLimitDecision; /** Set when the account's quota is the tighter one (or refused). */ account: BindingAccountQuota | null }
  | { kind: 'stale' }
  | { kind: 'revoked' };

export interface TokenGateRequest {
  versionKey: string;
  rateKey: string;
  version: string;
  tokenId: string;
  policy: RateLimitPolicy;
  account: {
    rateKey: string;
    /** The operator's value in Redis (\`accountLimitKey\`), which wins over \`policy\` when at least as recent as \`revision\`. */
    limitKey: string;
    /** The account's last-use hash (\`lastUsedKey\`). */
    lastUsedKey: string;
    /** The account's revision read by the verification, and the quota it read (its own, else the default). */
    revision: string;
    policy: RateLimitPolicy;
  };
  /** false: check the version only and report the quotas without counting this request. */
  consume: boolean;
}

function toDecision(reply: GateReply | TokenGateReply): RateLimitDecision {
  return { allowed: reply[0] === 1, remaining: reply[1], resetMs: reply[2], retryAfterMs: reply[3] };
}

/** The two gate scripts, loaded once per connection with \`defineCommand\` (EVALSHA, EVAL on NOSCRIPT). */
export class RedisGate {
  private readonly commands: GateCommands;
  private readonly bucketsArg = String(WINDOW_BUCKETS);

  constructor(
    redis: Redis | Cluster,
    /** The account quota for accounts the operator gave none of their own (\`RATE_LIMIT_PER_ACCOUNT\`). */
    private readonly defaultAccountPolicy: RateLimitPolicy,
    /** Milliseconds; only tests pass a clock, production uses the Redis server's. */
    private readonly clock?: () => number,
  ) {
    redis.defineCommand('wardenTokenGate', { numberOfKeys: 5, lua: TOKEN_GATE });
    redis.defineCommand('wardenIpGate', { numberOfKeys: 1, lua: IP_GATE });
    this.commands = redis as unknown as GateCommands;
  }

  private now(): string {
    return this.clock ? String(Math.floor(this.clock())) : '';
  }

  async token(request: TokenGateRequest): Promise<TokenGateResult> {
    const { policy, account } = request;
    const reply = await this.commands.wardenTokenGate(
      request.versionKey,
      request.rateKey,
      account.rateKey,
      account.limitKey,
      account.lastUsedKey,
      request.version,
      request.consume ? '1' : '0',
      request.tokenId,
      this.now(),
      this.bucketsArg,
      policy.limitArg,
      policy.windowMsArg,
      account.revision,
      account.policy.limitArg,
      account.policy.windowMsArg,
      this.defaultAccountPolicy.limitArg,
      this.defaultAccountPolicy.windowMsArg,
    );
    if (reply[0] === 2) return { kind: 'stale' };
    if (reply[0] === 3) return { kind: 'revoked' };
    return { kind: 'decision', decision: toDecision(reply), account: reply[4] === 1 ? { limit: reply[5], windowSeconds: reply[6] / 1000 } : null };
  }

  async ip(rateKey: string, policy: RateLimitPolicy, consume: boolean): Promise<RateLimitDecision> {
    const reply = await this.commands.wardenIpGate(rateKey, policy.limitArg, policy.windowMsArg, policy.bucketMsArg, consume ? '1' : '0', this.now());
    return toDecision(reply);
  }
}
