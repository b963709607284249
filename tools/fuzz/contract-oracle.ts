// What the contract says about a request and a response, compiled from the OpenAPI document on its
// own (not through the services' validator, so a validator that skipped a check would be caught).
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { escapePointer, type FuzzOperation, type JsonSchema } from './openapi-model';

const DOCUMENT_ID = 'warden-fuzz-openapi.json';

/**
 * Ajv implements `discriminator` but not `mapping`; the branches' `const` type says the same. With
 * `discriminator` on, Ajv checks the `oneOf` for objects only; every branch is an object, so say so.
 */
function withoutMappings(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutMappings);
  if (value === null || typeof value !== 'object') return value;
  const copy: JsonSchema = Object.fromEntries(
    Object.entries(value).map(([key, child]) => [
      key,
      key === 'discriminator' && child && typeof child === 'object' ? { propertyName: (child as JsonSchema).propertyName } : withoutMappings(child),
    ]),
  );
  if (copy.discriminator && copy.type === undefined) copy.type = 'object';
  return copy;
}

function anchored(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(anchored);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, child]) => [key, key === '$ref' && typeof child === 'string' && child.startsWith('#') ? `${DOCUMENT_ID}${child}` : anchored(child)]),
  );
}

export interface OperationOracle {
  /** Does the (parsed) body satisfy the request body schema? */
  bodyValid(body: unknown): boolean;
  /** Does the query (as Express' simple parser gives it) satisfy the parameters? */
  queryValid(query: Record<string, unknown>): boolean;
  /** Checks a 2xx JSON body against the documented response schema; returns the errors. */
  responseErrors(status: number, contentType: string, body: unknown): string[] | undefined;
}

export class ContractOracle {
  private readonly bodies: Ajv2020;
  private readonly queries: Ajv2020;
  readonly problem: ValidateFunction;
  private readonly cache = new Map<string, OperationOracle>();

  constructor(private readonly document: JsonSchema) {
    const prepared = withoutMappings(document) as JsonSchema;
    this.bodies = new Ajv2020({ strict: false, allErrors: false, discriminator: true });
    this.queries = new Ajv2020({ strict: false, allErrors: false, coerceTypes: true });
    for (const ajv of [this.bodies, this.queries]) {
      addFormats(ajv);
      ajv.addSchema({ ...prepared, $id: DOCUMENT_ID });
    }
    this.problem = this.bodies.compile({ $ref: `${DOCUMENT_ID}#/components/schemas/Problem` });
  }

  for(operation: FuzzOperation): OperationOracle {
    const cached = this.cache.get(operation.operationId);
    if (cached) return cached;
    const body = operation.body ? this.bodies.compile({ $ref: `${DOCUMENT_ID}${operation.body.pointer}` }) : undefined;
    const properties = Object.fromEntries(operation.queryParams.map((p) => [p.name, anchored(p.schema)]));
    const query = this.queries.compile({
      type: 'object',
      properties,
      required: operation.queryParams.filter((p) => p.required).map((p) => p.name),
      additionalProperties: false,
    });
    const responses = new Map<string, ValidateFunction>();
    const item = this.document.paths[operation.path][operation.method.toLowerCase()];
    const responseValidator = (status: number, mediaType: string) => {
      const key = `${status} ${mediaType}`;
      if (!responses.has(key)) {
        const content = item.responses?.[String(status)]?.content?.[mediaType];
        if (!content?.schema) return undefined;
        const pointer = `#/paths/${escapePointer(operation.path)}/${operation.method.toLowerCase()}/responses/${status}/content/${escapePointer(mediaType)}/schema`;
        responses.set(key, this.bodies.compile({ $ref: `${DOCUMENT_ID}${pointer}` }));
      }
      return responses.get(key);
    };
    const oracle: OperationOracle = {
      bodyValid: (value) => (body ? body(value) : true),
      queryValid: (value) => query({ ...value }),
      responseErrors: (status, contentType, value) => {
        const mediaType = contentType.split(';')[0].trim();
        const validate = responseValidator(status, mediaType);
        if (!validate) return [`no schema is documented for ${status} ${mediaType}`];
        return validate(value) ? undefined : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);
      },
    };
    this.cache.set(operation.operationId, oracle);
    return oracle;
  }
}
