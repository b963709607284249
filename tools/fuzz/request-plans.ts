// A generated request is a plan: what to send, with references ("one of account A's credentials",
// "a UUID nobody has") that are resolved against the objects that exist when it is sent. Valid
// plans come from the operation's schemas; hostile plans are valid ones with mutations applied.
import fc from 'fast-check';
import { futureDateTimeArbitrary, schemaArbitrary, type Overrides, type SchemaContext } from './schema-arbitrary';
import { resolveRef, type FuzzOperation, type JsonSchema } from './openapi-model';
import {
  BROKEN_BODIES,
  HOSTILE_PATH_IDS,
  HOSTILE_QUERY_PIECES,
  POLLUTION_JSON,
  POLLUTION_KEYS,
  STRANGE_STRINGS,
  WRONG_CONTENT_TYPES,
  forgedCursorArbitrary,
  hostileValueArbitrary,
} from './hostile';

/** Whose object a path id names: A's own, B's (another account), a fresh UUID, or a hostile string. */
export type IdSource = 'own' | 'own-moniker' | 'other' | 'other-moniker' | 'uuid' | 'hostile';

export interface IdRef {
  source: IdSource;
  pick: number;
  /** The id itself for `uuid` and `hostile` (hostile ones are sent exactly as given, unencoded). */
  value?: string;
}

/** How the request authenticates: A's token (and spellings of it the gateway must accept) or not at all. */
export type AuthKind =
  | 'A'
  | 'A-lowercase-scheme'
  | 'A-extra-spaces'
  | 'none'
  | 'empty'
  | 'basic'
  | 'bearer-only'
  | 'garbage'
  | 'A-flipped-char'
  | 'A-extended'
  | 'A-truncated'
  | 'unknown-well-formed'
  | 'two-tokens';

export const ACCEPTED_AUTH: ReadonlySet<AuthKind> = new Set(['A', 'A-lowercase-scheme', 'A-extra-spaces']);

export type Mutation =
  | { kind: 'body-field'; pick: number; value: unknown }
  | { kind: 'body-extra-key'; pick: number; key: string; value: unknown }
  | { kind: 'body-pollution'; pick: number; json: string }
  | { kind: 'body-drop'; pick: number }
  | { kind: 'body-broken'; text: string }
  | { kind: 'body-huge'; size: number }
  | { kind: 'body-on-bodyless'; text: string; contentType: string }
  | { kind: 'content-type'; value: string | null }
  | { kind: 'query-piece'; piece: string }
  | { kind: 'query-value'; pick: number; value: string }
  | { kind: 'query-cursor'; cursor: string }
  | { kind: 'path-id'; param: number; id: IdRef }
  | { kind: 'auth'; auth: AuthKind }
  | { kind: 'header'; name: string; value: string }
  | { kind: 'forged-identity' };

export interface RequestPlan {
  valid: boolean;
  auth: AuthKind;
  pathIds: IdRef[];
  /** Query values from the parameter schemas (undefined = left out); `cursor` as a pool pick. */
  query: Record<string, string | undefined>;
  cursorPick?: number;
  /** The JSON body (undefined = none). For updateCredential, one body per credential type. */
  body?: unknown;
  bodiesByType?: Record<string, unknown>;
  mutations: Mutation[];
}

export const CREDENTIAL_TYPES = ['smpp', 'http-basic', 'api-key', 'oauth2-client-credentials'] as const;
const TYPE_SCHEMAS: Record<string, { properties: string; secrets: string }> = {
  smpp: { properties: 'SmppProperties', secrets: 'SmppSecrets' },
  'http-basic': { properties: 'HttpBasicProperties', secrets: 'HttpBasicSecrets' },
  'api-key': { properties: 'ApiKeyProperties', secrets: 'ApiKeySecrets' },
  'oauth2-client-credentials': { properties: 'OAuth2ClientCredentialsProperties', secrets: 'OAuth2ClientCredentialsSecrets' },
};

/** An IPv4/IPv6 address or CIDR range, written the ways operators write them. */
function ipOrCidr(): fc.Arbitrary<string> {
  return fc.oneof(
    fc.ipV4(),
    fc.tuple(fc.ipV4(), fc.integer({ min: 0, max: 32 })).map(([ip, bits]) => `${ip}/${bits}`),
    fc.ipV6(),
    fc.tuple(fc.ipV6(), fc.integer({ min: 0, max: 128 })).map(([ip, bits]) => `${ip}/${bits}`),
  );
}

/** Valid in meaning, not only in shape: real addresses, expiries that lie ahead. */
function semanticOverrides(): Overrides {
  const expiry = fc.oneof(futureDateTimeArbitrary(), fc.constant(null));
  return {
    AllowedIps: fc.uniqueArray(ipOrCidr().filter((ip) => ip.length <= 64), { maxLength: 4 }),
    'CreateApiTokenRequest.expiresAt': expiry,
    'UpdateApiTokenRequest.expiresAt': expiry,
  };
}

