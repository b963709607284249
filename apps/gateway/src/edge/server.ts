import type { Server } from 'node:http';
import type { Express } from 'express';
import { createHttpServer, type ServerTimeouts, type TlsFiles } from '@warden/http';

/** TLS terminates here when a certificate is configured; otherwise plain HTTP behind a proxy. */
export function createGatewayServer(app: Express, tls: TlsFiles, timeouts: ServerTimeouts = {}): Server {
  return createHttpServer(app, tls, timeouts);
}
