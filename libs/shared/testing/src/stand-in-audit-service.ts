import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StandInAuditService {
  /** Its base URL, for a producer's `AUDIT_SERVICE_URL`. */
  url: string;
  /** Which of the ids asked are recorded; until set, none are. */
  recorded: (eventIds: string[]) => Promise<string[]>;
  /** From now on, an event counts as recorded once its job is on `queue` (as if a worker had recorded it at once). */
  recordQueued: (queue: { getJob(id: string): Promise<unknown> }) => void;
  close: () => Promise<void>;
}

/**
 * Stands in for the audit service's `POST /internal/v1/audit/recorded` in a producer's tests that
 * run no audit service: it answers with what `recorded` says (a harness says: every event whose
 * job is on its queue, as if a worker had recorded it at once). It checks no identity.
 */
export async function startStandInAuditService(): Promise<StandInAuditService> {
  const stand: StandInAuditService = {
    url: '',
    recorded: async () => [],
    recordQueued: (queue) => {
      stand.recorded = async (eventIds) => (await Promise.all(eventIds.map(async (id) => ((await queue.getJob(id)) ? [id] : [])))).flat();
    },
    close: async () => undefined,
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void (async () => {
        const { eventIds = [] } = JSON.parse(Buffer.concat(chunks).toString() || '{}') as { eventIds?: string[] };
        const recorded = await stand.recorded(eventIds);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ success: true, data: { recorded } }));
      })().catch(() => res.writeHead(500).end());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  stand.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  stand.close = () => new Promise((resolve) => server.close(() => resolve()));
  return stand;
}