/** A partial update of one credential type: any non-empty subset of its properties and secrets. */
function credentialUpdateArbitrary(context: SchemaContext, type: string): fc.Arbitrary<Record<string, unknown>> {
  const partial = (name: string) => {
    const schema = resolveRef(context.document, { $ref: `#/components/schemas/${name}` });
    return schemaArbitrary({ ...schema, required: [], minProperties: 1 }, context, name);
  };
  const name = schemaArbitrary({ $ref: '#/components/schemas/CredentialName' }, context);
  return fc
    .record({ name, properties: partial(TYPE_SCHEMAS[type].properties), secrets: partial(TYPE_SCHEMAS[type].secrets) }, { requiredKeys: [] })
    .filter((value) => Object.keys(value).length > 0);
}

function idRefArbitrary(operation: FuzzOperation, valid: boolean): fc.Arbitrary<IdRef> {
  const credentials = operation.path.startsWith('/api/v1/credentials');
  const pick = fc.nat();
  const sources: fc.WeightedArbitrary<IdRef>[] = [
    { weight: 6, arbitrary: pick.map((p) => ({ source: 'own', pick: p })) },
    { weight: 2, arbitrary: pick.map((p) => ({ source: 'other', pick: p })) },
    { weight: 1, arbitrary: fc.uuid().map((value) => ({ source: 'uuid', pick: 0, value })) },
  ];
  if (credentials) {
    sources.push({ weight: 3, arbitrary: pick.map((p) => ({ source: 'own-moniker', pick: p })) });
    sources.push({ weight: 1, arbitrary: pick.map((p) => ({ source: 'other-moniker', pick: p })) });
  }
  if (!valid) {
    // `types` names another operation (GET /credentials/types), not a missing credential.
    const hostile = HOSTILE_PATH_IDS.filter((id) => !(credentials && id === 'types'));
    sources.push({ weight: 6, arbitrary: fc.constantFrom(...hostile).map((value) => ({ source: 'hostile', pick: 0, value })) });
    sources.push({
      weight: 2,
      arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }).map((text) => ({ source: 'hostile', pick: 0, value: encodeURIComponent(Buffer.from(text, 'utf8').toString('utf8')) })),
    });
  }
  return fc.oneof(...sources);
}

function queryArbitrary(operation: FuzzOperation, context: SchemaContext): fc.Arbitrary<{ query: Record<string, string | undefined>; cursorPick?: number }> {
  const model: Record<string, fc.Arbitrary<string | undefined>> = {};
  for (const parameter of operation.queryParams) {
    if (parameter.name === 'cursor') continue;
    model[parameter.name] = fc.option(
      schemaArbitrary(parameter.schema, context).map((value) => String(value)),
      { nil: undefined, freq: 2 },
    );
  }
  const hasCursor = operation.queryParams.some((p) => p.name === 'cursor');
  return fc.record({
    query: fc.record(model),
    cursorPick: hasCursor ? fc.option(fc.nat(), { nil: undefined }) : fc.constant(undefined),
  });
}

function bodyArbitrary(operation: FuzzOperation, context: SchemaContext): fc.Arbitrary<Pick<RequestPlan, 'body' | 'bodiesByType'>> {
  if (!operation.body) return fc.constant({});
  if (operation.operationId === 'updateCredential') {
    return fc
      .record(Object.fromEntries(CREDENTIAL_TYPES.map((type) => [type, credentialUpdateArbitrary(context, type)])))
      .map((bodiesByType) => ({ bodiesByType }));
  }
  const body = schemaArbitrary(operation.body.schema, context);
  return (operation.body.required ? body : fc.option(body, { nil: undefined })).map((value) => ({ body: value }));
}

/** Plans the contract says must be accepted (2xx, or 404 for an id that names nothing of A's). */
export function validPlanArbitrary(operation: FuzzOperation, document: JsonSchema): fc.Arbitrary<RequestPlan> {
  const context: SchemaContext = { document, overrides: semanticOverrides() };
  return fc
    .record({
      pathIds: fc.tuple(...operation.pathParams.map(() => idRefArbitrary(operation, true))),
      query: queryArbitrary(operation, context),
      body: bodyArbitrary(operation, context),
      auth: fc.constantFrom<AuthKind>('A', 'A', 'A', 'A-lowercase-scheme', 'A-extra-spaces'),
    })
    .map(({ pathIds, query, body, auth }) => ({ valid: true, auth, pathIds, ...query, ...body, mutations: [] }));
}

