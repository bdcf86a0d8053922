/**
 * Property-based tests against the catalog, search and application endpoints: whatever a
 * client sends — odd Unicode, huge strings, wrong types, unknown codes, answers of any shape,
 * actions in any order — the answer is never a 5xx, and what was accepted is what is stored.
 */
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { ManualClock } from '../../platform/time/clock.ts';
import { describeEachDialect } from '../../testing/db.ts';
import { signedInCitizen, type TestSignIn } from '../../testing/identity.ts';

const CITY = '/api/v1/cities/lingnan';
const SEED = 20261122;

/** Text a client might send: CJK, emoji, control and combining characters, very long runs. */
const text = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.constantFrom(
    '开餐馆',
    '身分证',
    'pasport',
    '社保卡丢了',
    '公积金 提取',
    '',
    ' ',
    '%',
    '\u0000',
    '\u202e',
    'a'.repeat(500),
  ),
  fc.string({ unit: fc.constantFrom('办', '证', '照', '营', '业', ' ', ',', '-', 'X'), maxLength: 40 }),
);

const answerValue = fc.oneof(
  text,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(text, { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), text, { maxKeys: 3 }),
);

describeEachDialect(
  'digital government under arbitrary input',
  (ctx) => {
    let app: FastifyInstance;
    let citizen: TestSignIn;
    const clock = new ManualClock('2026-06-01T02:00:00Z');

    beforeAll(async () => {
      app = await buildApp(ctx.config(), { database: ctx.handle(), clock });
      citizen = await signedInCitizen(ctx.handle().db, app.platform.config, clock, { name: '王芳' });
    });
    afterAll(async () => {
      await app?.close();
    });

    it('answers every catalog and search query without a 5xx', async () => {
      await fc.assert(
        fc.asyncProperty(
          text,
          fc.constantFrom('department', 'theme', 'lifeEvent', 'audience', 'zeroVisit', 'page', 'pageSize', 'q', 'x'),
          text,
          async (q, key, value) => {
            const search = await app.inject({
              url: `${CITY}/services/search?q=${encodeURIComponent(q)}&${key}=${encodeURIComponent(value)}`,
            });
            expect(search.statusCode).toBeLessThan(500);
            if (search.statusCode === 200) expect(Array.isArray(search.json().items)).toBe(true);
            const list = await app.inject({ url: `${CITY}/services?${key}=${encodeURIComponent(value)}` });
            expect(list.statusCode).toBeLessThan(500);
            const one = await app.inject({ url: `${CITY}/services/${encodeURIComponent(q)}` });
            expect([200, 400, 404, 414]).toContain(one.statusCode);
          },
        ),
        { numRuns: 60, seed: SEED },
      );
    });

    it('stores exactly the answers it accepted, and never 5xx on save or submit', async () => {
      const code = (await app.inject({ url: `${CITY}/services?audience=citizen&zeroVisit=true&pageSize=1` })).json()
        .items[0].code as string;
      const draft = (
        await app.inject({ method: 'POST', url: `${CITY}/services/${code}/applications`, headers: citizen.write })
      ).json();
      expect(draft.status).toBe('draft');
      await fc.assert(
        fc.asyncProperty(fc.dictionary(fc.string({ maxLength: 70 }), answerValue, { maxKeys: 8 }), async (answers) => {
          const saved = await app.inject({
            method: 'PUT',
            url: `/api/v1/me/applications/${draft.id}/answers`,
            headers: citizen.write,
            payload: { answers },
          });
          expect(saved.statusCode).toBeLessThan(500);
          const stored = (
            await app.inject({ url: `/api/v1/me/applications/${draft.id}`, headers: citizen.read })
          ).json();
          if (saved.statusCode === 200) expect(stored.answers).toEqual(JSON.parse(JSON.stringify(answers)));
          const submitted = await app.inject({
            method: 'POST',
            url: `/api/v1/me/applications/${draft.id}/submit`,
            headers: citizen.write,
          });
          // Random answers never complete a real form: a 400 listing the problems, nothing started.
          expect(submitted.statusCode).toBe(400);
          expect(submitted.json().code).toBe('GOV_APPLICATION_INCOMPLETE');
          const after = (
            await app.inject({ url: `/api/v1/me/applications/${draft.id}`, headers: citizen.read })
          ).json();
          expect(after.status).toBe('draft');
          expect(after.trackingNo).toBeNull();
        }),
        { numRuns: 40, seed: SEED },
      );
    });

    it('refuses bodies of the wrong shape on every applicant route with a 4xx', async () => {
      const draft = (
        await app.inject({
          method: 'POST',
          url: `${CITY}/bundles/open-a-restaurant/applications`,
          headers: citizen.write,
        })
      ).json();
      const member = draft.members[0].id as string;
      const routes = [
        ['PUT', `/api/v1/me/applications/${member}/answers`],
        ['POST', `/api/v1/me/applications/${member}/materials`],
        ['POST', `/api/v1/me/applications/${member}/supplement`],
        ['POST', `/api/v1/me/applications/${member}/withdraw`],
        ['POST', `/api/v1/me/applications/${member}/rating`],
        ['PUT', `/api/v1/me/bundle-applications/${draft.id}/answers`],
        ['POST', `/api/v1/me/bundle-applications/${draft.id}/submit`],
      ] as const;
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...routes), fc.jsonValue(), async ([method, url], body) => {
          const res = await app.inject({
            method,
            url,
            headers: { ...citizen.write, 'content-type': 'application/json' },
            payload: JSON.stringify(body),
          });
          expect(res.statusCode).toBeLessThan(500);
          expect(res.statusCode).not.toBe(201);
        }),
        { numRuns: 80, seed: SEED },
      );
      // The bundle is still a draft with its three members.
      const again = (
        await app.inject({ url: `/api/v1/me/bundle-applications/${draft.id}`, headers: citizen.read })
      ).json();
      expect(again.members).toHaveLength(3);
      expect(['draft', 'withdrawn']).toContain(again.members[0].status);
    });
  },
  'demo',
);
