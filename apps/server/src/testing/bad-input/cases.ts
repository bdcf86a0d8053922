/**
 * Bad-input cases for one operation: a valid request made from the OpenAPI schemas with one to
 * three things broken (a missing or extra field, a wrong type, a huge or odd string, nesting
 * thousands deep), or a body that is not what the route reads (broken JSON, a wrong content
 * type, a broken multipart body, an image bomb), or an Idempotency-Key used wrongly — each
 * sent by one of the callers, asking for zh-CN or English.
 */
import fc from 'fast-check';
import { type JsonSchema, type OpenApiDocument, type Operation, SchemaValues } from './openapi.ts';
import {
  badJsonText,
  deepNesting,
  hugeString,
  multipartBodies,
  oddContentTypes,
  oddKeys,
  oddString,
  oddValue,
  type RawBody,
  RawJson,
  trickyFileNames,
  uploadBodies,
} from './payloads.ts';
import { type CallerName, CallerNames, type World } from './world.ts';

/** A language asked for, the header that asks, and the language the answer must be in. */
export interface LocaleChoice {
  header: string | undefined;
  expected: 'zh-CN' | 'en';
}

/** `Accept-Language` headers and what each must get (the default, zh-CN, when none we speak is named). */
export const localeChoices: readonly LocaleChoice[] = [
  { header: 'zh-CN', expected: 'zh-CN' },
  { header: 'zh-CN,zh;q=0.9,en;q=0.8', expected: 'zh-CN' },
  { header: 'zh-Hans-CN', expected: 'zh-CN' },
  { header: 'en', expected: 'en' },
  { header: 'en-US,en;q=0.9', expected: 'en' },
  { header: 'fr-FR;q=0.9, en-GB;q=0.8, zh;q=0.1', expected: 'en' },
  { header: undefined, expected: 'zh-CN' },
  { header: 'fr', expected: 'zh-CN' },
  { header: '*', expected: 'zh-CN' },
  { header: 'en;q=0, zh;q=0.5', expected: 'zh-CN' },
  { header: ';;,,q=1', expected: 'zh-CN' },
  { header: 'x'.repeat(3000), expected: 'zh-CN' },
];

/** One HTTP request of a case. */
export interface CaseRequest {
  method: string;
  /** The URL path and query, ready to send. */
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
  /** What was broken, for reports. */
  label: string;
}

/** One case: requests sent in order (or at once), by one caller, from one address. */
export interface BadCase {
  caller: CallerName;
  locale: LocaleChoice;
  remoteAddress: string;
  requests: CaseRequest[];
  /**
   * `reuse`: [A, B, A] with one Idempotency-Key, B's body differing from A's;
   * `concurrent`: [A, A] with one key, sent at once.
   */
  idempotency?: 'reuse' | 'concurrent';
}

/** A request before it is made into a URL and a body. */
interface Draft {
  params: Record<string, { value: string; raw?: boolean }>;
  query: [string, string][];
  headers: Record<string, string>;
  body: { kind: 'none' } | { kind: 'json'; value: unknown } | { kind: 'raw'; raw: RawBody };
  labels: string[];
}

