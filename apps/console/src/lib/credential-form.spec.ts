import { checkMoniker, checkName, readCredentialFields, suggestMoniker } from './credential-form';

const smpp = {
  type: 'smpp' as const,
  label: 'SMPP',
  properties: [
    { name: 'host', label: 'Host', type: 'string' as const, required: true, secret: false as const },
    { name: 'port', label: 'Port', type: 'integer' as const, required: true, secret: false as const },
    { name: 'systemId', label: 'System ID', type: 'string' as const, required: true, secret: false as const },
    { name: 'systemType', label: 'System type', type: 'string' as const, required: false, secret: false as const },
  ],
  secrets: [{ name: 'password', label: 'Password', required: true, secret: true as const }],
};

describe('checkName', () => {
  it('wants 2 to 100 characters', () => {
    expect(checkName('a')).toBe('The name needs at least 2 characters.');
    expect(checkName('  a ')).toBe('The name needs at least 2 characters.');
    expect(checkName('ab')).toBeUndefined();
    expect(checkName('x'.repeat(100))).toBeUndefined();
    expect(checkName('x'.repeat(101))).toBe('The name can have at most 100 characters (it has 101).');
  });
});

describe('monikers', () => {
  it('suggests one from the name and checks the pattern', () => {
    expect(suggestMoniker('Primary SMS route (EU)')).toBe('primary-sms-route-eu');
    expect(checkMoniker('primary-sms')).toBeUndefined();
    expect(checkMoniker('Primary')).toMatch(/Lowercase/);
    expect(checkMoniker('-x')).toMatch(/Lowercase/);
    expect(checkMoniker('types')).toMatch(/reserved/);
  });
});

describe('readCredentialFields', () => {
  it('builds typed properties and secrets for a new credential', () => {
    const result = readCredentialFields(smpp, { host: ' smpp.example ', port: '2775', systemId: 'acme', systemType: '', 'secret:password': 's3cret' });
    expect(result).toEqual({ properties: { host: 'smpp.example', port: 2775, systemId: 'acme' }, secrets: { password: 's3cret' }, errors: {} });
  });

  it('names the missing and malformed fields', () => {
    const result = readCredentialFields(smpp, { host: '', port: '27x5', systemId: 'acme' });
    expect(result.errors).toEqual({ host: 'Host is required.', port: 'Port must be a whole number.', 'secret:password': 'Password is required.' });
  });

  it('sends only what changed when editing, and keeps blank secrets', () => {
    const original = { host: 'smpp.example', port: 2775, systemId: 'acme' };
    const result = readCredentialFields(smpp, { host: 'smpp2.example', port: '2775', systemId: 'acme', 'secret:password': '' }, { original });
    expect(result).toEqual({ properties: { host: 'smpp2.example' }, secrets: {}, errors: {} });
  });

  it('splits string lists', () => {
    const oauth = {
      type: 'oauth2-client-credentials' as const,
      label: 'OAuth',
      properties: [{ name: 'scopes', label: 'Scopes', type: 'string[]' as const, required: false, secret: false as const }],
      secrets: [],
    };
    expect(readCredentialFields(oauth, { scopes: 'read\nwrite, admin' }).properties).toEqual({ scopes: ['read', 'write', 'admin'] });
  });
});
