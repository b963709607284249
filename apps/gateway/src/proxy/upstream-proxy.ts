import { pipeline } from 'node:stream/promises';
import type { Request, Response } from 'express';
import { Pool, errors as undiciErrors } from 'undici';
import { AppError, signIdentity, type Identity, REQUEST_ID_HEADER } from '@warden/http';

/** Request headers a service needs; everything else, above all `Authorization`, stays at the door. */
const FORWARDED_REQUEST_HEADERS = ['content-type', 'content-length', 'accept', 'accept-encoding', 'if-none-match'];
/** Hop-by-hop headers (RFC 9110 §7.6.1) belong to one connection and are never relayed. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'te', 'trailer']);

export interface UpstreamProxyOptions {
  origin: string;
  name: string;
  signingKey: string;
  timeoutMs: number;
}

/**
 * Forwards a request to one service over a keep-alive pool, with the caller's identity signed
 * for exactly this method and URL. Streams both ways; maps transport failures to 502/504.
 */
export class UpstreamProxy {
  private readonly pool: Pool;

  constructor(private readonly options: UpstreamProxyOptions) {
    this.pool = new Pool(options.origin, {
      connections: 128,
      pipelining: 1,
      keepAliveTimeout: 30_000,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
  }

  async forward(req: Request, res: Response, identity: Identity): Promise<void> {
    const headers: Record<string, string> = {
      ...signIdentity(identity, this.options.signingKey, { method: req.method, url: req.originalUrl }),
      [REQUEST_ID_HEADER]: res.locals.requestId,
    };
    for (const name of FORWARDED_REQUEST_HEADERS) {
      const value = req.get(name);
      if (value !== undefined) headers[name] = value;
    }
    const hasBody = req.get('content-length') !== undefined || req.get('transfer-encoding') !== undefined;
    let upstream;
    try {
      upstream = await this.pool.request({
        origin: this.options.origin,
        path: req.originalUrl,
        method: req.method as any,
        headers,
        body: hasBody ? req : undefined,
      });
    } catch (error) {
      throw this.translate(error);
    }
    res.status(upstream.statusCode);
    for (const [name, value] of Object.entries(upstream.headers)) {
      if (value !== undefined && !HOP_BY_HOP.has(name) && name !== REQUEST_ID_HEADER) res.setHeader(name, value);
    }
    try {
      await pipeline(upstream.body, res);
    } catch (error) {
      // The status line is out already; all that is left is to cut the connection.
      res.destroy(error as Error);
    }
  }

  private translate(error: unknown): AppError {
    if (error instanceof undiciErrors.HeadersTimeoutError || error instanceof undiciErrors.BodyTimeoutError) {
      return AppError.gatewayTimeout(`The ${this.options.name} service did not answer in time.`);
    }
    return AppError.badGateway(`The ${this.options.name} service is unavailable.`);
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}