/** The arbitrary of bad-input cases for `op` in `world`. */
export function caseArbitrary(op: Operation, world: World, document: OpenApiDocument): fc.Arbitrary<BadCase> {
  const values = new SchemaValues(world.known, document);
  const draft = validDraft(op, world, values);
  const kinds: fc.WeightedArbitrary<Draft>[] = [
    { weight: 8, arbitrary: mutated(draft, op) },
    { weight: 1, arbitrary: draft.map((d) => ({ ...d, labels: ['as generated'] })) },
    { weight: 2, arbitrary: withRawBody(draft, badJsonText.map(jsonText)) },
    { weight: 2, arbitrary: withRawBody(draft, wrongContentType(world)) },
    { weight: 1, arbitrary: withRawBody(draft, multipartBodies(world.images)) },
    { weight: 2, arbitrary: headerTricks(draft) },
  ];
  if (op.upload) kinds.push({ weight: 14, arbitrary: withRawBody(draft, uploadBodies(world.images)) });
  const single = fc.oneof(...kinds).map((d) => ({ requests: [toRequest(op, d)] as CaseRequest[] }));
  const sequences: fc.WeightedArbitrary<{ requests: CaseRequest[]; idempotency?: 'reuse' | 'concurrent' }>[] = [
    { weight: 20, arbitrary: single },
  ];
  if (op.method === 'POST') {
    // Unique per case (a uuid first), then any printable ASCII up to the 255 characters allowed.
    const key = fc
      .tuple(fc.uuid(), fc.stringMatching(/^[\x21-\x7e]{0,220}$/))
      .map(([unique, rest]) => `${unique}${rest}`.slice(0, 255));
    sequences.push(
      {
        weight: 1,
        arbitrary: fc.tuple(draft, fc.oneof(mutated(draft, op), draft), key).map(([a, b, k]) => {
          const first = toRequest(op, withHeader(a, 'idempotency-key', k, 'key reused'));
          const second = toRequest(op, withHeader(b, 'idempotency-key', k, 'same key, another body'));
          if (second.payload === first.payload) {
            second.payload = JSON.stringify({ another: 'body' });
            second.headers['content-type'] = 'application/json';
          }
          return { requests: [first, second, first], idempotency: 'reuse' as const };
        }),
      },
      {
        weight: 1,
        arbitrary: fc.tuple(draft, key).map(([a, k]) => {
          const request = toRequest(op, withHeader(a, 'idempotency-key', k, 'same key at once'));
          return { requests: [request, request], idempotency: 'concurrent' as const };
        }),
      },
    );
  }
  return fc
    .record({
      caller: fc.constantFrom(...CallerNames),
      locale: fc.constantFrom(...localeChoices),
      remoteAddress: fc.ipV4(),
      sequence: fc.oneof(...sequences),
    })
    .map(({ sequence, ...rest }) => ({ ...rest, ...sequence }));
}

/** A request the schemas accept (as far as generated values go). */
function validDraft(op: Operation, world: World, values: SchemaValues): fc.Arbitrary<Draft> {
  const params = fc.record(
    Object.fromEntries(
      op.pathParams.map((p) => [p.name, pathValue(op, p.name, p.schema, world, values).map((value) => ({ value }))]),
    ),
  ) as fc.Arbitrary<Draft['params']>;
  const query = fc
    .tuple(
      ...op.query.map((q) =>
        q.required
          ? values.text(q.schema, q.name).map((v) => [q.name, v] as [string, string])
          : fc.option(
              values.text(q.schema, q.name).map((v) => [q.name, v] as [string, string]),
              { nil: undefined },
            ),
      ),
    )
    .map((pairs) => pairs.filter((p): p is [string, string] => p !== undefined));
  const schema = op.body?.schema;
  const body: fc.Arbitrary<Draft['body']> = schema
    ? op.body?.required
      ? values.value(schema).map((value) => ({ kind: 'json' as const, value }))
      : fc.option(
          values.value(schema).map((value) => ({ kind: 'json' as const, value })),
          { nil: { kind: 'none' as const } },
        )
    : fc.constant({ kind: 'none' as const });
  return fc.record({ params, query, body, headers: fc.constant({}), labels: fc.constant([] as string[]) });
}

function pathValue(
  op: Operation,
  name: string,
  schema: JsonSchema,
  world: World,
  values: SchemaValues,
): fc.Arbitrary<string> {
  if (name === 'code') {
    const collection = /\/(zones|departments|services|bundles)\/:code/.exec(op.route)?.[1];
    const known = collection ? world.codesBy[collection] : undefined;
    if (known?.length) return fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...known) }, values.text(schema, name));
  }
  if (name === 'city') return fc.oneof({ weight: 8, arbitrary: fc.constant('lingnan') }, values.text(schema, name));
  return values.text(schema, name);
}

type Mutation =
  | {
      where: 'body';
      what: 'drop' | 'retype' | 'extra' | 'huge' | 'odd' | 'deep' | 'whole';
      pick: number;
      value: unknown;
      key: string;
    }
  | { where: 'query'; what: 'drop' | 'retype' | 'extra' | 'repeat' | 'huge'; pick: number; value: string; key: string }
  | { where: 'path'; what: 'odd' | 'raw' | 'long'; pick: number; value: string };

const rawPathTricks = ['..', '.', '%', '%zz', '%E0%A4%A', '%2F', '%2e%2e', '%00', '%C0%AE', '%u002e', '~', '@', ';x=1'];

