import { Counter, Gauge } from 'prom-client';
import type { Queue } from 'bullmq';
import { createMetrics, type Metrics } from '@warden/http';

export interface AuditMetrics {
  http: Metrics;
  chainHead: Gauge<'account'>;
  recordsWritten: Counter;
  checkpointsSigned: Counter;
  checkpointsRefused: Counter;
  /** Checkpoints refused, by reason (`chain-invalid`, `head-behind`, `tree-mismatch`, `node-conflict`). */
  checkpointRefusals: Counter<'reason'>;
  /** Jobs of audit-events the worker refused to record because their producer did not authenticate them, by reason. */
  eventsQuarantined: Counter<'reason'>;
  /** audit-recorded notifications dropped by retention (`age`, `count`): nobody consumed them in time. */
  recordedDropped: Counter<'reason'>;
}

/**
 * The service's Prometheus registry: HTTP latency (shared frame), each account's chain head, and
 * the audit-events queue's depth and lag (the age of its oldest waiting job), read at scrape time.
 */
export function createAuditMetrics(eventsQueue?: Queue): AuditMetrics {
  const http = createMetrics('audit-service');
  const registers = [http.registry];
  const chainHead = new Gauge({ name: 'audit_chain_head_seq', help: 'Newest seq written per account chain', labelNames: ['account'], registers });
  const recordsWritten = new Counter({ name: 'audit_records_written_total', help: 'Audit records appended', registers });
  const checkpointsSigned = new Counter({ name: 'audit_checkpoints_signed_total', help: 'Chain heads signed', registers });
  const checkpointsRefused = new Counter({
    name: 'audit_checkpoints_refused_total',
    help: 'Checkpoints refused because the chain failed verification (investigate at once)',
    registers,
  });
  const checkpointRefusals = new Counter({
    name: 'audit_checkpoint_refusals_total',
    help: 'Checkpoints refused by reason: chain-invalid, head-behind (records deleted), tree-mismatch, node-conflict (investigate at once)',
    labelNames: ['reason'],
    registers,
  });
  const eventsQuarantined = new Counter({
    name: 'audit_events_quarantined_total',
    help: 'audit-events jobs not recorded because their producer did not authenticate them (moved to audit-events-quarantine)',
    labelNames: ['reason'],
    registers,
  });
  const recordedDropped = new Counter({
    name: 'audit_recorded_dropped_total',
    help: 'audit-recorded jobs dropped unconsumed by retention, by reason (age, count)',
    labelNames: ['reason'],
    registers,
  });
  if (eventsQueue) {
    new Gauge({
      name: 'audit_events_queue_depth',
      help: 'Jobs on audit-events by state',
      labelNames: ['state'],
      registers,
      async collect() {
        const counts = await eventsQueue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized');
        for (const [state, count] of Object.entries(counts)) this.set({ state }, count);
      },
    });
    new Gauge({
      name: 'audit_events_queue_lag_seconds',
      help: 'Age of the oldest job waiting on audit-events',
      registers,
      async collect() {
        const [oldest] = await eventsQueue.getJobs(['waiting'], 0, 0, true);
        this.set(oldest ? Math.max(0, (Date.now() - oldest.timestamp) / 1000) : 0);
      },
    });
  }
  return { http, chainHead, recordsWritten, checkpointsSigned, checkpointsRefused, checkpointRefusals, eventsQuarantined, recordedDropped };
}
