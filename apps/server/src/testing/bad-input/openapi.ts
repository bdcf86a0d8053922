/**
 * The operations of the OpenAPI document the app serves at /openapi.json, and fast-check
 * arbitraries for values its schemas accept: a valid request is the starting point that bad
 * input is made from, so that each case gets as far into the code as one wrong thing allows.
 */
import fc from 'fast-check';
import type { KnownValues } from './world.ts';

/** The part of JSON Schema (2020-12, as zod emits it) the generators read. */
export interface JsonSchema {
  type?: string | string[] | JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  multipleOf?: number;
  minItems?: number;
  maxItems?: number;
  additionalProperties?: boolean | JsonSchema;
  propertyNames?: JsonSchema;
  $ref?: string;
}

interface OpenApiParameter {
  in: 'path' | 'query' | 'header' | 'cookie';
  name: string;
  required?: boolean;
  schema?: JsonSchema;
}

interface OpenApiOperation {
  parameters?: OpenApiParameter[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: JsonSchema }> };
}

/** What the document says about one route and method. */
export interface Operation {
  method: string;
  /** The path as Fastify writes it (`/api/v1/cities/:city`). */
  route: string;
  /** `GET /api/v1/cities/:city`: names the operation in reports and on the command line. */
  key: string;
  pathParams: { name: string; schema: JsonSchema }[];
  query: { name: string; required: boolean; schema: JsonSchema }[];
  body: { required: boolean; contentTypes: string[]; schema: JsonSchema | undefined } | null;
  /** Takes raw image bytes (the upload routes). */
  upload: boolean;
}

/** A minimal OpenAPI document: paths → methods → operations. */
export interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

const METHODS = new Set(['get', 'put', 'post', 'patch', 'delete']);

/** Every operation of `document`, in its order. */
export function operationsOf(document: OpenApiDocument): Operation[] {
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      if (!METHODS.has(method)) continue;
      const params = op.parameters ?? [];
      const content = op.requestBody?.content ?? {};
      const contentTypes = Object.keys(content);
      const route = path.replace(/\{(\w+)\}/g, ':$1');
      const jsonType = contentTypes.find((t) => t.includes('json'));
      operations.push({
        method: method.toUpperCase(),
        route,
        key: `${method.toUpperCase()} ${route}`,
        pathParams: params.filter((p) => p.in === 'path').map((p) => ({ name: p.name, schema: p.schema ?? {} })),
        query: params
          .filter((p) => p.in === 'query')
          .map((p) => ({ name: p.name, required: p.required === true, schema: p.schema ?? {} })),
        body: op.requestBody
          ? {
              required: op.requestBody.required === true,
              contentTypes,
              schema: jsonType ? content[jsonType]?.schema : undefined,
            }
          : null,
        upload: contentTypes.some((t) => t.startsWith('image/')),
      });
    }
  }
  return operations;
}

/** Where a value sits, for choosing known values over generated ones. */
interface Hint {
  /** The parameter or property name. */
  name?: string;
  depth: number;
}

/** Generates values the schemas accept; known values stand in for names they know. */
export class SchemaValues {
  readonly #known: KnownValues;
  readonly #components: Record<string, JsonSchema>;
  constructor(known: KnownValues, document: OpenApiDocument) {
    this.#known = known;
    this.#components = document.components?.schemas ?? {};
  }

  /** An arbitrary of values `schema` accepts (as far as the generators can tell), named `name`. */
  value(schema: JsonSchema, name?: string): fc.Arbitrary<unknown> {
    return this.#value(schema, { ...(name === undefined ? {} : { name }), depth: 0 });
  }

  /** The same, as text for a URL (path or query string). */
  text(schema: JsonSchema, name?: string): fc.Arbitrary<string> {
    return this.value(schema, name).map((v) => (typeof v === 'string' ? v : (JSON.stringify(v) ?? '')));
  }