function mutation(): fc.Arbitrary<Mutation> {
  const pick = fc.nat();
  return fc.oneof(
    {
      weight: 6,
      arbitrary: fc.record({
        where: fc.constant('body' as const),
        what: fc.constantFrom('drop', 'retype', 'extra', 'odd') as fc.Arbitrary<'drop' | 'retype' | 'extra' | 'odd'>,
        pick,
        value: oddValue,
        key: fc.constantFrom(...oddKeys),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        where: fc.constant('body' as const),
        what: fc.constant('huge' as const),
        pick,
        value: hugeString,
        key: fc.constant(''),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        where: fc.constant('body' as const),
        what: fc.constant('deep' as const),
        pick,
        value: deepNesting,
        key: fc.constant(''),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        where: fc.constant('body' as const),
        what: fc.constant('whole' as const),
        pick,
        value: oddValue,
        key: fc.constant(''),
      }),
    },
    {
      weight: 4,
      arbitrary: fc.record({
        where: fc.constant('query' as const),
        what: fc.constantFrom('drop', 'retype', 'extra', 'repeat') as fc.Arbitrary<
          'drop' | 'retype' | 'extra' | 'repeat'
        >,
        pick,
        value: oddString,
        key: fc.constantFrom(...oddKeys, 'page', 'pageSize', 'limit', 'lat', 'lon', 'q'),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        where: fc.constant('query' as const),
        what: fc.constant('huge' as const),
        pick,
        value: hugeString.map((s) => s.slice(0, 120_000)),
        key: fc.constant(''),
      }),
    },
    {
      weight: 3,
      arbitrary: fc.record({
        where: fc.constant('path' as const),
        what: fc.constant('odd' as const),
        pick,
        value: oddString.map((s) => s.slice(0, 5000)),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        where: fc.constant('path' as const),
        what: fc.constant('raw' as const),
        pick,
        value: fc.constantFrom(...rawPathTricks, ...trickyFileNames.map(encodeURI)),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        where: fc.constant('path' as const),
        what: fc.constant('long' as const),
        pick,
        value: fc.constantFrom('a'.repeat(201), '字'.repeat(100), 'a'.repeat(10_000)),
      }),
    },
  );
}

function mutated(draft: fc.Arbitrary<Draft>, op: Operation): fc.Arbitrary<Draft> {
  return fc.tuple(draft, fc.array(mutation(), { minLength: 1, maxLength: 3 })).map(([d, ms]) => {
    let result: Draft = { ...d, params: { ...d.params }, query: [...d.query], labels: [] };
    for (const m of ms) result = applyMutation(result, m, op);
    return result;
  });
}

function applyMutation(d: Draft, m: Mutation, op: Operation): Draft {
  if (m.where === 'path') {
    const names = Object.keys(d.params);
    const name = names[m.pick % Math.max(1, names.length)];
    if (name === undefined) return d;
    d.params[name] = { value: m.value, raw: m.what === 'raw' };
    d.labels.push(`path ${name}: ${m.what}`);
    return d;
  }
  if (m.where === 'query') {
    const i = m.pick % Math.max(1, d.query.length);
    const present = d.query[i];
    const fallbackName = op.query[m.pick % Math.max(1, op.query.length)]?.name ?? m.key;
    switch (m.what) {
      case 'drop':
        if (present) d.query.splice(i, 1);
        d.labels.push(`query: drop ${present?.[0] ?? '(none)'}`);
        return d;
      case 'retype':
      case 'huge':
        if (present) present[1] = m.value;
        else d.query.push([fallbackName, m.value]);
        d.labels.push(`query ${present?.[0] ?? fallbackName}: ${m.what}`);
        return d;
      case 'repeat':
        d.query.push([present?.[0] ?? fallbackName, m.value], [present?.[0] ?? fallbackName, m.value]);
        d.labels.push(`query ${present?.[0] ?? fallbackName}: repeated`);
        return d;
      case 'extra':
        d.query.push([m.key, m.value]);
        d.labels.push(`query: extra ${JSON.stringify(m.key.slice(0, 20))}`);
        return d;
    }
  }
  // The body.
  if (m.what === 'whole') {
    d.body = { kind: 'json', value: m.value };
    d.labels.push('body: replaced');
    return d;
  }
  const value = d.body.kind === 'json' ? clone(d.body.value) : {};
  const nodes = nodesOf(value);
  const node = nodes[m.pick % nodes.length] ?? { path: [], value };
  const parentPath = node.path.slice(0, -1);
  const last = node.path[node.path.length - 1];
  const parent = parentPath.length ? getAt(value, parentPath) : undefined;
  const where = node.path.join('.') || '(body)';
  let root = value;
  switch (m.what) {
    case 'drop':
      if (last !== undefined && parent && typeof parent === 'object') {
        if (Array.isArray(parent)) parent.splice(Number(last), 1);
        else delete (parent as Record<string, unknown>)[String(last)];
      } else root = undefined;
      break;
    case 'extra': {
      const target = isObject(node.value) ? node.value : isObject(value) ? value : null;
      if (target) define(target, m.key, m.value);
      else root = { [m.key]: m.value };
      break;
    }
    default:
      if (last === undefined || !parent) root = m.value;
      else if (Array.isArray(parent)) parent[Number(last)] = m.value;
      else define(parent as Record<string, unknown>, String(last), m.value);
  }
  d.body = root === undefined ? { kind: 'none' } : { kind: 'json', value: root };
  d.labels.push(`body ${where}: ${m.what}`);
  return d;
}

