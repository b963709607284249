import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import express, { Router, type RequestHandler } from 'express';
import helmet from 'helmet';
import { AppError } from '@warden/http';

// Defined as true only in the production bundle (tools/build/build-apps.mjs), dist/apps/gateway/main.js.
declare const WARDEN_BUNDLED: boolean | undefined;

/** The checkout or image root, from this file (apps/gateway/src/console) or from the bundle (dist/apps/gateway). */
const ROOT = typeof WARDEN_BUNDLED !== 'undefined' ? resolve(__dirname, '..', '..', '..') : resolve(__dirname, '..', '..', '..', '..');

/** Where `npm run console:build` writes the console (apps/console/dist). */
export const DEFAULT_CONSOLE_DIST_DIR = join(ROOT, 'apps', 'console', 'dist');

/**
 * The console loads its own script, style sheet and icon and calls /api/v1 on this origin, and
 * nothing else: no inline script or style, no other origin, no plugin, no framing, no <base>.
 */
export const CONSOLE_CSP_DIRECTIVES = {
  defaultSrc: ["'none'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'"],
  fontSrc: ["'self'"],
  connectSrc: ["'self'"],
  manifestSrc: ["'self'"],
  baseUri: ["'none'"],
  formAction: ["'none'"],
  frameAncestors: ["'none'"],
  objectSrc: ["'none'"],
};

const ONE_YEAR_SECONDS = 31_536_000;

/**
 * The web console at /console: the static files of apps/console/dist with a strict
 * Content-Security-Policy. Hashed assets are cached for good; the page itself is revalidated, so a
 * new build is picked up at once. Any other path under /console is the single-page app's page.
 */
export function consoleRoutes(distDir: string = DEFAULT_CONSOLE_DIST_DIR): Router {
  const router = Router();
  const indexFile = join(distDir, 'index.html');

  router.use(
    '/console',
    helmet({
      contentSecurityPolicy: { useDefaults: false, directives: CONSOLE_CSP_DIRECTIVES },
      crossOriginEmbedderPolicy: { policy: 'require-corp' },
      crossOriginOpenerPolicy: { policy: 'same-origin' },
      crossOriginResourcePolicy: { policy: 'same-origin' },
      referrerPolicy: { policy: 'no-referrer' },
      xFrameOptions: { action: 'deny' },
    }),
    (_req, res, next) => {
      res.setHeader('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), payment=(), usb=()');
      next();
    },
  );

  router.use(
    '/console/assets',
    express.static(join(distDir, 'assets'), { index: false, immutable: true, maxAge: ONE_YEAR_SECONDS * 1000, fallthrough: true }),
    // A missing hashed asset is an old or mistyped URL, not a page of the app.
    (_req, _res, next) => next(AppError.notFound('No such console asset.')),
  );
  router.use('/console', express.static(distDir, { index: false, maxAge: 0, fallthrough: true, redirect: false }));

  const sendPage: RequestHandler = (req, res, next) => {
    if (req.path === '/console' && !req.originalUrl.split('?')[0].endsWith('/')) {
      res.redirect(301, '/console/');
      return;
    }
    if (!existsSync(indexFile)) {
      next(AppError.serviceUnavailable('The console is not built on this gateway: run `npm run console:build`.'));
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(indexFile, (error) => error && next(error));
  };
  router.get(['/console', '/console/{*page}'], sendPage);
  return router;
}
