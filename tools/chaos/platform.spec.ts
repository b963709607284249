import { describeAofCut, parseAof } from './platform';

/** Commands as Redis writes them to its append-only file. */
const aof = (...commands: string[][]) => Buffer.from(commands.map((args) => `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`).join(''), 'latin1');

describe('the append-only file a Redis crash cuts', () => {
  it('reads the commands, leaving out a last one that was cut in the middle', () => {
    const whole = aof(['SET', 'a', '1'], ['MULTI'], ['HSET', 'h', 'f', 'line\r\nbreak'], ['EXEC']);
    expect(parseAof(whole)).toEqual([['SET', 'a', '1'], ['MULTI'], ['HSET', 'h', 'f', 'line\r\nbreak'], ['EXEC']]);
    expect(parseAof(whole.subarray(0, whole.length - 3))).toHaveLength(3);
    expect(parseAof(Buffer.alloc(0))).toEqual([]);
  });

  it('counts the audit jobs, token version signals and revocations it lost', () => {
    const tail = aof(
      ['SET', 'warden:tokver:{a1}:t1', '3'],
      ['SET', 'warden:tokver:t1', '3'],
      ['MSET', 'warden:tokver:{a1}:t2', 'revoked', 'warden:tokver:t2', 'revoked'],
      ['XADD', 'bull:audit-events:events', 'MAXLEN', '~', '10000', '*', 'event', 'added', 'jobId', 'e1', 'name', 'change'],
      ['XADD', 'bull:audit-events:events', 'MAXLEN', '~', '10000', '*', 'event', 'completed', 'jobId', 'e0'],
      ['HINCRBY', 'rl:win:tok:t1', '42', '1'],
    );
    expect(describeAofCut(tail)).toEqual({ bytes: tail.length, commands: 6, auditJobs: 1, versionSignals: 2, revocations: 1 });
  });
});
