import type { Server } from 'node:http';
import type { Logger } from '@warden/config';

export interface RunningService {
  /** Servers stop accepting first; then queues and connections close. */
  servers: Server[];
  close: () => Promise<void>;
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    // Idle keep-alive sockets would hold close() open until their timeout.
    server.closeIdleConnections();
  });
}

/**
 * Starts a service and stops it cleanly on SIGTERM/SIGINT: in-flight requests finish, workers
 * finish their job, connections close, and the process exits 0. A second signal forces the exit.
 */
export async function runService(name: string, logger: Logger, start: () => Promise<RunningService>): Promise<void> {
  // Log lines to standard output are buffered: write them out before the process goes.
  const exit = (code: number) => logger.flush(() => process.exit(code));
  let running: RunningService;
  try {
    running = await start();
  } catch (error) {
    logger.fatal({ err: error }, `${name} failed to start`);
    // The message alone is what an operator needs for a config error; keep it on stderr too.
    process.stderr.write(`${name} failed to start: ${(error as Error).message}\n`);
    exit(1);
    return;
  }
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal, exiting now');
      exit(1);
      return;
    }
    stopping = true;
    logger.info({ signal }, `${name} shutting down`);
    const forceExit = setTimeout(() => {
      logger.error('shutdown took longer than 10s, exiting');
      exit(1);
    }, 10_000);
    forceExit.unref();
    try {
      await Promise.all(running.servers.map(closeServer));
      await running.close();
      logger.info(`${name} stopped`);
      exit(0);
    } catch (error) {
      logger.error({ err: error }, 'error during shutdown');
      exit(1);
    }
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}