  #value(schema: JsonSchema, hint: Hint): fc.Arbitrary<unknown> {
    const generated = this.#fromSchema(schema, hint);
    const known = hint.name ? this.#known[hint.name] : undefined;
    if (!known?.length) return generated;
    if (!acceptsStrings(schema)) {
      // Numbers known by name (a point inside the city) stand in for generated ones.
      const numeric = schema.type === 'number' || schema.type === 'integer';
      if (!numeric || !known.every((v) => Number.isFinite(Number(v)))) return generated;
      return fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom(...known.map(Number)) },
        { weight: 1, arbitrary: generated },
      );
    }
    return fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...known) }, { weight: 1, arbitrary: generated });
  }

  #fromSchema(schema: JsonSchema, hint: Hint): fc.Arbitrary<unknown> {
    if (hint.depth > 8) return fc.constant(null);
    const deeper = (name?: string): Hint => ({ ...(name === undefined ? {} : { name }), depth: hint.depth + 1 });
    if (schema.$ref) {
      const target = this.#components[schema.$ref.replace('#/components/schemas/', '')];
      return target ? this.#fromSchema(target, hint) : fc.jsonValue({ maxDepth: 2 });
    }
    if ('const' in schema) return fc.constant(schema.const);
    if (schema.enum?.length) return fc.constantFrom(...schema.enum);
    const alternatives = schema.anyOf ?? schema.oneOf;
    if (alternatives?.length) return fc.oneof(...alternatives.map((s) => this.#value(s, hint)));
    if (schema.allOf?.length) return this.#fromSchema(mergeAll(schema.allOf), hint);
    const type = schema.type;
    if (Array.isArray(type)) return fc.oneof(...type.map((t) => this.#fromSchema({ ...schema, type: t }, hint)));
    switch (typeof type === 'string' ? type : schema.properties ? 'object' : undefined) {
      case 'string':
        return stringFor(schema);
      case 'integer': {
        const min = Math.ceil(schema.exclusiveMinimum ?? schema.minimum ?? -1000);
        const max = Math.floor(schema.exclusiveMaximum ?? schema.maximum ?? 100_000);
        return fc.integer({ min: Math.max(min, -(2 ** 31)), max: Math.min(Math.max(min, max), 2 ** 31) });
      }
      case 'number': {
        const min = schema.minimum ?? schema.exclusiveMinimum ?? -1e6;
        const max = schema.maximum ?? schema.exclusiveMaximum ?? 1e6;
        return fc.double({ min, max: Math.max(min, max), noNaN: true, noDefaultInfinity: true });
      }
      case 'boolean':
        return fc.boolean();
      case 'null':
        return fc.constant(null);
      case 'array': {
        const minLength = schema.minItems ?? 0;
        const maxLength = Math.max(minLength, Math.min(schema.maxItems ?? 3, 3));
        return fc.array(this.#value(schema.items ?? {}, deeper(hint.name)), { minLength, maxLength });
      }
      case 'object': {
        const props = Object.entries(schema.properties ?? {});
        const record = fc.record(Object.fromEntries(props.map(([name, s]) => [name, this.#value(s, deeper(name))])), {
          requiredKeys: schema.required ?? [],
        });
        const extra = schema.additionalProperties;
        if (typeof extra !== 'object') return record;
        const keys = schema.propertyNames
          ? stringFor(schema.propertyNames)
          : fc.string({ minLength: 1, maxLength: 12 });
        return fc
          .tuple(record, fc.dictionary(keys, this.#value(extra, deeper()), { maxKeys: 2 }))
          .map(([fixed, more]) => ({ ...more, ...fixed }));
      }
      default:
        return fc.jsonValue({ maxDepth: 2 });
    }
  }
}

function acceptsStrings(schema: JsonSchema): boolean {
  if (schema.enum || 'const' in schema) return false;
  const type = schema.type;
  if (type === undefined) return !schema.anyOf && !schema.oneOf && !schema.properties;
  return type === 'string' || (Array.isArray(type) && type.includes('string'));
}

function mergeAll(schemas: JsonSchema[]): JsonSchema {
  const merged: JsonSchema = {};
  for (const s of schemas) {
    Object.assign(merged, s, {
      properties: { ...merged.properties, ...s.properties },
      required: [...(merged.required ?? []), ...(s.required ?? [])],
    });
  }
  return merged;
}

function stringFor(schema: JsonSchema): fc.Arbitrary<string> {
  const minLength = schema.minLength ?? 0;
  const maxLength = Math.max(minLength, Math.min(schema.maxLength ?? 24, 40));
  const fits = (s: string) => s.length >= minLength && s.length <= (schema.maxLength ?? Number.POSITIVE_INFINITY);
  switch (schema.format) {
    case 'uuid':
      return fc.uuid({ version: 7 });
    case 'date-time':
      return fc
        .date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2030-01-01T00:00:00Z'), noInvalidDate: true })
        .map((d) => d.toISOString());
    case 'date':
      return fc
        .date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2030-01-01T00:00:00Z'), noInvalidDate: true })
        .map((d) => d.toISOString().slice(0, 10));
    case 'email':
      return fc.emailAddress();
    default:
      break;
  }
  if (schema.pattern) {
    try {
      const pattern = new RegExp(schema.pattern, 'u');
      return fc.stringMatching(pattern).filter(fits);
    } catch {
      // A pattern fast-check cannot generate from: plain strings (most will be refused, which is fine).
    }
  }
  return fc.oneof(
    fc.string({ minLength, maxLength }),
    fc.string({ unit: 'grapheme', minLength, maxLength }).filter(fits),
  );
}
