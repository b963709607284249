import express from 'express';
import request from 'supertest';
import { loadConfig, trustProxyProblem, trustProxySetting } from './config';

describe('TRUST_PROXY', () => {
  it.each([
    ['false', false],
    ['0', 0],
    ['1', 1],
    ['10', 10],
    ['loopback', ['loopback']],
    ['loopback, 10.0.0.0/8', ['loopback', '10.0.0.0/8']],
    ['10.0.0.1,fd00::/8,uniquelocal,linklocal', ['10.0.0.1', 'fd00::/8', 'uniquelocal', 'linklocal']],
    ['192.168.0.0/255.255.0.0', ['192.168.0.0/255.255.0.0']],
    ['::ffff:10.0.0.0/104', ['::ffff:10.0.0.0/104']],
  ])('accepts %s', (value, setting) => {
    expect(trustProxyProblem(value)).toBeUndefined();
    expect(trustProxySetting(value)).toEqual(setting);
  });

  it.each([
    ['true', /trusting every proxy/],
    ['TRUE', /trusting every proxy/],
    ['11', /hop count above 10/],
    ['4294967295', /hop count above 10/],
    ['0.0.0.0/0', /covers every address/],
    ['10.0.0.1, 0.0.0.0/0', /covers every address/],
    ['::/0', /covers every address/],
    ['::/64', /covers every address/],
    ['::ffff:0.0.0.0/96', /covers every address/],
    ['1.2.3.4/0.0.0.0', /covers every address/],
    ['proxy.internal', /not an address/],
    ['10.0.0.0/33', /invalid mask/],
    ['10.0.0.1,', /empty entry/],
  ])('refuses %s', (value, reason) => {
    expect(trustProxyProblem(value)).toMatch(reason);
    expect(() => trustProxySetting(value)).toThrow(/^TRUST_PROXY: /);
  });

  it('is refused at start with a message naming the variable', () => {
    expect(() => loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379', TRUST_PROXY: 'true' })).toThrow(/TRUST_PROXY: trusting every proxy/);
  });

  it('believes X-Forwarded-For only from the proxies it names', async () => {
    const appTrusting = (value: string) => {
      const app = express();
      app.set('trust proxy', trustProxySetting(value));
      app.get('/ip', (req, res) => void res.json({ ip: req.ip }));
      return app;
    };
    const ip = async (value: string) => (await request(appTrusting(value)).get('/ip').set('X-Forwarded-For', '203.0.113.9, 198.51.100.7')).body.ip;
    expect(await ip('false')).toMatch(/127\.0\.0\.1$/);
    expect(await ip('1')).toBe('198.51.100.7');
    // Loopback (supertest) and 198.51.100.7 are trusted: the address before them is the client's.
    expect(await ip('loopback,198.51.100.0/24')).toBe('203.0.113.9');
    expect(await ip('10.0.0.0/8')).toMatch(/127\.0\.0\.1$/);
  });
});
