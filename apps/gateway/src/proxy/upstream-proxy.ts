import type { Request, Response } from 'express';
import { errors as undiciErrors, type Dispatcher, type Pool } from 'undici';
import { AppError, createServicePool, type Identity, type IdentitySigner, REQUEST_ID_HEADER } from '@warden/http';
import type { ForwardedBody } from '../edge/request-body-guard';

/** Request headers a service needs; everything else, above all `Authorization`, stays at the door. */
const FORWARDED_REQUEST_HEADERS = ['content-type', 'accept', 'accept-encoding', 'if-none-match'];
/**
 * Hop-by-hop headers (RFC 9110 §7.6.1) belong to one connection and are never relayed; nor is a
 * service's `x-powered-by`, which only tells an attacker what runs behind the door.
 */
const NOT_RELAYED = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection', 'te', 'trailer', 'x-powered-by']);

export interface UpstreamProxyOptions {
  origin: string;
  name: string;
  /** The service's name as an identity's audience: only it accepts what is minted for it. */
  audience: string;
  signer: IdentitySigner;
  timeoutMs: number;
}

/**
 * Forwards a request to one service over a keep-alive pool, with an identity minted for that
 * service, this method, URL and body alone. Streams the answer back; maps transport failures to 502/504.
 */
export class UpstreamProxy {
  private readonly pool: Pool;

  constructor(private readonly options: UpstreamProxyOptions) {
    this.pool = createServicePool(options.origin, { connections: 128, timeoutMs: options.timeoutMs });
  }

  async forward(req: Request, res: Response, identity: Identity, body: ForwardedBody): Promise<void> {
    const headers: Record<string, string> = {
      ...this.options.signer.sign(this.options.audience, identity, { method: req.method, url: req.originalUrl, digest: body.digest }),
      [REQUEST_ID_HEADER]: res.locals.requestId,
    };
    for (const name of FORWARDED_REQUEST_HEADERS) {
      const value = req.get(name);
      if (value !== undefined) headers[name] = value;
    }
    if (body.bytes) headers['content-length'] = String(body.bytes.length);
    try {
      // `stream` writes the upstream body straight into the client response: no intermediate
      // Readable and no pipeline bookkeeping on the hot path.
      await this.pool.stream(
        { origin: this.options.origin, path: req.originalUrl, method: req.method as Dispatcher.HttpMethod, headers, body: body.bytes },
        ({ statusCode, headers: upstreamHeaders }) => {
          res.status(statusCode);
          for (const [name, value] of Object.entries(upstreamHeaders)) {
            if (value !== undefined && !NOT_RELAYED.has(name) && name !== REQUEST_ID_HEADER) res.setHeader(name, value);
          }
          return res;
        },
      );
    } catch (error) {
      if (error instanceof AppError) throw error;
      if (!res.headersSent) throw this.translate(error);
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
