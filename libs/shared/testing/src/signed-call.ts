import type { Express } from 'express';
import request from 'supertest';
import type { Identity } from '@warden/http';
import { signedHeaders } from './identity';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';
export type SignedCall = (identity: Identity, method: HttpMethod, url: string, body?: unknown) => request.Test;

/** Requests to a service's app as the gateway sends them: signed for `identity`, with a JSON body when given. */
export function signedCall(app: Express): SignedCall {
  return (identity, method, url, body) => {
    const test = request(app)[method.toLowerCase() as 'get' | 'post' | 'patch' | 'delete'](url).set(signedHeaders(identity, method, url));
    return body === undefined ? test : test.send(body as object);
  };
}
