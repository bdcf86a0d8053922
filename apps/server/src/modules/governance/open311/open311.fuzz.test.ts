/**
 * Malformed input at every Open311 route (fast-check), as the app-wide fuzz test does for the
 * rest of the API, but with Open311's promise: never a 5xx, and every rejection in the spec's
 * error format (a JSON list or an `<errors>` document, never problem+json). Odd values go where
 * Open311 clients put them: path files, the query string, and form or JSON bodies.
 * FUZZ_RUNS sets the cases per route (default 25).
 */

import fc from 'fast-check';
import { XMLValidator } from 'fast-xml-parser';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../../../app.ts';
import { createApiKey } from '../../../platform/identity/api-keys.ts';
import { ManualClock } from '../../../platform/time/clock.ts';
import { describeEachDialect } from '../../../testing/db.ts';

const RUNS = Number(process.env.FUZZ_RUNS ?? 25);

const oddString = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '\u0001',
    '\ud800',
    '../../etc/passwd',
    '<script>alert(1)</script>',
    ']]>',
    "' OR 1=1 --",
    '𠀀𠀁',
    'x'.repeat(5000),
    '1e309',
    '-0',
    'NaN',
    '2026-02-30T00:00:00Z',
    '2026-06-01T00:00:00+99:99',
    'open,closed,',
    'lingnan',
    'graffiti',
    'manhole-cover-missing',
    '23.1291',
    '113.2644',
  ),
);
const names = fc.constantFrom(
  'jurisdiction_id',
  'service_code',
  'service_request_id',
  'start_date',
  'end_date',
  'status',
  'page',
  'page_size',
  'locale',
  'lat',
  'long',
  'address_string',
  'description',
  'email',
  'phone',
  'first_name',
  'attribute[anyone_hurt]',
  'attribute[lamp_count][]',
  'attribute',
  'api_key',
  '__proto__',
);
const fields = fc.dictionary(names, fc.oneof(oddString, fc.array(oddString, { maxLength: 3 })), { maxKeys: 6 });
const file = fc.tuple(
  fc.oneof(oddString, fc.constantFrom('R260601-000001', 'graffiti', 'streetlight-out')),
  fc.constantFrom('.json', '.xml', '.JSON', '', '.html', '.json.xml'),
);

describeEachDialect(
  'open311: malformed input at every route',
  (ctx) => {
    let app: FastifyInstance;
    let key = '';

    beforeAll(async () => {
      app = await buildApp(ctx.config(), { database: ctx.handle(), clock: new ManualClock('2026-06-01T02:00:00Z') });
      await app.ready();
      key = (await createApiKey(ctx.handle().db, { cityId: 'lingnan', name: 'fuzz', scopes: ['open311:write'] })).key;
    });
    afterAll(async () => {
      await app.close();
    });

    it('never answers 5xx and answers every rejection in the spec’s error format', async () => {
      const routes = app.routeCatalog.filter((r) => r.url.startsWith('/api/open311/'));
      expect(routes.length).toBe(7);
      for (const route of routes) {
        await fc.assert(
          fc.asyncProperty(
            file,
            fields,
            fields,
            fc.constantFrom('form', 'json', 'raw'),
            fc.boolean(),
            async ([name, ext], query, body, encoding, withKey) => {
              const path = route.url
                .replace(':format', ext.slice(1) || 'json')
                .replace(':file', encodeURIComponent(name.replace(/[\ud800-\udfff]/g, '\ufffd')) + ext);
              const search = new URLSearchParams();
              for (const [k, v] of Object.entries(query)) for (const s of [v].flat()) search.append(k, s);
              const post = route.method === 'POST';
              const form = new URLSearchParams();
              for (const [k, v] of Object.entries(body)) for (const s of [v].flat()) form.append(k, s);
              if (withKey && post) form.set('api_key', key);
              const payload =
                encoding === 'form'
                  ? form.toString()
                  : encoding === 'json'
                    ? JSON.stringify(body)
                    : String(body.description ?? '{');
              const res = await app.inject({
                method: route.method as 'GET',
                url: search.size ? `${path}?${search}` : path,
                ...(post
                  ? {
                      payload,
                      headers: {
                        'content-type': encoding === 'form' ? 'application/x-www-form-urlencoded' : 'application/json',
                      },
                    }
                  : {}),
              });
              if (res.statusCode >= 500) {
                throw new Error(`${route.method} ${path.slice(0, 200)} → ${res.statusCode}: ${res.body.slice(0, 300)}`);
              }
              const type = String(res.headers['content-type']);
              if (type.startsWith('text/xml')) {
                if (XMLValidator.validate(res.body) !== true)
                  throw new Error(`${path.slice(0, 200)}: malformed XML ${res.body.slice(0, 300)}`);
                if (res.statusCode >= 400 && !res.body.includes('<errors><error><code>')) {
                  throw new Error(`${path.slice(0, 200)} → ${res.statusCode} without <errors>`);
                }
              } else if (type.startsWith('application/json')) {
                const parsed = JSON.parse(res.body);
                if (res.statusCode >= 400 && !(Array.isArray(parsed) && typeof parsed[0]?.description === 'string')) {
                  throw new Error(
                    `${path} → ${res.statusCode} not in the spec's error format: ${res.body.slice(0, 300)}`,
                  );
                }
              } else if (!(res.statusCode === 414 && type.startsWith('application/problem+json'))) {
                // (A path parameter over the router's limit is refused before any route runs, by the platform.)
                throw new Error(`${route.method} ${path.slice(0, 200)} → ${res.statusCode} as ${type}`);
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
