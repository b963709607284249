// The console is a static single-page app served by the gateway at /console; it talks only to the
// public /api/v1 on the same origin, so the gateway's strict Content-Security-Policy can forbid
// every other origin, inline script and inline style.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/console/',
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // No data: URIs: the CSP allows assets from 'self' only.
    assetsInlineLimit: 0,
    sourcemap: false,
  },
  server: {
    // `npx vite --config apps/console/vite.config.mjs` for development, against `npm start`.
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
});
