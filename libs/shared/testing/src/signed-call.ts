import type { Express } from 'express';
import request from 'supertest';
import type { Identity } from '@warden/http';
import { signedHeaders } from './identity';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';
export type SignedCall = (identity: Identity, method: HttpMethod, url: string, body?: unknown) => request.Test;

/**
 * Requests to a service's app as the gateway (or `caller`) sends them: an identity minted for
 * `audience`, this method, URL and body, with the body as JSON when given.
 */
export function signedCall(app: Express, audience: string, caller = 'gateway'): SignedCall {
  return (identity, method, url, body) => {
    const headers = signedHeaders(audience, identity, method, url, { body, caller });
    const test = request(app)[method.toLowerCase() as 'get' | 'post' | 'patch' | 'delete'](url).set(headers);
    // The exact text the identity's digest covers.
    return body === undefined ? test : test.set('content-type', 'application/json').send(JSON.stringify(body));
  };
}
