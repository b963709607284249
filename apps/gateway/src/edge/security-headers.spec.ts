import express from 'express';
import helmet from 'helmet';
import request from 'supertest';
import { API_HELMET_OPTIONS, API_SECURITY_HEADERS, apiSecurityHeaders } from './security-headers';

/** The headers an app answers with, but those every Express response has whatever its middleware. */
async function headersOf(app: express.Express): Promise<Record<string, string>> {
  app.get('/', (_req, res) => void res.json({ ok: true }));
  const { headers } = await request(app).get('/');
  const { date, etag, connection, 'content-type': _type, 'content-length': _length, 'keep-alive': _keepAlive, ...rest } = headers as Record<string, string>;
  void date;
  void etag;
  void connection;
  return rest;
}

describe('the API security headers worked out at start-up', () => {
  it('are exactly the headers helmet sets on a response, with its x-powered-by removal', async () => {
    const fromHelmet = await headersOf(express().use(helmet(API_HELMET_OPTIONS)));
    const precomputed = await headersOf(express().use(apiSecurityHeaders()));
    expect(precomputed).toEqual(fromHelmet);
    expect(Object.keys(fromHelmet)).toContain('content-security-policy');
    expect(fromHelmet['x-powered-by']).toBeUndefined();
    expect(Object.fromEntries(API_SECURITY_HEADERS.map(([name, value]) => [name.toLowerCase(), value]))).toEqual(fromHelmet);
  });
});
