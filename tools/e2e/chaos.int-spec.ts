import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testInfra } from '@warden/testing';
import { PROFILES, runChaos, type ChaosResult } from '../chaos/chaos-runner';
import { formatSummary } from '../chaos/summary';

// The chaos run of docs/reliability.md, slimmed for `npm test`: the same runner and checks as
// `npm run chaos` (2 gateways, 2 token, 2 credential and 3 audit services as separate processes on
// their own Redis), with one Redis crash (SIGKILL, and a restart from an append-only file without
// its last second, so acknowledged audit jobs and token version signals are lost), one SIGKILL of
// each kind of service, and one Redis restart (SIGTERM). The checks still find every change with
// exactly one record, every chain valid and no dead secret accepted. The database is the run's
// MongoDB-compatible server, each service on its own fresh database.
const root = join(__dirname, '..', '..');

describe('chaos run (slim)', () => {
  let result: ChaosResult;

  beforeAll(async () => {
    const runDir = mkdtempSync(join(tmpdir(), 'warden-chaos-'));
    const lines: string[] = [];
    result = await runChaos({
      profile: PROFILES.slim,
      mongo: async () => ({ url: testInfra().mongoUrl, pids: [], ports: [], stop: async () => undefined }),
      root,
      runDir,
      log: (line) => lines.push(line),
    });
    if (!result.passed) process.stderr.write(`${lines.join('\n')}\n${formatSummary(result)}\n`);
  }, 170_000);

  it('finds no violation: one record per change, valid chains, no dead secret accepted, 5xx only in fault windows, nothing leaked', () => {
    expect(result.violations).toEqual([]);
  });

  it('injected one SIGKILL of each kind of service, one Redis restart and one Redis crash that lost acknowledged writes, under load', () => {
    expect(result.faults.kills).toEqual({ gateway: 1, 'token-service': 1, 'credential-service': 1, 'audit-service': 1 });
    expect(result.faults.redisRestarts).toBe(1);
    expect(result.faults.redisCrashes).toBe(1);
    expect(result.faults.aofLost.commands).toBeGreaterThan(0);
    expect(result.operations.changes.ok).toBeGreaterThan(30);
    expect(result.revocation.probes).toBeGreaterThan(0);
    expect(result.chains.valid).toBe(result.chains.total);
  });
});