function mutationArbitrary(operation: FuzzOperation): fc.Arbitrary<Mutation> {
  const pick = fc.nat();
  const choices: fc.WeightedArbitrary<Mutation>[] = [
    { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_QUERY_PIECES).map((piece) => ({ kind: 'query-piece', piece })) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(pick, fc.oneof(fc.constantFrom(...STRANGE_STRINGS), fc.string({ unit: 'binary', maxLength: 50 })))
        .map(([p, value]) => ({ kind: 'query-value', pick: p, value })),
    },
    {
      weight: 2,
      arbitrary: fc
        .constantFrom<AuthKind>('none', 'empty', 'basic', 'bearer-only', 'garbage', 'A-flipped-char', 'A-extended', 'A-truncated', 'unknown-well-formed', 'two-tokens')
        .map((auth) => ({ kind: 'auth', auth })),
    },
    {
      weight: 2,
      arbitrary: fc.oneof(
        fc.constantFrom(
          ['accept', 'text/html'],
          ['accept', 'application/xml'],
          ['x-request-id', 'short'],
          ['x-request-id', 'x'.repeat(500)],
          ['x-request-id', '../../etc/passwd'],
          ['x-forwarded-for', '203.0.113.9'],
          ['x-forwarded-for', 'not-an-ip, 10.0.0.1'],
          ['x-forwarded-proto', 'https'],
          ['x-http-method-override', 'DELETE'],
          ['x-original-url', '/api/v1/apitokens'],
          ['origin', 'https://evil.example'],
          ['if-none-match', '*'],
          ['accept-encoding', 'gzip, br'],
          ['content-encoding', 'gzip'],
          ['x-warden-identity', 'eyJhY2NvdW50SWQiOiJ4In0'],
          ['x-warden-signature', 'AAAA'],
        ),
        fc.tuple(fc.constantFrom('x-request-id', 'accept', 'x-custom'), fc.string({ minLength: 1, maxLength: 200 })).map(([name, value]) => [name, value.replace(/[^\x20-\x7e]/g, '')]),
      ).map(([name, value]) => ({ kind: 'header', name, value })),
    },
    { weight: 1, arbitrary: fc.constant<Mutation>({ kind: 'forged-identity' }) },
    { weight: 1, arbitrary: forgedCursorArbitrary().map((cursor) => ({ kind: 'query-cursor', cursor })) },
  ];
  if (operation.pathParams.length > 0) {
    choices.push({
      weight: 3,
      arbitrary: fc.tuple(fc.nat({ max: operation.pathParams.length - 1 }), idRefArbitrary(operation, false)).map(([param, id]) => ({ kind: 'path-id', param, id })),
    });
  }
  if (operation.body) {
    choices.push(
      { weight: 6, arbitrary: fc.tuple(pick, hostileValueArbitrary()).map(([p, value]) => ({ kind: 'body-field', pick: p, value })) },
      {
        weight: 3,
        arbitrary: fc
          .tuple(pick, fc.oneof(fc.constantFrom(...POLLUTION_KEYS), fc.constantFrom('$gt', '$where', 'accountId', '_id', 'secretHash', 'deletedAt', 'outbox'), fc.string({ maxLength: 20 })), hostileValueArbitrary())
          .map(([p, key, value]) => ({ kind: 'body-extra-key', pick: p, key, value })),
      },
      { weight: 3, arbitrary: fc.tuple(pick, fc.constantFrom(...POLLUTION_JSON)).map(([p, json]) => ({ kind: 'body-pollution', pick: p, json })) },
      { weight: 2, arbitrary: pick.map((p) => ({ kind: 'body-drop', pick: p })) },
      { weight: 3, arbitrary: fc.constantFrom(...BROKEN_BODIES).map((text) => ({ kind: 'body-broken', text })) },
      { weight: 1, arbitrary: fc.integer({ min: 65 * 1024, max: 200 * 1024 }).map((size) => ({ kind: 'body-huge', size })) },
      { weight: 2, arbitrary: fc.option(fc.constantFrom(...WRONG_CONTENT_TYPES), { nil: null }).map((value) => ({ kind: 'content-type', value })) },
    );
  } else {
    choices.push({
      weight: 2,
      arbitrary: fc
        .tuple(fc.constantFrom('{"a": 1}', '{"$where": "1"}', 'not json', POLLUTION_JSON[0]), fc.constantFrom('application/json', 'text/plain'))
        .map(([text, contentType]) => ({ kind: 'body-on-bodyless', text, contentType })),
    });
  }
  return fc.oneof(...choices);
}

/** A valid plan with one to three mutations. */
export function hostilePlanArbitrary(operation: FuzzOperation, document: JsonSchema): fc.Arbitrary<RequestPlan> {
  return fc
    .tuple(validPlanArbitrary(operation, document), fc.array(mutationArbitrary(operation), { minLength: 1, maxLength: 3 }))
    .map(([plan, mutations]) => ({ ...plan, valid: false, mutations }));
}

export function planArbitrary(operation: FuzzOperation, document: JsonSchema): fc.Arbitrary<RequestPlan> {
  return fc.oneof({ weight: 2, arbitrary: validPlanArbitrary(operation, document) }, { weight: 3, arbitrary: hostilePlanArbitrary(operation, document) });
}
