import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Express } from 'express';

export interface TlsFiles {
  certFile?: string;
  keyFile?: string;
}

/** TLS terminates here when a certificate is configured; otherwise plain HTTP behind a proxy. */
export function createGatewayServer(app: Express, { certFile, keyFile }: TlsFiles): Server {
  const server = certFile && keyFile ? createHttpsServer({ cert: readFileSync(certFile), key: readFileSync(keyFile) }, app) : createHttpServer(app);
  // Longer than a typical load balancer's idle timeout, so the balancer closes first.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  return server;
}
