import { readFileSync } from 'node:fs';
import { once } from 'node:events';
import { createServer as createPlainServer, type RequestListener, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { Server as TlsServer } from 'node:tls';
import { Pool } from 'undici';
import { defaultHeadersTimeout } from '@warden/config';

/**
 * How long a server keeps an idle keep-alive connection unless `KEEP_ALIVE_TIMEOUT_MS` says
 * otherwise. A client must give up an idle connection before the server does, or it sends a request
 * on a socket the server is closing and reads ECONNRESET. By default every Warden server keeps idle
 * connections longer than any Warden client (`CLIENT_KEEP_ALIVE_MS`) and than a typical load
 * balancer's idle timeout (60 s), so the client side always closes first.
 */
export const SERVER_KEEP_ALIVE_MS = 65_000;
/**
 * Idle time after which Warden's own HTTP clients (the gateway's upstream pools) drop a connection.
 * A service configured to keep connections for less says so in its `Keep-Alive: timeout=` header,
 * and the pool then drops them two seconds before that (`KEEP_ALIVE_MARGIN_MS`).
 */
export const CLIENT_KEEP_ALIVE_MS = 30_000;
/** How much earlier than a server's `Keep-Alive: timeout=` hint a pool drops an idle connection. */
const KEEP_ALIVE_MARGIN_MS = 2_000;

/**
 * A keep-alive connection pool to one Warden service. Idle connections go well before the
 * service's server drops them, whatever keep-alive hint it sends, so a request never lands on a
 * socket being closed; a service slower than `timeoutMs` fails the request.
 */
export function createServicePool(origin: string, { connections, timeoutMs }: { connections: number; timeoutMs: number }): Pool {
  return new Pool(origin, {
    connections,
    pipelining: 1,
    keepAliveTimeout: CLIENT_KEEP_ALIVE_MS,
    keepAliveMaxTimeout: CLIENT_KEEP_ALIVE_MS,
    keepAliveTimeoutThreshold: KEEP_ALIVE_MARGIN_MS,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });
}

export interface TlsFiles {
  certFile?: string;
  keyFile?: string;
}

/** `KEEP_ALIVE_TIMEOUT_MS` and `HEADERS_TIMEOUT_MS` of the process's configuration. */
export interface ServerTimeouts {
  keepAliveTimeoutMs?: number;
  /** By default the keep-alive timeout plus 1 s, at most 66 s (`defaultHeadersTimeout`). */
  headersTimeoutMs?: number;
}

/** The server timeouts a process's configuration sets. */
export function serverTimeouts(config: { KEEP_ALIVE_TIMEOUT_MS?: number; HEADERS_TIMEOUT_MS?: number }): ServerTimeouts {
  return { keepAliveTimeoutMs: config.KEEP_ALIVE_TIMEOUT_MS, headersTimeoutMs: config.HEADERS_TIMEOUT_MS };
}

/** An HTTP server (HTTPS when a certificate is given) with Warden's keep-alive settings. */
export function createHttpServer(app: RequestListener, { certFile, keyFile }: TlsFiles = {}, timeouts: ServerTimeouts = {}): Server {
  const server = certFile && keyFile ? createTlsServer({ cert: readFileSync(certFile), key: readFileSync(keyFile) }, app) : createPlainServer(app);
  server.keepAliveTimeout = timeouts.keepAliveTimeoutMs ?? SERVER_KEEP_ALIVE_MS;
  server.headersTimeout = timeouts.headersTimeoutMs ?? defaultHeadersTimeout(server.keepAliveTimeout);
  return server;
}

/** Listens on `port` (0: any free one) and resolves with the origin clients can use. */
export async function listen(server: Server, port: number, host?: string): Promise<string> {
  server.listen(port, host);
  await once(server, 'listening');
  const address = server.address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address === '::' ? '::1' : address.address}]` : address.address === '0.0.0.0' ? '127.0.0.1' : address.address;
  return `${server instanceof TlsServer ? 'https' : 'http'}://${shown}:${address.port}`;
}

/** Stops accepting connections, lets in-flight requests finish, and drops idle keep-alive sockets. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    // Idle keep-alive sockets would hold close() open until their timeout.
    server.closeIdleConnections();
  });
}
