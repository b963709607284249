import type { ChaosResult } from './chaos-runner';

const pad = (text: string, width: number) => text + ' '.repeat(Math.max(0, width - text.length));

function table(rows: [string, string][]): string {
  const width = Math.max(...rows.map(([label]) => label.length));
  const valueWidth = Math.max(...rows.map(([, value]) => value.length));
  const line = `+${'-'.repeat(width + 2)}+${'-'.repeat(valueWidth + 2)}+`;
  return [line, ...rows.map(([label, value]) => `| ${pad(label, width)} | ${pad(value, valueWidth)} |`), line].join('\n');
}

const plural = (n: number, word: string, many = `${word}s`) => `${n} ${n === 1 ? word : many}`;

/** The table `npm run chaos` prints and docs/reliability.md quotes. */
export function formatSummary(result: ChaosResult): string {
  const { operations: ops, faults, audit } = result;
  const kills = Object.entries(faults.kills)
    .filter(([, n]) => n > 0)
    .map(([kind, n]) => `${kind} ${n}`)
    .join(', ');
  const rows: [string, string][] = [
    ['run', `${result.runId} (${result.profile}, seed ${result.seed}, ${Math.round(result.durationMs / 1000)} s, ${result.storage})`],
    ['writes pinned per account', result.pinWrites ? 'yes (one replica of each service per account)' : 'no (any replica)'],
    [
      'operations',
      `${ops.total}: ${ops.changes.ok} changes answered 2xx, ${ops.changes.failed} unanswered or 5xx, ${ops.changes.refused} refused; ${ops.reads} reads; ${ops.probes} probes`,
    ],
    ['concurrent write pairs', `${ops.contentionPairs} (same object, at once)`],
    [
      'faults injected',
      `${plural(faults.killCount, 'SIGKILL')} (${kills || 'none'}), ${plural(faults.redisRestarts, 'Redis restart')}, ` +
        plural(faults.redisCrashes, 'Redis crash', 'Redis crashes') +
        (faults.redisCrashes > 0
          ? ` (SIGKILL and its last second cut from the AOF: ${plural(faults.aofLost.commands, 'acknowledged write')}, ` +
            `${plural(faults.aofLost.auditJobs, 'audit job')}, ${plural(faults.aofLost.versionSignals, 'token version signal')}, ${plural(faults.aofLost.revocations, 'revocation')})`
          : ''),
    ],
    ['audit records', `${audit.records} for ${result.chains.total} accounts; drained in ${(result.drain.waitedMs / 1000).toFixed(1)} s`],
    ['lost events', String(audit.lost)],
    ['duplicates', String(audit.duplicates)],
    ['records without a change', String(audit.orphans)],
    ['indeterminate changes', `${audit.indeterminate} (${audit.indeterminateRecorded} recorded, ${audit.indeterminate - audit.indeterminateRecorded} not)`],
    ['chain status', `${result.chains.valid}/${result.chains.total} valid`],
    ['dead secrets accepted', `${result.revocation.accepted} (${result.revocation.probes} requests after revoke or rotation: ${result.revocation.refused} 401, ${result.revocation.inconclusive} unanswered)`],
    ['5xx / no answer', `${result.availability.failed} (${result.availability.explained} inside fault windows, ${result.availability.onPath} of a process on their path)`],
    ['processes leaked', `${result.shutdown.leaked} (${result.shutdown.pids} pids, ${result.shutdown.ports} ports checked)`],
    ['phases (s)', Object.entries(result.phases).map(([name, ms]) => `${name} ${(ms / 1000).toFixed(1)}`).join(', ')],
    ['result', result.passed ? 'PASS' : `FAIL (${plural(result.violations.length, 'violation')})`],
  ];
  const lines = [table(rows)];
  if (result.violations.length > 0) {
    lines.push('Violations:');
    for (const violation of result.violations.slice(0, 50)) lines.push(`  - [${violation.check}] ${violation.message}`);
    if (result.violations.length > 50) lines.push(`  ... and ${result.violations.length - 50} more (see ${result.runDir}/result.json)`);
  }
  for (const report of audit.lostReports) {
    lines.push(`Lost event #${report.entry.id}: ${report.verdict}`);
    for (const line of report.evidence) lines.push(`    ${line}`);
  }
  return lines.join('\n');
}
