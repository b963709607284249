// JSON Schema (the OpenAPI document's dialect) to fast-check arbitraries of values the schema
// accepts. Where a field has a meaning the schema cannot say (an IP allowlist, an expiry that must
// lie ahead), an override supplies values that are valid in that sense too.
import fc from 'fast-check';
import { resolveRef, type JsonSchema } from './openapi-model';

export type Overrides = Record<string, fc.Arbitrary<unknown>>;

export interface SchemaContext {
  document: JsonSchema;
  /** Keyed by component name (`AllowedIps`) or `Component.property` (`CreateApiTokenRequest.expiresAt`). */
  overrides?: Overrides;
  /** The largest array or free-form string generated where the schema sets no bound. */
  maxSize?: number;
}

const DAY_MS = 86_400_000;
/** Inside the years that RFC 3339 can write (four digits) and that Date can hold. */
const MIN_DATE = new Date('0001-01-01T00:00:00.000Z');
const MAX_DATE = new Date('9999-12-31T23:59:59.999Z');

function refName(schema: JsonSchema): string | undefined {
  return typeof schema.$ref === 'string' ? schema.$ref.split('/').pop() : undefined;
}

/** RFC 3339 date-times in the shapes clients send: UTC with and without milliseconds, and with an offset. */
export function dateTimeArbitrary(min = MIN_DATE, max = MAX_DATE): fc.Arbitrary<string> {
  return fc.tuple(fc.date({ min, max, noInvalidDate: true }), fc.constantFrom('ms', 'seconds', 'offset')).map(([date, shape]) => {
    const iso = date.toISOString();
    if (shape === 'ms') return iso;
    if (shape === 'seconds') return `${iso.slice(0, 19)}Z`;
    // The same instant written at +02:00.
    const shifted = new Date(date.getTime() + 2 * 3_600_000);
    if (shifted.getTime() > max.getTime()) return iso;
    return `${shifted.toISOString().slice(0, 23)}+02:00`;
  });
}

export function futureDateTimeArbitrary(): fc.Arbitrary<string> {
  return fc.integer({ min: 1, max: 3650 }).chain((days) => {
    const at = new Date(Date.now() + days * DAY_MS);
    return fc.constant(at.toISOString());
  });
}

function stringArbitrary(schema: JsonSchema, maxSize: number): fc.Arbitrary<string> {
  const minLength = schema.minLength ?? 0;
  const maxLength = Math.min(schema.maxLength ?? maxSize, Math.max(minLength, maxSize));
  const length = (value: string) => [...value].length >= minLength && [...value].length <= (schema.maxLength ?? Infinity);
  let arbitrary: fc.Arbitrary<string>;
  switch (schema.format) {
    case 'date-time':
      arbitrary = dateTimeArbitrary();
      break;
    case 'uuid':
      arbitrary = fc.uuid();
      break;
    case 'uri':
      arbitrary = fc.webUrl({ withQueryParameters: true, withFragments: true });
      break;
    default:
      arbitrary = schema.pattern
        ? fc.stringMatching(new RegExp(schema.pattern), { size: 'small' })
        : // Any Unicode text: letters of every script, emoji, combining marks, control characters.
          fc.oneof(
            fc.string({ minLength, maxLength, unit: 'grapheme' }),
            fc.string({ minLength, maxLength, unit: 'binary' }),
            fc.string({ minLength, maxLength }),
          );
  }
  return arbitrary.filter(length);
}

function objectArbitrary(schema: JsonSchema, context: SchemaContext, owner: string | undefined): fc.Arbitrary<Record<string, unknown>> {
  const required = new Set<string>(schema.required ?? []);
  const properties = Object.entries<JsonSchema>(schema.properties ?? {});
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [name, child] of properties) {
    model[name] = context.overrides?.[`${owner}.${name}`] ?? schemaArbitrary(child, context);
  }
  const record = fc.record(model, { requiredKeys: properties.map(([name]) => name).filter((name) => required.has(name)) });
  const minProperties = schema.minProperties ?? 0;
  return minProperties > 0 ? record.filter((value) => Object.keys(value).length >= minProperties) : record;
}

function mergeAllOf(schemas: JsonSchema[], document: JsonSchema): JsonSchema {
  const merged: JsonSchema = { type: 'object', properties: {}, required: [] };
  for (const part of schemas.map((s) => resolveRef(document, s))) {
    const flat = part.allOf ? mergeAllOf(part.allOf, document) : part;
    Object.assign(merged.properties, flat.properties ?? {});
    merged.required.push(...(flat.required ?? []));
    if (flat.additionalProperties === false) merged.additionalProperties = false;
  }
  return merged;
}

/** Values that `schema` accepts. */
export function schemaArbitrary(schema: JsonSchema, context: SchemaContext, owner?: string): fc.Arbitrary<unknown> {
  const maxSize = context.maxSize ?? 8;
  const name = refName(schema);
  if (name) {
    const override = context.overrides?.[name];
    if (override) return override;
    return schemaArbitrary(resolveRef(context.document, schema), context, name);
  }
  if (schema.allOf) return schemaArbitrary(mergeAllOf(schema.allOf, context.document), context, owner);
  let arbitrary: fc.Arbitrary<unknown>;
  if ('const' in schema) arbitrary = fc.constant(schema.const);
  else if (schema.enum) arbitrary = fc.constantFrom(...(schema.enum as unknown[]));
  else if (schema.oneOf || schema.anyOf) arbitrary = fc.oneof(...(schema.oneOf ?? schema.anyOf).map((branch: JsonSchema) => schemaArbitrary(branch, context)));
  else if (Array.isArray(schema.type)) arbitrary = fc.oneof(...schema.type.map((type: string) => schemaArbitrary({ ...schema, type }, context, owner)));
  else {
    switch (schema.type) {
      case 'string':
        arbitrary = stringArbitrary(schema, maxSize * 4);
        break;
      case 'integer':
        arbitrary = fc.integer({ min: schema.minimum ?? -1_000_000, max: schema.maximum ?? 1_000_000 });
        break;
      case 'number':
        arbitrary = fc.double({ min: schema.minimum ?? -1e9, max: schema.maximum ?? 1e9, noNaN: true, noDefaultInfinity: true });
        break;
      case 'boolean':
        arbitrary = fc.boolean();
        break;
      case 'null':
        arbitrary = fc.constant(null);
        break;
      case 'array': {
        const items = schemaArbitrary(schema.items ?? {}, context);
        const constraints = { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? maxSize, maxSize) };
        arbitrary = schema.uniqueItems ? fc.uniqueArray(items, { ...constraints, selector: (value) => JSON.stringify(value) }) : fc.array(items, constraints);
        break;
      }
      case 'object':
        arbitrary = objectArbitrary(schema, context, owner);
        break;
      default:
        // No type: any JSON value.
        arbitrary = fc.jsonValue({ maxDepth: 2 });
    }
  }
  if (schema.not) {
    const forbidden = schema.not;
    arbitrary = arbitrary.filter((value) => !('const' in forbidden && value === forbidden.const) && !(forbidden.enum ?? []).includes(value));
  }
  return arbitrary;
}
