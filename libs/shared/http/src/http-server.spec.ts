import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeServer, createHttpServer, createServicePool, listen, SERVER_KEEP_ALIVE_MS } from './http-server';

/** The `Keep-Alive` header a server sends on a kept-alive response, and whether it kept the connection. */
function keepAliveHeader(url: string): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { connection: 'keep-alive' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.headers['keep-alive'] as string | undefined));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('createHttpServer keep-alive', () => {
  it('keeps idle connections past a load balancer idle timeout by default, and tells clients', async () => {
    const server = createHttpServer((_req, res) => res.end('ok'));
    const url = await listen(server, 0, '127.0.0.1');
    try {
      expect(server.keepAliveTimeout).toBe(SERVER_KEEP_ALIVE_MS);
      expect(server.keepAliveTimeout).toBeGreaterThan(60_000);
      expect(server.headersTimeout).toBeGreaterThan(server.keepAliveTimeout);
      expect(await keepAliveHeader(url)).toBe(`timeout=${SERVER_KEEP_ALIVE_MS / 1000}`);
    } finally {
      server.closeAllConnections();
      await closeServer(server);
    }
  });

  it('takes the operator timeouts (KEEP_ALIVE_TIMEOUT_MS, HEADERS_TIMEOUT_MS)', async () => {
    const server = createHttpServer((_req, res) => res.end('ok'), {}, { keepAliveTimeoutMs: 350_000, headersTimeoutMs: 400_000 });
    const url = await listen(server, 0, '127.0.0.1');
    try {
      expect(server.headersTimeout).toBe(400_000);
      // Without its own, a server with a keep-alive raised past a minute keeps the 66 s headers timeout the configuration gives.
      expect(createHttpServer(() => undefined, {}, { keepAliveTimeoutMs: 620_000 }).headersTimeout).toBe(66_000);
      expect(await keepAliveHeader(url)).toBe('timeout=350');
    } finally {
      server.closeAllConnections();
      await closeServer(server);
    }
  });

  it('a pool drops an idle connection before a server with a short keep-alive closes it', async () => {
    // A server that keeps idle connections 3 s: the pool must not reuse one after that.
    const server = createHttpServer((_req, res) => res.end('ok'), {}, { keepAliveTimeoutMs: 3_000 });
    const url = await listen(server, 0, '127.0.0.1');
    const sockets = new Set<string>();
    server.on('connection', (socket) => sockets.add(`${(socket.address() as AddressInfo).port}:${socket.remotePort}`));
    const pool = createServicePool(url, { connections: 1, timeoutMs: 5_000 });
    let closedByPool = false;
    pool.on('disconnect', () => {
      closedByPool = true;
    });
    try {
      const first = await pool.request({ path: '/', method: 'GET' });
      await first.body.text();
      // The hint (3 s) less the pool's margin (2 s): the pool lets the socket go after 1 s, well before the server would.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(closedByPool).toBe(true);
      const second = await pool.request({ path: '/', method: 'GET' });
      expect(await second.body.text()).toBe('ok');
      expect(sockets.size).toBe(2);
    } finally {
      await pool.close();
      server.closeAllConnections();
      await closeServer(server);
    }
  });
});
