import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { demoServices } from '../../../../../demo/services.ts';
import { buildApp } from '../../app.ts';
import { ANALYZER_VERSION, reindex } from '../../platform/search/index.ts';
import { ManualClock } from '../../platform/time/clock.ts';
import { describeEachDialect } from '../../testing/db.ts';
import { signedInStaff, type TestSignIn } from '../../testing/identity.ts';
import { ServiceSearchResponse } from './catalog-routes.ts';

const CITY = '/api/v1/cities/lingnan';
const SUMMARY_KEYS = [
  'code',
  'nameZh',
  'nameEn',
  'summaryZh',
  'summaryEn',
  'department',
  'audience',
  'themes',
  'lifeEvents',
  'visits',
  'online',
  'legalDays',
  'promisedDays',
  'feeFen',
  'issuesCertificate',
  'version',
] as const;

type Found = ServiceSearchResponse;

describeEachDialect(
  'digital government: catalog search and the city’s synonyms',
  (ctx) => {
    let app: FastifyInstance;
    let admin: TestSignIn;
    let clerk: TestSignIn;
    const clock = new ManualClock('2026-06-01T02:00:00Z');
    const db = () => ctx.handle().db;

    beforeAll(async () => {
      app = await buildApp(ctx.config(), { database: ctx.handle(), clock });
      const config = app.platform.config;
      admin = await signedInStaff(db(), config, clock, {
        departmentCode: 'gov-services-data',
        roles: ['platform_admin'],
      });
      clerk = await signedInStaff(db(), config, clock, { departmentCode: 'market-regulation', roles: ['clerk'] });
    });
    afterAll(async () => {
      await app?.close();
    });

    const search = async (query: string): Promise<Found> => {
      const res = await app.inject({ url: `${CITY}/services/search?${query}` });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      const body = res.json() as Found;
      // Exactly the declared schema: nothing missing, nothing extra.
      expect(ServiceSearchResponse.parse(body)).toEqual(body);
      return body;
    };
    const q = (text: string) => `q=${encodeURIComponent(text)}`;
    /** What the catalog itself says of a service, as a list shows it. */
    const summaryOf = async (code: string) => {
      const res = await app.inject({ url: `${CITY}/services/${code}` });
      expect(res.statusCode).toBe(200);
      const detail = res.json() as Record<string, unknown>;
      return Object.fromEntries(SUMMARY_KEYS.map((k) => [k, detail[k]]));
    };
    const synonyms = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', path = '', payload?: object, who = admin) =>
      app.inject({
        method,
        url: `${CITY}/search/synonyms${path}`,
        headers: method === 'GET' ? who.read : who.write,
        ...(payload ? { payload } : {}),
      });

    it('lists each hit as the catalog shows the service, from a search and from memory alike', async () => {
      for (const query of [q('护照'), q('social security card'), 'department=public-security&zeroVisit=true', '']) {
        const first = await search(query);
        expect(first.total, query).toBeGreaterThan(0);
        for (const item of first.items) {
          const { matched, inTitle, ...summary } = item;
          expect(summary, `${query}: ${item.code}`).toEqual(await summaryOf(item.code));
          expect(Array.isArray(matched) && typeof inTitle === 'boolean').toBe(true);
        }
        // Asked again: the same answer, now from memory.
        expect(await search(query)).toEqual(first);
      }
    });

    it('shows an edited service’s new name in the next search', async () => {
      const spec = structuredClone(demoServices.find((s) => s.code === 'passport-application'));
      if (!spec) throw new Error('the passport service');
      const before = await search(q('护照'));
      const listed = before.items.find((i) => i.code === spec.code);
      expect(listed?.nameZh).toBe(spec.name.zh);
      spec.name = { zh: `${spec.name.zh}（新版）`, en: `${spec.name.en} (new edition)` };
      const put = await app.inject({
        method: 'PUT',
        url: `${CITY}/services/${spec.code}`,
        headers: admin.write,
        payload: { spec, note: 'Clearer name' },
      });
      expect(put.json()).toMatchObject({ outcome: 'changed', version: (listed?.version ?? 0) + 1 });
      // The same request as before the change: answered anew, with the new version's summary.
      const after = await search(q('护照'));
      const edited = after.items.find((i) => i.code === spec.code);
      expect(edited).toMatchObject({ nameZh: spec.name.zh, nameEn: spec.name.en, version: (listed?.version ?? 0) + 1 });
      expect(edited && { ...edited, matched: undefined, inTitle: undefined }).toEqual({
        ...(await summaryOf(spec.code)),
        matched: undefined,
        inTitle: undefined,
      });
      expect((await search(q('new edition'))).items[0]?.code).toBe(spec.code);
    });

    it('reads the services of hits indexed without a summary, or with one of another shape', async () => {
      const query = q('结婚登记');
      const before = await search(query);
      const [first, second] = before.items;
      if (!first || !second) throw new Error('two results');
      await sql`
        UPDATE search_document_sources SET payload = CASE id WHEN ${first.code} THEN NULL ELSE '{"code": 1}'::jsonb END
        WHERE city_id = 'lingnan' AND collection = 'services' AND id IN (${first.code}, ${second.code})`.execute(db());
      // Rebuilt from the rows as they are now (and the city's answers dropped).
      await reindex(db(), { cityId: 'lingnan', collection: 'services', force: true });
      expect(await search(query)).toEqual(before);
      // Saving the service again stores its summary.
      await app.inject({
        method: 'PUT',
        url: `${CITY}/services/${first.code}`,
        headers: admin.write,
        payload: {
          spec: {
            ...demoServices.find((s) => s.code === first.code),
            summary: { zh: '新的说明', en: 'A new summary' },
          },
          note: 'New summary',
        },
      });
      const { rows } = await sql<{ payload: { summaryEn: string } | null }>`
        SELECT payload FROM search_document_sources
        WHERE city_id = 'lingnan' AND collection = 'services' AND id = ${first.code}`.execute(db());
      expect(rows[0]?.payload?.summaryEn).toBe('A new summary');
      expect((await search(query)).items.find((i) => i.code === first.code)?.summaryEn).toBe('A new summary');
    });

    it('lets a platform administrator add, change and delete the city’s synonyms, used by the next search', async () => {
      const query = q('粤省事');
      expect((await search(query)).total).toBe(0);
      const created = await synonyms('POST', '', { terms: [' 粤省事 ', '社会保障卡', '粤省事'] });
      expect(created.statusCode, created.body).toBe(201);
      const set = created.json() as { id: string; terms: string[]; createdAt: string; updatedAt: string };
      expect(set.terms).toEqual(['粤省事', '社会保障卡']);
      expect(set.createdAt).toBe(clock.now().toISOString());
      expect((await search(query)).items[0]?.code).toMatch(/^social-security-card-/);

      const listed = (await synonyms('GET')).json();
      expect(listed.items).toEqual([set]);
      expect(listed.max).toBeGreaterThan(0);
      expect(listed.builtin).toContainEqual(expect.arrayContaining(['身份证', '居民身份证']));

      const changed = await synonyms('PUT', `/${set.id}`, { terms: ['粤省事', '居民身份证'] });
      expect(changed.statusCode, changed.body).toBe(200);
      expect(changed.json()).toMatchObject({ id: set.id, terms: ['粤省事', '居民身份证'] });
      expect((await search(query)).items[0]?.code).toMatch(/^id-card-/);

      expect((await synonyms('DELETE', `/${set.id}`)).statusCode).toBe(204);
      expect((await search(query)).total).toBe(0);
      expect((await synonyms('GET')).json().items).toEqual([]);

      const entries = await db()
        .selectFrom('audit_log')
        .select(['action', 'actor_id', 'subject_id', 'city_id', 'details'])
        .where('subject_kind', '=', 'search_synonym_set')
        .orderBy('seq')
        .execute();
      expect(entries).toEqual([
        {
          action: 'search.synonyms.created',
          actor_id: admin.id,
          subject_id: set.id,
          city_id: 'lingnan',
          details: { terms: ['粤省事', '社会保障卡'] },
        },
        {
          action: 'search.synonyms.changed',
          actor_id: admin.id,
          subject_id: set.id,
          city_id: 'lingnan',
          details: { terms: ['粤省事', '居民身份证'] },
        },
        {
          action: 'search.synonyms.deleted',
          actor_id: admin.id,
          subject_id: set.id,
          city_id: 'lingnan',
          details: { terms: ['粤省事', '居民身份证'] },
        },
      ]);
    });

    it('refuses bad sets, unknown sets and other staff, changing nothing', async () => {
      const before = await db()
        .selectFrom('audit_log')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .execute();
      for (const terms of [['只有一个'], ['a', 'A'], ['好', '\u0000坏'], ['...', '!!!'], ['长'.repeat(41), '短']]) {
        const res = await synonyms('POST', '', { terms }, admin);
        expect(res.statusCode, JSON.stringify(terms)).toBe(400);
        expect(res.json().code).toBe('SEARCH_SYNONYMS_INVALID');
      }
      const unknown = '0192f000-0000-7000-8000-00000000dead';
      for (const res of [
        await synonyms('PUT', `/${unknown}`, { terms: ['甲', '乙'] }),
        await synonyms('DELETE', `/${unknown}`),
        await synonyms('DELETE', '/not-an-id'),
      ]) {
        expect(res.statusCode).toBe(404);
        expect(res.json().code).toBe('SEARCH_SYNONYM_SET_NOT_FOUND');
      }
      expect((await synonyms('POST', '', { terms: ['甲', '乙'] }, clerk)).statusCode).toBe(403);
      expect((await synonyms('GET', '', undefined, clerk)).statusCode).toBe(403);
      expect((await synonyms('GET')).json().items).toEqual([]);
      const after = await db()
        .selectFrom('audit_log')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .execute();
      expect(Number(after[0]?.n)).toBe(Number(before[0]?.n));
    });

    it('rebuilds documents of another analyser when the platform starts its background work', async () => {
      const code = 'marriage-registration';
      expect((await search(q('结婚登记（内地居民）'))).items[0]?.code).toBe(code);
      // As an older analyser would have left it: words it no longer makes.
      await sql`
        UPDATE search_documents SET analyzer = 'search-0:old', tsv = 'obsolete:1A'::tsvector, head = 'obsolete:1A'::tsvector
        WHERE city_id = 'lingnan' AND collection = 'services' AND id = ${code}`.execute(db());
      const query = q('内地居民 结婚登记');
      expect((await search(query)).items.map((i) => i.code)).not.toContain(code);
      await app.platform.startBackground();
      await app.platform.jobs.stop();
      const { rows } = await sql<{ analyzer: string }>`
        SELECT analyzer FROM search_documents WHERE city_id = 'lingnan' AND collection = 'services' AND id = ${code}`.execute(
        db(),
      );
      expect(rows[0]?.analyzer).toBe(ANALYZER_VERSION);
      expect((await search(query)).items[0]?.code).toBe(code);
      expect((await search(q('obsolete'))).total).toBe(0);
    });
  },
  'demo',
);
