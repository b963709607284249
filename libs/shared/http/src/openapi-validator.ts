import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { RequestHandler } from 'express';
import { AppError, type FieldError } from './app-error';

type JsonObject = Record<string, any>;

interface CompiledOperation {
  body?: ValidateFunction;
  bodyRequired: boolean;
  query: ValidateFunction;
}

const DOCUMENT_ID = 'warden-openapi.json';
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

/**
 * Ajv implements `discriminator` but not its `mapping`; `oneOf` with a `const` type carries the same
 * rule. With `discriminator` on, Ajv checks the `oneOf` only for objects, so an array, string or
 * null body would pass untouched: a discriminated schema without a type is made `type: object`,
 * which every branch requires anyway.
 */
function withoutDiscriminatorMappings(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutDiscriminatorMappings);
  if (value === null || typeof value !== 'object') return value;
  const copy: JsonObject = {};
  for (const [key, child] of Object.entries(value)) {
    copy[key] = key === 'discriminator' && child && typeof child === 'object' ? { propertyName: (child as JsonObject).propertyName } : withoutDiscriminatorMappings(child);
  }
  if (copy.discriminator && copy.type === undefined) copy.type = 'object';
  return copy;
}

/** Parameter schemas are compiled outside the document, so their local `#/...` refs must name it. */
function anchoredRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(anchoredRefs);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, child]) => [
      key,
      key === '$ref' && typeof child === 'string' && child.startsWith('#') ? `${DOCUMENT_ID}${child}` : anchoredRefs(child),
    ]),
  );
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

function toFieldErrors(location: 'body' | 'query', errors: ErrorObject[] | null | undefined): FieldError[] {
  return (errors ?? []).map((error) => {
    const segments = error.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    if (error.keyword === 'additionalProperties') segments.push(String(error.params.additionalProperty));
    if (error.keyword === 'required') segments.push(String(error.params.missingProperty));
    const path = segments.reduce((acc, s) => (/^\d+$/.test(s) ? `${acc}[${s}]` : `${acc}.${s}`), location);
    const message =
      error.keyword === 'additionalProperties'
        ? location === 'query'
          ? 'is not a recognised query parameter'
          : 'is not an allowed field'
        : error.keyword === 'required'
          ? 'is required'
          : (error.message ?? 'is invalid');
    return { path, message };
  });
}

/**
 * Validates requests against the OpenAPI document by operationId, so the contract that clients
 * read and the behaviour they get cannot drift apart. Unknown fields and query parameters are 400s.
 */
export class OpenApiValidator {
  private readonly operations = new Map<string, CompiledOperation>();

  constructor(document: JsonObject) {
    const prepared = withoutDiscriminatorMappings(document) as JsonObject;
    const bodies = new Ajv2020({ strict: false, allErrors: true, useDefaults: true, discriminator: true });
    const queries = new Ajv2020({ strict: false, allErrors: true, useDefaults: true, coerceTypes: true });
    for (const ajv of [bodies, queries]) {
      addFormats(ajv);
      ajv.addSchema({ ...prepared, $id: DOCUMENT_ID });
    }
    for (const [path, item] of Object.entries<JsonObject>(prepared.paths ?? {})) {
      for (const method of HTTP_METHODS) {
        const operation = item[method] as JsonObject | undefined;
        if (!operation?.operationId) continue;
        const pointer = `${DOCUMENT_ID}#/paths/${escapePointer(path)}/${method}`;
        const jsonBody = operation.requestBody?.content?.['application/json'];
        this.operations.set(operation.operationId, {
          body: jsonBody ? bodies.compile({ $ref: `${pointer}/requestBody/content/application~1json/schema` }) : undefined,
          bodyRequired: Boolean(operation.requestBody?.required),
          query: queries.compile(this.querySchema(prepared, [...(item.parameters ?? []), ...(operation.parameters ?? [])])),
        });
      }
    }
  }

  private querySchema(document: JsonObject, parameters: JsonObject[]): JsonObject {
    const properties: JsonObject = {};
    const required: string[] = [];
    for (const raw of parameters) {
      const parameter = raw.$ref ? this.resolve(document, raw.$ref) : raw;
      if (parameter.in !== 'query') continue;
      properties[parameter.name] = anchoredRefs(parameter.schema ?? {});
      if (parameter.required) required.push(parameter.name);
    }
    return { type: 'object', properties, required, additionalProperties: false };
  }

  private resolve(document: JsonObject, ref: string): JsonObject {
    return ref
      .replace(/^#\//, '')
      .split('/')
      .reduce((node: JsonObject, segment) => node?.[segment.replace(/~1/g, '/').replace(/~0/g, '~')], document);
  }

  has(operationId: string): boolean {
    return this.operations.has(operationId);
  }

  /** Express middleware for one operation; replaces req.body with the defaults-applied body. */
  validate(operationId: string): RequestHandler {
    const operation = this.operations.get(operationId);
    if (!operation) throw new Error(`Unknown operationId '${operationId}' in the OpenAPI document`);
    return (req, res, next) => {
      const query = { ...(req.query as JsonObject) };
      if (!operation.query(query)) {
        next(AppError.badRequest('The query string is invalid.', toFieldErrors('query', operation.query.errors)));
        return;
      }
      res.locals.query = query;
      if (operation.body) {
        // Express 5 leaves req.body undefined when the request carried no body at all.
        const present = req.body !== undefined;
        if (!present && !operation.bodyRequired) {
          req.body = {};
        } else if (!present) {
          next(AppError.badRequest('A JSON request body is required.', [{ path: 'body', message: 'is required' }]));
          return;
        } else if (!operation.body(req.body)) {
          next(AppError.badRequest('The request body is invalid.', toFieldErrors('body', operation.body.errors)));
          return;
        }
      }
      next();
    };
  }
}

/** The validated, coerced query of the current request. */
export function validatedQuery<T = JsonObject>(res: { locals: Record<string, any> }): T {
  return res.locals.query as T;
}
