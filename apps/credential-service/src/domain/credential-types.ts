import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { Schemas } from '@warden/contracts-api';
import type { FieldError } from '@warden/http';

export type CredentialType = Schemas['CredentialType'];
export type CredentialTypeDescription = Schemas['CredentialTypeDescription'];

interface TypeDefinition {
  type: CredentialType;
  label: string;
  /** Names of the document's component schemas for this type. */
  propertiesSchema: string;
  secretsSchema: string;
  labels: Record<string, string>;
}

/** The labels a form shows; shapes, types and required-ness come from the OpenAPI document. */
const DEFINITIONS: TypeDefinition[] = [
  {
    type: 'smpp',
    label: 'SMPP',
    propertiesSchema: 'SmppProperties',
    secretsSchema: 'SmppSecrets',
    labels: { host: 'Host', port: 'Port', systemId: 'System ID', systemType: 'System type', password: 'Password' },
  },
  {
    type: 'http-basic',
    label: 'HTTP Basic',
    propertiesSchema: 'HttpBasicProperties',
    secretsSchema: 'HttpBasicSecrets',
    labels: { username: 'Username', password: 'Password' },
  },
  {
    type: 'api-key',
    label: 'API key',
    propertiesSchema: 'ApiKeyProperties',
    secretsSchema: 'ApiKeySecrets',
    labels: { headerName: 'Header name', key: 'Key' },
  },
  {
    type: 'oauth2-client-credentials',
    label: 'OAuth 2.0 client credentials',
    propertiesSchema: 'OAuth2ClientCredentialsProperties',
    secretsSchema: 'OAuth2ClientCredentialsSecrets',
    labels: { tokenUrl: 'Token URL', clientId: 'Client ID', scopes: 'Scopes', clientSecret: 'Client secret' },
  },
];

export const CREDENTIAL_TYPES: readonly CredentialType[] = DEFINITIONS.map((definition) => definition.type);

const DOCUMENT_ID = 'warden-credential-types.json';

type JsonObject = Record<string, any>;

function fieldType(schema: JsonObject): 'string' | 'integer' | 'string[]' {
  if (schema.type === 'integer') return 'integer';
  if (schema.type === 'array') return 'string[]';
  return 'string';
}

function humanise(name: string): string {
  return name.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase());
}

/** Ajv errors as `body.properties.port: must be integer`, the same shape the request validator uses. */
export function toFieldErrors(prefix: string, errors: ErrorObject[] | null | undefined): FieldError[] {
  return (errors ?? []).map((error) => {
    const segments = error.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    if (error.keyword === 'additionalProperties') segments.push(String(error.params.additionalProperty));
    if (error.keyword === 'required') segments.push(String(error.params.missingProperty));
    const path = segments.reduce((acc, s) => (/^\d+$/.test(s) ? `${acc}[${s}]` : `${acc}.${s}`), prefix);
    const message =
      error.keyword === 'additionalProperties' ? 'is not an allowed field' : error.keyword === 'required' ? 'is required' : (error.message ?? 'is invalid');
    return { path, message };
  });
}

/**
 * The credential types, read from the contract: a form description for `GET /credentials/types`
 * and per-type validators for the merged result of a PATCH.
 */
export class CredentialTypes {
  private readonly validators = new Map<CredentialType, { properties: ValidateFunction; secrets: ValidateFunction }>();
  private readonly descriptions: CredentialTypeDescription[];

  constructor(document: JsonObject) {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({ components: document.components, $id: DOCUMENT_ID });
    const schemas = document.components.schemas as JsonObject;
    this.descriptions = DEFINITIONS.map((definition) => {
      const propertiesSchema = schemas[definition.propertiesSchema];
      const secretsSchema = schemas[definition.secretsSchema];
      if (!propertiesSchema || !secretsSchema) throw new Error(`The OpenAPI document lacks the schemas of credential type ${definition.type}`);
      const ref = (name: string) => ({ $ref: `${DOCUMENT_ID}#/components/schemas/${name}` });
      this.validators.set(definition.type, {
        properties: ajv.compile(ref(definition.propertiesSchema)),
        secrets: ajv.compile(ref(definition.secretsSchema)),
      });
      const required = (schema: JsonObject, name: string) => (schema.required ?? []).includes(name);
      const label = (name: string) => definition.labels[name] ?? humanise(name);
      return {
        type: definition.type,
        label: definition.label,
        properties: Object.entries<JsonObject>(propertiesSchema.properties ?? {}).map(([name, schema]) => ({
          name,
          label: label(name),
          type: fieldType(schema),
          required: required(propertiesSchema, name),
          secret: false as const,
        })),
        secrets: Object.keys(secretsSchema.properties ?? {}).map((name) => ({
          name,
          label: label(name),
          required: required(secretsSchema, name),
          secret: true as const,
        })),
      };
    });
  }

  describe(): CredentialTypeDescription[] {
    return this.descriptions;
  }

  isType(value: unknown): value is CredentialType {
    return typeof value === 'string' && (CREDENTIAL_TYPES as readonly string[]).includes(value);
  }

  private validatorsOf(type: CredentialType) {
    const validators = this.validators.get(type);
    if (!validators) throw new Error(`Unknown credential type ${type}`);
    return validators;
  }

  /** Errors of `properties` against the type's `*Properties` schema, paths prefixed with `prefix`. */
  checkProperties(type: CredentialType, properties: unknown, prefix = 'body.properties'): FieldError[] {
    const validate = this.validatorsOf(type).properties;
    return validate(properties) ? [] : toFieldErrors(prefix, validate.errors);
  }

  checkSecrets(type: CredentialType, secrets: unknown, prefix = 'body.secrets'): FieldError[] {
    const validate = this.validatorsOf(type).secrets;
    return validate(secrets) ? [] : toFieldErrors(prefix, validate.errors);
  }
}
