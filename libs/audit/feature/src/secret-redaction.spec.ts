import { REDACTED, isSecretName, redactSecrets } from './secret-redaction';

describe('secret redaction', () => {
  it.each(['secret', 'password', 'token', 'key', 'clientSecret', 'hash', 'ciphertext', 'secretHash', 'apiKey', 'APIKEY', 'db_password', 'PRIVATE_KEY', 'refreshToken', 'Secrets'])(
    'treats %s as secret',
    (name) => expect(isSecretName(name)).toBe(true),
  );

  it.each(['name', 'tokenId', 'keyId', 'tokenType', 'headerName', 'secretFields', 'monkey', 'hashtag', 'username', 'scopes', 'expiresAt'])(
    'keeps %s',
    (name) => expect(isSecretName(name)).toBe(false),
  );

  it('redacts at any depth, in arrays too, and leaves the rest alone', () => {
    const detail = {
      update: { prior: { name: 'a', secrets: { password: 'hunter2' } }, after: { name: 'b', nested: [{ clientSecret: 'x', ok: 1 }] } },
      auditType: 'Updated',
    };
    expect(redactSecrets(detail)).toEqual({
      update: { prior: { name: 'a', secrets: REDACTED }, after: { name: 'b', nested: [{ clientSecret: REDACTED, ok: 1 }] } },
      auditType: 'Updated',
    });
    expect(detail.update.prior.secrets.password).toBe('hunter2');
  });
});
