import type { Server } from 'node:http';
import type { Express } from 'express';
import { ConfigError, createLogger, defaultAdminPort, type Logger, type BaseEnv } from '@warden/config';
import { closeServer, createHttpServer, listen, serverTimeouts } from './http-server';

/**
 * Everything one service runs, built by its composition root (`compose*`): the HTTP app and the
 * background work around it. main.ts, the test harnesses, the platforms the tools run and the CLI
 * all take a service from there, so there is one wiring and one shutdown.
 */
export interface ComposedService {
  app: Express;
  /** The operations app (`/metrics`, detailed `/readyz`): served on `ADMIN_PORT`, bound to `ADMIN_HOST`. */
  admin: Express;
  /** Starts the background work (relays, workers, timers). */
  start: () => Promise<void>;
  /** Stops the background work and closes every connection; servers have stopped accepting by then. */
  close: () => Promise<void>;
  /** The server for `app`; a plain HTTP server with Warden's keep-alive settings unless the service needs more (TLS). */
  createServer?: () => Server;
}

export interface ServiceEntryPoint<C extends BaseEnv> {
  loadConfig: () => C;
  compose: (config: C, logger: Logger) => Promise<ComposedService>;
  /** Extra fields of the "listening" line (never a secret). */
  describe?: (config: C) => Record<string, unknown>;
}

/**
 * A service's process: validates its configuration, builds the logger from it, composes the
 * service, starts it and listens: the app on `PORT` (`HOST`), the operations app on `ADMIN_PORT`
 * (`ADMIN_HOST`, loopback by default). Stops cleanly on SIGTERM/SIGINT: both servers stop accepting,
 * in-flight requests finish, workers finish their job, connections close, and the process exits 0.
 * A second signal, or a shutdown longer than 10 s, forces the exit.
 */
export async function runService<C extends BaseEnv>(name: string, { loadConfig, compose, describe }: ServiceEntryPoint<C>): Promise<void> {
  let config: C;
  try {
    config = loadConfig();
  } catch (error) {
    // The message alone is what an operator needs for a config error; there is no logger yet.
    process.stderr.write(`${name} failed to start: ${error instanceof ConfigError ? error.message : String(error)}\n`);
    process.exit(1);
  }
  const logger = createLogger({ name, level: config.LOG_LEVEL, file: config.LOG_FILE });
  // Log lines to standard output are buffered: write them out before the process goes.
  const exit = (code: number) => logger.flush(() => process.exit(code));
  let service: ComposedService;
  let server: Server;
  let adminServer: Server;
  let adminUrl: string;
  try {
    service = await compose(config, logger);
    await service.start();
    server = service.createServer?.() ?? createHttpServer(service.app, {}, serverTimeouts(config));
    adminServer = createHttpServer(service.admin, {}, serverTimeouts(config));
    adminUrl = await listen(adminServer, config.ADMIN_PORT ?? defaultAdminPort(config.PORT), config.ADMIN_HOST);
    await listen(server, config.PORT, config.HOST);
  } catch (error) {
    logger.fatal({ err: error }, `${name} failed to start`);
    process.stderr.write(`${name} failed to start: ${(error as Error).message}\n`);
    exit(1);
    return;
  }
  logger.info({ port: config.PORT, admin: adminUrl, ...describe?.(config) }, `${name} listening`);

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
      await Promise.all([closeServer(server), closeServer(adminServer)]);
      await service.close();
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
