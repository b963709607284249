import request from 'supertest';
import { bootstrapToken, startGateway, startTokenService, type CreatedToken, type GatewayHarness, type TokenServiceHarness } from '../test/gateway-harness';

// Attacks through the real gateway and the real token service: account A holds a token with every
// scope and knows the id of a token of account B. Another account's object is an object that does
// not exist (404, never 403), and B's token comes out of every attempt unchanged and still working.
describe('token isolation between accounts, through the gateway', () => {
  let tokens: TokenServiceHarness;
  let gateway: GatewayHarness;
  let attacker: CreatedToken;
  let victimAdmin: CreatedToken;
  let victim: CreatedToken & { name: string };

  const as = (secret: string) => ({
    get: (path: string) => request(gateway.url).get(path).set('Authorization', `Bearer ${secret}`),
    patch: (path: string, body: object) => request(gateway.url).patch(path).set('Authorization', `Bearer ${secret}`).send(body),
    post: (path: string, body: object) => request(gateway.url).post(path).set('Authorization', `Bearer ${secret}`).send(body),
    delete: (path: string) => request(gateway.url).delete(path).set('Authorization', `Bearer ${secret}`),
  });

  beforeAll(async () => {
    tokens = await startTokenService();
    gateway = await startGateway(tokens.url);
    attacker = await bootstrapToken(tokens.url);
    victimAdmin = await bootstrapToken(tokens.url);
    const created = await as(victimAdmin.secret).post('/api/v1/apitokens', { name: 'victim-deploy', scopes: ['tokens:read'] });
    if (created.status !== 201) throw new Error(`account B's token: ${created.status} ${JSON.stringify(created.body)}`);
    victim = { id: created.body.data.id, secret: created.body.data.token, name: 'victim-deploy' };
  });
  afterAll(async () => {
    await gateway?.close();
    await tokens?.close();
  });

  /** B's token as B sees it, and whether its secret still works. */
  async function victimState() {
    const seen = await as(victimAdmin.secret).get(`/api/v1/apitokens/${victim.id}`);
    const verified = await as(victim.secret).get('/api/v1/apitokens/verify');
    return { status: seen.status, name: seen.body.data?.name, enabled: seen.body.data?.enabled, scopes: seen.body.data?.scopes, works: verified.status };
  }

  it.each([
    ['read', () => as(attacker.secret).get(`/api/v1/apitokens/${victim.id}`)],
    ['rename and disable', () => as(attacker.secret).patch(`/api/v1/apitokens/${victim.id}`, { name: 'owned', enabled: false })],
    ['revoke', () => as(attacker.secret).delete(`/api/v1/apitokens/${victim.id}`)],
    ['rotate (for a new secret of)', () => as(attacker.secret).post(`/api/v1/apitokens/${victim.id}/rotate`, {})],
  ])("answers 404, never 403, when account A's token tries to %s account B's token", async (_attempt, attempt) => {
    const before = await victimState();
    expect(before).toEqual({ status: 200, name: 'victim-deploy', enabled: true, scopes: ['tokens:read'], works: 200 });
    const response = await attempt();
    expect(response.status).toBe(404);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ status: 404, success: false });
    // Nothing of B's token comes back: no name, no hint, no secret.
    expect(JSON.stringify(response.body)).not.toMatch(/victim-deploy|wdn_/);
    expect(await victimState()).toEqual(before);
  });

  it("lists and finds none of account B's tokens for account A's token", async () => {
    const listed = await as(attacker.secret).get('/api/v1/apitokens?limit=200');
    expect(listed.status).toBe(200);
    const ids = listed.body.data.map((token: { id: string }) => token.id);
    expect(ids).toContain(attacker.id);
    expect(ids).not.toContain(victim.id);
    expect(ids).not.toContain(victimAdmin.id);
    const byName = await as(attacker.secret).get('/api/v1/apitokens?name=victim');
    expect(byName.status).toBe(200);
    expect(byName.body.data).toEqual([]);
  });
});
