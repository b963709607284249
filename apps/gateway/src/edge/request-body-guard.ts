import { Transform } from 'node:stream';
import type { Request, Response } from 'express';
import { AppError } from '@warden/http';

const UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 * 1024 };

export function parseByteSize(value: string): number {
  const match = /^(\d+)(b|kb|mb)$/i.exec(value);
  if (!match) throw new Error(`not a size: ${value}`);
  return Number(match[1]) * UNITS[match[2].toLowerCase()];
}

function hasBody(req: Request): boolean {
  return Number(req.get('content-length') ?? 0) > 0 || req.get('transfer-encoding') !== undefined;
}

/**
 * The gateway streams bodies to the services without parsing them, so it enforces the two things
 * it can see: JSON only (415) and a size limit (413), before a single byte goes upstream. Throws
 * the problem; a chunked body is wrapped in a counter that the proxy forwards instead.
 */
export function requestBodyGuard(limit: string): (req: Request, res: Response) => void {
  const maxBytes = parseByteSize(limit);
  const tooLarge = () => AppError.payloadTooLarge(`Request bodies are limited to ${limit}.`);
  return (req, res) => {
    if (!hasBody(req)) return;
    if (!req.is(['application/json', 'application/*+json'])) throw AppError.unsupportedMediaType();
    const declared = req.get('content-length');
    if (declared !== undefined) {
      if (Number(declared) > maxBytes) throw tooLarge();
      return;
    }
    // Chunked bodies announce no length: count them as they pass and cut off at the limit.
    let seen = 0;
    res.locals.requestBody = req.pipe(
      new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          seen += chunk.length;
          callback(seen > maxBytes ? tooLarge() : null, chunk);
        },
      }),
    );
  };
}
