/**
 * Malformed input at every API route (fast-check): wrong types, missing and extra fields, huge
 * and odd Unicode strings, broken JSON, path tricks — as an anonymous caller, a citizen and a
 * platform administrator (so that input reaches validation behind access checks too). The
 * promise: never a 5xx, never a crash, always problem+json for a rejection.
 * FUZZ_RUNS sets the cases per route (default 25 here; the documented run uses 10,000).
 */
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from './app.ts';
import { ManualClock } from './platform/time/clock.ts';
import { describeEachDialect } from './testing/db.ts';
import { signedInCitizen, signedInStaff } from './testing/identity.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 25);

const oddString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '../../etc/passwd',
    '%00',
    '<script>alert(1)</script>',
    "' OR 1=1 --",
    '𠀀𠀁',
    '\u202e',
    '🙂'.repeat(50),
    'x'.repeat(5000),
    '1e309',
    '-0',
    'NaN',
    '{"$ne":null}',
  ),
);
const oddValue: fc.Arbitrary<unknown> = fc.oneof(
  oddString,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(oddString, { maxLength: 3 }),
  fc.dictionary(oddString, oddString, { maxKeys: 3 }),
);
const fieldNames = fc.constantFrom(
  'name',
  'phone',
  'email',
  'nationalId',
  'code',
  'channel',
  'destination',
  'purpose',
  'username',
  'password',
  'uscc',
  'role',
  'kind',
  'version',
  'scopes',
  'redirectUris',
  'enterpriseId',
  'lat',
  'lon',
  '__proto__',
  'constructor',
);
const body = fc.oneof(
  fc.dictionary(fieldNames, oddValue, { maxKeys: 6 }),
  fc.anything({ maxDepth: 2 }),
  fc.constant(undefined),
);
const rawBody = fc.oneof(fc.constantFrom('{', '{"a":', '[]', 'null', '"x"', '\u0000', '{"a":1}}'), fc.string());
const pathValue = fc.oneof(oddString, fc.uuid(), fc.constantFrom('lingnan', 'LN-01', 'water', '..', '%2e%2e'));
const query = fc.dictionary(
  fc.constantFrom('lat', 'lon', 'level', 'parent', 'reveal', 'purpose', 'destination'),
  oddString,
  {
    maxKeys: 3,
  },
);

describeEachDialect(
  'malformed input at every route',
  (ctx) => {
    let app: FastifyInstance;
    const clock = new ManualClock('2026-06-01T02:00:00Z');
    let callers: Record<string, string>[] = [];

    beforeAll(async () => {
      app = await buildApp(ctx.config(), { database: ctx.handle(), clock });
      await app.ready();
      const db = ctx.handle().db;
      const citizen = await signedInCitizen(db, app.platform.config, clock);
      const admin = await signedInStaff(db, app.platform.config, clock, { roles: ['platform_admin'] });
      callers = [{}, citizen.write, admin.write];
    });
    afterAll(async () => {
      await app.close();
    });

    it('never answers 5xx and always explains a rejection as problem+json', async () => {
      expect(app.routeCatalog.length).toBeGreaterThan(0);
      for (const route of app.routeCatalog) {
        await fc.assert(
          fc.asyncProperty(
            fc.constantFrom(...callers),
            fc.dictionary(fc.constantFrom('city', 'code', 'id', 'kind', 'citizenId'), pathValue),
            query,
            fc.oneof(
              body.map((b) => ({ json: b })),
              rawBody.map((r) => ({ raw: r })),
            ),
            async (headers, params, q, payload) => {
              const path = route.url.replace(/:(\w+)/g, (_m, name: string) =>
                encodeURIComponent(String(params[name] ?? 'lingnan')),
              );
              const search = new URLSearchParams(q).toString();
              const write = route.method !== 'GET' && route.method !== 'DELETE';
              const res = await app.inject({
                method: route.method as 'GET',
                url: search ? `${path}?${search}` : path,
                headers: {
                  ...headers,
                  ...(write && 'raw' in payload ? { 'content-type': 'application/json' } : {}),
                },
                ...(write
                  ? 'raw' in payload
                    ? { payload: payload.raw }
                    : payload.json === undefined
                      ? {}
                      : {
                          payload: JSON.stringify(payload.json),
                          headers: { ...headers, 'content-type': 'application/json' },
                        }
                  : {}),
              });
              if (res.statusCode >= 500) {
                throw new Error(`${route.method} ${route.url} → ${res.statusCode}: ${res.body.slice(0, 300)}`);
              }
              // Open311 answers errors in the format its standard defines (JSON or XML lists); everything else in problem+json.
              const type = String(res.headers['content-type']);
              const explained = route.url.startsWith('/api/open311/')
                ? /^(application\/json|text\/xml)/.test(type)
                : type.startsWith('application/problem+json');
              if (res.statusCode >= 400 && !explained) {
                throw new Error(`${route.method} ${route.url} → ${res.statusCode} without an explanation in ${type}`);
              }
            },
          ),
          { numRuns: RUNS },
        );
      }
    });
  },
  'demo',
);
