// The operations of the public contract as the fuzzer sees them: method, path, parameters, body
// schema, required scope and documented statuses, read from the one OpenAPI document.
import { loadOpenApiDocument } from '@warden/contracts-api';

export type JsonSchema = Record<string, any>;

export interface FuzzParameter {
  name: string;
  required: boolean;
  schema: JsonSchema;
}

export interface FuzzOperation {
  operationId: string;
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** The path template, e.g. `/api/v1/apitokens/{id}`. */
  path: string;
  pathParams: FuzzParameter[];
  queryParams: FuzzParameter[];
  /** The JSON body's schema (a `$ref` into the document) and whether a body is required. */
  body?: { schema: JsonSchema; required: boolean; pointer: string };
  /** `x-required-scope`; null for any valid token; undefined for operations without authentication. */
  scope: string | null | undefined;
  authenticated: boolean;
  /** Every status the operation documents. */
  documented: Set<number>;
}

const METHODS = ['get', 'post', 'patch', 'put', 'delete'] as const;

export function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Follows a local `#/...` reference (and chains of them). */
export function resolveRef(document: JsonSchema, schema: JsonSchema): JsonSchema {
  let current = schema;
  for (let hops = 0; current && typeof current.$ref === 'string' && hops < 32; hops++) {
    current = current.$ref
      .replace(/^#\//, '')
      .split('/')
      .reduce((node: JsonSchema, segment: string) => node?.[segment.replace(/~1/g, '/').replace(/~0/g, '~')], document);
  }
  if (!current) throw new Error(`Unresolvable reference ${schema.$ref}`);
  return current;
}

export function loadFuzzOperations(document: JsonSchema = loadOpenApiDocument()): FuzzOperation[] {
  const operations: FuzzOperation[] = [];
  for (const [path, item] of Object.entries<JsonSchema>(document.paths ?? {})) {
    for (const method of METHODS) {
      const operation = item[method] as JsonSchema | undefined;
      if (!operation?.operationId) continue;
      const parameters = [...(item.parameters ?? []), ...(operation.parameters ?? [])].map((raw: JsonSchema) => resolveRef(document, raw));
      const toParameter = (parameter: JsonSchema): FuzzParameter => ({
        name: parameter.name,
        required: Boolean(parameter.required),
        schema: parameter.schema ?? {},
      });
      const jsonBody = operation.requestBody?.content?.['application/json'];
      const security = operation.security ?? document.security ?? [];
      operations.push({
        operationId: operation.operationId,
        method: method.toUpperCase() as FuzzOperation['method'],
        path,
        pathParams: parameters.filter((p) => p.in === 'path').map(toParameter),
        queryParams: parameters.filter((p) => p.in === 'query').map(toParameter),
        body: jsonBody
          ? {
              schema: jsonBody.schema,
              required: Boolean(operation.requestBody.required),
              pointer: `#/paths/${escapePointer(path)}/${method}/requestBody/content/application~1json/schema`,
            }
          : undefined,
        scope: 'x-required-scope' in operation ? operation['x-required-scope'] : undefined,
        authenticated: security.length > 0,
        documented: new Set(Object.keys(operation.responses ?? {}).map(Number)),
      });
    }
  }
  return operations;
}