interface Node {
  path: (string | number)[];
  value: unknown;
}

function nodesOf(value: unknown, path: (string | number)[] = [], out: Node[] = []): Node[] {
  out.push({ path, value });
  if (out.length > 200) return out;
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) nodesOf(v, [...path, i], out);
  } else if (isObject(value)) for (const [k, v] of Object.entries(value)) nodesOf(v, [...path, k], out);
  return out;
}

function getAt(value: unknown, path: (string | number)[]): unknown {
  let at = value;
  for (const step of path) at = (at as Record<string | number, unknown>)[step];
  return at;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof RawJson);
}

/** Sets an own property, even one named `__proto__`. */
function define(target: Record<string, unknown>, key: string, value: unknown) {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function clone(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(clone);
  if (isObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) define(out, k, clone(v));
    return out;
  }
  return value;
}

function jsonText(text: string): RawBody {
  return { contentType: 'application/json', payload: text, label: `bad JSON ${JSON.stringify(text.slice(0, 30))}` };
}

function wrongContentType(world: World): fc.Arbitrary<RawBody> {
  return fc
    .tuple(
      fc.constantFrom(...oddContentTypes),
      fc.oneof(
        fc.constantFrom('{"a":1}', 'a=1&b=2', '<x/>', ''),
        fc.constant(world.images.png),
        oddString.map((s) => s.slice(0, 5000)),
      ),
    )
    .map(([contentType, payload]) => ({
      contentType: contentType || undefined,
      payload,
      label: `content type ${JSON.stringify(contentType.slice(0, 40))}`,
    }));
}

function withRawBody(draft: fc.Arbitrary<Draft>, raw: fc.Arbitrary<RawBody>): fc.Arbitrary<Draft> {
  return fc.tuple(draft, raw).map(([d, r]) => ({ ...d, body: { kind: 'raw' as const, raw: r }, labels: [r.label] }));
}

function withHeader(d: Draft, name: string, value: string, label: string): Draft {
  return { ...d, headers: { ...d.headers, [name]: value }, labels: [...d.labels, label] };
}

