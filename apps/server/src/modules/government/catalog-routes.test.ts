import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { demoBundles, demoServices } from '../../../../../demo/services.ts';
import { buildApp } from '../../app.ts';
import { ManualClock } from '../../platform/time/clock.ts';
import { describeEachDialect } from '../../testing/db.ts';
import { signedInCitizen, signedInStaff, type TestSignIn } from '../../testing/identity.ts';

const CJK = /[\u4e00-\u9fff]/;

describeEachDialect(
  'digital government: the service catalog',
  (ctx) => {
    let app: FastifyInstance;
    let admin: TestSignIn;
    let marketAdmin: TestSignIn;
    let clerk: TestSignIn;
    let citizen: TestSignIn;
    const clock = new ManualClock('2026-06-01T02:00:00Z');

    beforeAll(async () => {
      app = await buildApp(ctx.config(), { database: ctx.handle(), clock });
      const db = ctx.handle().db;
      const config = app.platform.config;
      admin = await signedInStaff(db, config, clock, {
        departmentCode: 'gov-services-data',
        roles: ['platform_admin'],
      });
      marketAdmin = await signedInStaff(db, config, clock, {
        departmentCode: 'market-regulation',
        roles: ['department_admin'],
      });
      clerk = await signedInStaff(db, config, clock, { departmentCode: 'market-regulation', roles: ['clerk'] });
      citizen = await signedInCitizen(db, config, clock);
    });
    afterAll(async () => {
      await app?.close();
    });

    const list = async (query: string) => {
      const res = await app.inject({ url: `/api/v1/cities/lingnan/services?${query}` });
      expect(res.statusCode).toBe(200);
      return res.json() as { items: Record<string, unknown>[]; total: number; page: number; pageSize: number };
    };

    it('lists every demo service, at least 150 over at least 12 departments, in both languages', async () => {
      const first = await list('pageSize=100');
      expect(first.total).toBe(demoServices.length);
      expect(first.total).toBeGreaterThanOrEqual(150);
      const all = [...first.items];
      for (let page = 2; all.length < first.total; page++) all.push(...(await list(`pageSize=100&page=${page}`)).items);
      const departments = new Set(all.map((s) => (s.department as { code: string }).code));
      expect(departments.size).toBeGreaterThanOrEqual(12);
      for (const s of all) {
        expect(s.nameZh).toMatch(CJK);
        expect(s.nameEn).not.toMatch(CJK);
      }
      const zeroVisit = all.filter((s) => s.visits === 0).length;
      expect(zeroVisit / all.length).toBeGreaterThanOrEqual(0.8);
    });

    it('filters by department, theme, life event, audience and zero visits', async () => {
      const market = await list('department=market-regulation&pageSize=100');
      expect(market.total).toBeGreaterThan(0);
      expect(market.items.every((s) => (s.department as { code: string }).code === 'market-regulation')).toBe(true);
      const restaurant = await list('lifeEvent=opening-a-restaurant&pageSize=100');
      expect(restaurant.items.map((s) => s.code)).toEqual(
        expect.arrayContaining(
          demoServices.filter((s) => s.lifeEvents.includes('opening-a-restaurant')).map((s) => s.code),
        ),
      );
      const enterprise = await list('audience=enterprise&pageSize=100');
      expect(enterprise.items.every((s) => s.audience !== 'citizen')).toBe(true);
      const oneVisit = await list('zeroVisit=false&pageSize=100');
      expect(oneVisit.items.every((s) => s.visits === 1)).toBe(true);
      const social = await list('theme=social-security&pageSize=100');
      expect(social.items.every((s) => (s.themes as string[]).includes('social-security'))).toBe(true);
    });

    it('shows one service in full: materials held by the city, fee, both time limits, visits, form and workflow', async () => {
      const spec = demoServices.find((s) => s.materials.some((m) => m.heldBy) && s.issues);
      if (!spec) throw new Error('the demo catalog has a service with held materials that issues a certificate');
      const res = await app.inject({ url: `/api/v1/cities/lingnan/services/${spec.code}` });
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body).toMatchObject({
        code: spec.code,
        nameZh: spec.name.zh,
        legalDays: spec.legalDays,
        promisedDays: spec.promisedDays,
        visits: spec.visits,
        feeFen: spec.fee.amountFen,
        issuesCertificate: spec.issues?.certificateType,
        version: 1,
      });
      expect(body.spec.materials).toEqual(spec.materials);
      expect(body.spec.form).toEqual(spec.form);
      expect(body.spec.workflow).toEqual(spec.workflow);

      const missing = await app.inject({
        url: '/api/v1/cities/lingnan/services/no-such-service',
        headers: { 'accept-language': 'zh-CN' },
      });
      expect(missing.statusCode).toBe(404);
      expect(missing.json()).toMatchObject({ code: 'GOV_SERVICE_NOT_FOUND' });
      expect(missing.json().title).toMatch(CJK);
    });

    it('counts services per theme and per life event; lists bundles with their shared form', async () => {
      const themes = (await app.inject({ url: '/api/v1/cities/lingnan/service-themes' })).json().items;
      expect(themes.length).toBeGreaterThanOrEqual(12);
      const social = themes.find((t: { code: string }) => t.code === 'social-security');
      expect(social.services).toBe(demoServices.filter((s) => s.themes.includes('social-security')).length);
      const events = (await app.inject({ url: '/api/v1/cities/lingnan/life-events' })).json().items;
      expect(events.map((e: { code: string }) => e.code)).toEqual(
        expect.arrayContaining([
          'birth',
          'school-entry',
          'employment',
          'marriage',
          'buying-home',
          'retirement',
          'starting-a-business',
        ]),
      );
      const bundles = (await app.inject({ url: '/api/v1/cities/lingnan/bundles' })).json().items;
      expect(bundles).toHaveLength(demoBundles.length);
      const restaurant = demoBundles.find((b) => b.code === 'open-a-restaurant');
      expect(restaurant).toBeDefined();
      const one = await app.inject({ url: '/api/v1/cities/lingnan/bundles/open-a-restaurant' });
      expect(one.statusCode).toBe(200);
      expect(one.json().spec.services).toEqual(restaurant?.services);
      expect((await app.inject({ url: '/api/v1/cities/lingnan/bundles/nope' })).statusCode).toBe(404);
    });

    it('versions a change: the old version stays readable, the same content again changes nothing', async () => {
      const spec = structuredClone(
        demoServices.find((s) => s.departmentCode === 'market-regulation' && s.promisedDays >= 1),
      );
      if (!spec) throw new Error('a market-regulation service');
      spec.promisedDays = Math.max(0, spec.promisedDays - 1);
      const promised = spec.promisedDays;
      const put = (who: TestSignIn, body: object, code = spec.code) =>
        app.inject({
          method: 'PUT',
          url: `/api/v1/cities/lingnan/services/${code}`,
          headers: who.write,
          payload: body,
        });
      const saved = await put(admin, { spec, note: 'Promise one working day less' });
      expect(saved.statusCode).toBe(200);
      expect(saved.json()).toEqual({ code: spec.code, version: 2, outcome: 'changed' });
      const again = await put(admin, { spec, note: 'Same again' });
      expect(again.json()).toEqual({ code: spec.code, version: 2, outcome: 'unchanged' });

      const now = (await app.inject({ url: `/api/v1/cities/lingnan/services/${spec.code}` })).json();
      expect(now).toMatchObject({ version: 2, promisedDays: spec.promisedDays });
      const old = (await app.inject({ url: `/api/v1/cities/lingnan/services/${spec.code}?version=1` })).json();
      expect(old.version).toBe(1);
      expect(old.promisedDays).toBe(promised + 1);

      const history = await app.inject({
        url: `/api/v1/cities/lingnan/services/${spec.code}/versions`,
        headers: admin.read,
      });
      expect(history.json().items.map((v: { version: number; note: string }) => [v.version, v.note])).toEqual([
        [2, 'Promise one working day less'],
        [1, 'Demo catalog'],
      ]);

      // A department administrator manages their own department's services only.
      spec.promisedDays = spec.legalDays;
      expect((await put(marketAdmin, { spec, note: 'Back to the legal limit' })).json().version).toBe(3);
      const other = structuredClone(demoServices.find((s) => s.departmentCode === 'public-security'));
      if (!other) throw new Error('a public-security service');
      expect((await put(marketAdmin, { spec: other, note: 'Not mine' }, other.code)).statusCode).toBe(403);
      expect((await put(clerk, { spec, note: 'Clerks cannot' })).statusCode).toBe(403);
      expect((await put(citizen, { spec, note: 'Citizens cannot' })).statusCode).toBe(403);
    });

    it('refuses a service that does not fit the city, listing every problem in the caller’s language', async () => {
      const spec = structuredClone(demoServices[0]) as unknown as Record<string, unknown> & {
        code: string;
        form: { properties: Record<string, Record<string, unknown>>; required: string[] };
        workflow: { steps: { departmentCode: string }[] };
      };
      spec.code = 'a-brand-new-service';
      spec.departmentCode = 'ministry-of-magic';
      spec.themes = ['nope'];
      spec.form.required = [...spec.form.required, 'ghost'];
      const firstField = Object.keys(spec.form.properties)[0] ?? '';
      (spec.form.properties[firstField] as Record<string, unknown>)['x-prefill'] = 'profile.bloodType';
      const res = await app.inject({
        method: 'PUT',
        url: '/api/v1/cities/lingnan/services/a-brand-new-service',
        headers: { ...admin.write, 'accept-language': 'en' },
        payload: { spec, note: 'new' },
      });
      expect(res.statusCode).toBe(400);
      const body = res.json();
      expect(body.code).toBe('GOV_SERVICE_SPEC_INVALID');
      const fields = body.errors.map((e: { field: string }) => e.field);
      expect(fields).toEqual(
        expect.arrayContaining([
          'body.spec.departmentCode',
          'body.spec.themes.0',
          'body.spec.form.required',
          `body.spec.form.properties.${firstField}.x-prefill`,
        ]),
      );
      expect(body.errors.every((e: { message: string }) => !CJK.test(e.message))).toBe(true);
      // Nothing was stored.
      const after = await app.inject({ url: '/api/v1/cities/lingnan/services/a-brand-new-service' });
      expect(after.statusCode).toBe(404);

      const mismatch = await app.inject({
        method: 'PUT',
        url: '/api/v1/cities/lingnan/services/another-code',
        headers: admin.write,
        payload: { spec: demoServices[0], note: 'x' },
      });
      expect(mismatch.statusCode).toBe(400);
      expect(mismatch.json().code).toBe('GOV_SERVICE_CODE_MISMATCH');
    });

    it('versions a bundle; a bundle naming an unknown service is refused', async () => {
      const bundle = structuredClone(demoBundles.find((b) => b.code === 'open-a-restaurant'));
      if (!bundle) throw new Error('the restaurant bundle');
      bundle.summary = { zh: `${bundle.summary.zh}（新版）`, en: `${bundle.summary.en} (new)` };
      const put = (body: object) =>
        app.inject({
          method: 'PUT',
          url: '/api/v1/cities/lingnan/bundles/open-a-restaurant',
          headers: admin.write,
          payload: body,
        });
      expect((await put({ spec: bundle, note: 'Clearer summary' })).json()).toEqual({
        code: 'open-a-restaurant',
        version: 2,
        outcome: 'changed',
      });
      const read = (await app.inject({ url: '/api/v1/cities/lingnan/bundles/open-a-restaurant' })).json();
      expect(read).toMatchObject({ version: 2, spec: { summary: bundle.summary } });
      const broken = { ...bundle, services: [...bundle.services, 'no-such-service'] };
      const refused = await put({ spec: broken, note: 'Broken' });
      expect(refused.statusCode).toBe(400);
      expect(refused.json().errors.map((e: { field: string }) => e.field)).toContain('body.spec.services.3');
      const clerkTry = await app.inject({
        method: 'PUT',
        url: '/api/v1/cities/lingnan/bundles/open-a-restaurant',
        headers: marketAdmin.write,
        payload: { spec: bundle, note: 'Not an admin' },
      });
      expect(clerkTry.statusCode).toBe(403);
    });

    it('creates a new service that is then listed', async () => {
      const base = structuredClone(demoServices.find((s) => s.departmentCode === 'market-regulation'));
      if (!base) throw new Error('a market-regulation service');
      const spec = {
        ...base,
        code: 'street-food-night-market-stall',
        name: { zh: '夜市摊位登记', en: 'Night market stall registration' },
      };
      const res = await app.inject({
        method: 'PUT',
        url: `/api/v1/cities/lingnan/services/${spec.code}`,
        headers: admin.write,
        payload: { spec, note: 'New night market' },
      });
      expect(res.json()).toEqual({ code: spec.code, version: 1, outcome: 'created' });
      const market = await list('department=market-regulation&pageSize=100');
      expect(market.items.map((s) => s.code)).toContain(spec.code);
    });
  },
  'demo',
);
