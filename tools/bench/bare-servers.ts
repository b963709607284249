// The benchmark baseline's two processes: `app` answers every request with BODY; `proxy` forwards
// every request to UPSTREAM over an undici Pool with the gateway's pool settings, and nothing else.
// With VERIFY_UPSTREAM, `app` also relays the gateway's internal verify calls (its cache misses) to
// the real token service, so a gateway can stand in front of it in place of the bare proxy.
import { pipeline } from 'node:stream/promises';
import express from 'express';
import { Pool } from 'undici';

const port = Number(process.env.PORT);
const app = express();
app.disable('x-powered-by');

if (process.argv[2] === 'app') {
  const body = process.env.BODY ?? '{}';
  if (process.env.VERIFY_UPSTREAM) {
    const verify = new Pool(process.env.VERIFY_UPSTREAM, { connections: 4 });
    app.post('/internal/v1/tokens/verify', async (req, res) => {
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([name]) => name.startsWith('x-') || name === 'content-type')) as Record<string, string>;
      const upstream = await verify.request({ path: req.originalUrl, method: 'POST', headers, body: req });
      res.status(upstream.statusCode).type('application/json');
      await pipeline(upstream.body, res);
    });
  }
  app.use((_req, res) => {
    res.type('application/json').send(body);
  });
} else {
  // Forwards the way the gateway does (undici `stream` straight into the response), minus Warden.
  const pool = new Pool(process.env.UPSTREAM as string, { connections: 128, pipelining: 1, keepAliveTimeout: 30_000 });
  const notRelayed = new Set(['connection', 'keep-alive', 'transfer-encoding']);
  app.use(async (req, res) => {
    try {
      await pool.stream({ path: req.originalUrl, method: req.method as 'GET', headers: { accept: req.get('accept') ?? '*/*' } }, ({ statusCode, headers }) => {
        res.status(statusCode);
        for (const [name, value] of Object.entries(headers)) if (value !== undefined && !notRelayed.has(name)) res.setHeader(name, value);
        return res;
      });
    } catch (error) {
      res.destroy(error as Error); // the load generator hung up at the end of a run
    }
  });
}

const server = app.listen(port, '127.0.0.1');
process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