/** Headers used wrongly: odd Idempotency-Keys, bad cookies and tokens, lying lengths, odd request ids. */
function headerTricks(draft: fc.Arbitrary<Draft>): fc.Arbitrary<Draft> {
  const trick = fc.oneof(
    fc
      .constantFrom('', ' ', 'k'.repeat(256), 'k'.repeat(10_000), 'ключ', '键', 'a b', 'a\tb', '"quoted"')
      .map((v) => ['idempotency-key', v, 'odd Idempotency-Key'] as const),
    fc
      .constantFrom('onecity_session=', 'onecity_session=x', '=;=;', 'a'.repeat(8000), 'onecity_session=%ZZ', '\u00ff')
      .map((v) => ['cookie', v, 'odd cookie'] as const),
    fc.constantFrom('', 'wrong', 'x'.repeat(5000)).map((v) => ['x-csrf-token', v, 'odd CSRF token'] as const),
    fc.constantFrom('', 'ock_', 'ock_x', 'x'.repeat(3000)).map((v) => ['x-api-key', v, 'odd API key'] as const),
    fc
      .constantFrom('Bearer ock_nope', 'Bearer ', 'Basic Og==', `Bearer ock_${'x'.repeat(5000)}`)
      .map((v) => ['authorization', v, 'odd Authorization'] as const),
    fc.constantFrom('', 'short', 'x'.repeat(100), '../../x').map((v) => ['x-request-id', v, 'odd request id'] as const),
    fc
      .constantFrom('0', '1', '99999999', '-1', 'abc', '1e3')
      .map((v) => ['content-length', v, 'lying Content-Length'] as const),
    fc.constantFrom('', 'x'.repeat(500), '\u00e9\u00e8').map((v) => ['x-claim-token', v, 'odd claim token'] as const),
    fc.constantFrom('', 'nope', 'x'.repeat(500)).map((v) => ['x-follow-token', v, 'odd follow token'] as const),
    fc.constantFrom('not-an-id', '-1', 'x'.repeat(500)).map((v) => ['last-event-id', v, 'odd Last-Event-ID'] as const),
    fc
      .constantFrom('../../x.png', 'attachment; filename="../../etc/passwd"', `inline; filename*=UTF-8''%2e%2e%2f`)
      .map((v) => ['content-disposition', v, 'tricky file name header'] as const),
  );
  return fc.tuple(draft, fc.array(trick, { minLength: 1, maxLength: 2 })).map(([d, tricks]) => {
    let out = { ...d, labels: [] as string[] };
    for (const [name, value, label] of tricks) out = withHeader(out, name, value, label);
    return out;
  });
}

/** Makes a draft into what is sent: the URL (path parameters encoded unless raw) and the body. */
function toRequest(op: Operation, d: Draft): CaseRequest {
  const path = op.route.replace(/:(\w+)/g, (_m, name: string) => {
    const p = d.params[name];
    if (!p) return 'lingnan';
    return p.raw ? p.value : encodeLoosely(p.value);
  });
  const search = d.query.map(([k, v]) => `${encodeLoosely(k)}=${encodeLoosely(v)}`).join('&');
  const headers: Record<string, string> = { ...d.headers };
  let payload: string | Buffer | undefined;
  if (d.body.kind === 'json') {
    payload = serialise(d.body.value);
    headers['content-type'] ??= 'application/json';
  } else if (d.body.kind === 'raw') {
    payload = d.body.raw.payload;
    if (d.body.raw.contentType !== undefined) headers['content-type'] = d.body.raw.contentType;
  }
  return {
    method: op.method,
    url: search ? `${path}?${search}` : path,
    headers,
    ...(payload === undefined ? {} : { payload }),
    label: d.labels.join('; ') || 'as generated',
  };
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * `encodeURIComponent`, except that a lone surrogate (which it refuses) becomes the three bytes
 * it would have in WTF-8 (`%ED%A0%80`): invalid UTF-8, as a careless client sends it.
 */
export function encodeLoosely(text: string): string {
  if (text.isWellFormed()) return encodeURIComponent(text);
  let out = '';
  let last = 0;
  for (const match of text.matchAll(LONE_SURROGATE)) {
    const unit = match[0].charCodeAt(0);
    const bytes = [0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f)];
    out += encodeURIComponent(text.slice(last, match.index));
    out += bytes.map((b) => `%${b.toString(16).toUpperCase()}`).join('');
    last = match.index + match[0].length;
  }
  return out + encodeURIComponent(text.slice(last));
}

/** JSON text of `value`, with {@link RawJson} pieces put in as they are. */
export function serialise(value: unknown): string {
  const pieces: string[] = [];
  const text =
    JSON.stringify(value, (_key, v: unknown) => {
      if (v instanceof RawJson) {
        pieces.push(v.text);
        return `@@raw${pieces.length - 1}@@`;
      }
      return v;
    }) ?? '';
  return pieces.length ? text.replace(/"@@raw(\d+)@@"/g, (_m, i: string) => pieces[Number(i)] ?? 'null') : text;
}
