import type { Request } from 'express';
import getRawBody from 'raw-body';
import { AppError, bodyDigest, EMPTY_BODY_DIGEST } from '@warden/http';

const UNITS: Record<string, number> = { b: 1, kb: 1024, mb: 1024 * 1024 };

export function parseByteSize(value: string): number {
  const match = /^(\d+)(b|kb|mb)$/i.exec(value);
  if (!match) throw new Error(`not a size: ${value}`);
  return Number(match[1]) * UNITS[match[2].toLowerCase()];
}

/** Only these methods carry a body to a service; any other request's body stays at the door. */
const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

function hasBody(req: Request): boolean {
  return Number(req.get('content-length') ?? 0) > 0 || req.get('transfer-encoding') !== undefined;
}

/** The bytes a service will get, and their digest, which the identity minted for them binds. */
export interface ForwardedBody {
  bytes: Buffer | undefined;
  digest: string;
}

const NO_BODY: ForwardedBody = { bytes: undefined, digest: EMPTY_BODY_DIGEST };

/**
 * Reads what the gateway forwards: JSON only (415) within the size limit (413, whether the length
 * is declared or the body is chunked), whole, so that the identity can bind its digest before a
 * byte goes upstream. Bodies of other methods are not forwarded.
 */
export function requestBodyReader(limit: string): (req: Request) => Promise<ForwardedBody> {
  const maxBytes = parseByteSize(limit);
  const tooLarge = () => AppError.payloadTooLarge(`Request bodies are limited to ${limit}.`);
  return async (req) => {
    if (!METHODS_WITH_BODY.has(req.method) || !hasBody(req)) return NO_BODY;
    if (!req.is(['application/json', 'application/*+json'])) throw AppError.unsupportedMediaType();
    const declared = req.get('content-length');
    if (declared !== undefined && Number(declared) > maxBytes) throw tooLarge();
    let bytes: Buffer;
    try {
      bytes = await getRawBody(req, { length: declared, limit: maxBytes });
    } catch (error) {
      const type = (error as { type?: string }).type;
      if (type === 'entity.too.large') throw tooLarge();
      if (type === 'request.size.invalid') throw AppError.badRequest('The request body does not match its Content-Length.');
      throw AppError.badRequest('The request body could not be read.');
    }
    return { bytes, digest: bodyDigest(bytes) };
  };
}
