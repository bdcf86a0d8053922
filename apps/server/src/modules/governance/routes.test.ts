import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { ManualClock } from '../../platform/time/clock.ts';
import { describeEachDialect } from '../../testing/db.ts';
import { signedInCitizen, signedInStaff, type TestSignIn } from '../../testing/identity.ts';
import { resolveDepartment, seedDispatchRules } from './index.ts';

describeEachDialect(
  'governance: report categories and dispatch rules',
  (ctx) => {
    let app: FastifyInstance;
    let admin: TestSignIn;
    let supervisor: TestSignIn;
    let citizen: TestSignIn;
    const clock = new ManualClock('2026-06-01T02:00:00Z');

    beforeAll(async () => {
      app = await buildApp(ctx.config(), { database: ctx.handle(), clock });
      const db = ctx.handle().db;
      admin = await signedInStaff(db, app.platform.config, clock, {
        departmentCode: 'gov-services-data',
        roles: ['platform_admin'],
      });
      supervisor = await signedInStaff(db, app.platform.config, clock, { roles: ['supervisor'] });
      citizen = await signedInCitizen(db, app.platform.config, clock);
    });
    afterAll(async () => {
      await app?.close();
    });

    /** The representative point of a demo zone: inside it, and inside its street and district. */
    async function pointIn(code: string) {
      return ctx
        .handle()
        .db.selectFrom('zones')
        .select(['id', 'center_lat as lat', 'center_lon as lon'])
        .where('city_id', '=', 'lingnan')
        .where('code', '=', code)
        .executeTakeFirstOrThrow();
    }

    async function resolve(category: string, code: string) {
      const p = await pointIn(code);
      const res = await app.inject({
        url: `/api/v1/cities/lingnan/dispatch/resolve?category=${category}&lat=${p.lat}&lon=${p.lon}`,
        headers: supervisor.read,
      });
      expect(res.statusCode).toBe(200);
      return res.json();
    }

    it('serves at least 40 categories in two levels, in Chinese and English, with limits and extra questions', async () => {
      const res = await app.inject({ url: '/api/v1/cities/lingnan/report-categories' });
      expect(res.statusCode).toBe(200);
      const groups = res.json().items as {
        code: string;
        nameZh: string;
        nameEn: string;
        categories: Record<string, unknown>[];
      }[];
      const leaves = groups.flatMap((g) => g.categories);
      expect(groups.length).toBeGreaterThanOrEqual(5);
      expect(leaves.length).toBeGreaterThanOrEqual(40);
      const cjk = /[\u4e00-\u9fff]/;
      for (const item of [...groups, ...leaves] as { nameZh: string; nameEn: string }[]) {
        expect(item.nameZh).toMatch(cjk);
        expect(item.nameEn).toMatch(/^[A-Z]/);
        expect(item.nameEn).not.toMatch(cjk);
      }
      expect(new Set(leaves.map((l) => l.code)).size).toBe(leaves.length);
      const municipal = groups.find((g) => g.code === 'municipal-facilities');
      expect(municipal).toMatchObject({ nameZh: '市政设施', nameEn: 'Municipal facilities' });
      expect(municipal?.categories.find((c) => c.code === 'manhole-cover-missing')).toMatchObject({
        nameZh: '井盖缺失',
        nameEn: 'Missing manhole cover',
        defaultDepartmentCode: 'urban-management',
        priority: 'urgent',
        acceptWithinMinutes: 30,
        resolveWithinMinutes: 60,
        attributes: expect.arrayContaining([
          {
            code: 'anyone_hurt',
            type: 'boolean',
            label_zh: '是否有人受伤？',
            label_en: 'Is anyone hurt?',
            required: true,
          },
        ]),
      });
      // Every default department is one the city has.
      const departments = new Set(
        (await app.inject({ url: '/api/v1/cities/lingnan/departments' }))
          .json()
          .items.map((d: { code: string }) => d.code),
      );
      expect(leaves.filter((l) => !departments.has(l.defaultDepartmentCode as string))).toEqual([]);
      // The other city has its own copy.
      const nanwan = (await app.inject({ url: '/api/v1/cities/nanwan/report-categories' })).json();
      expect(nanwan.items.flatMap((g: { categories: unknown[] }) => g.categories)).toHaveLength(leaves.length);
    });

    it('lets the most specific zone win: grid rule over street over district over the default department', async () => {
      const grid = await resolve('manhole-cover-missing', 'LN-01-01-01');
      expect(grid).toMatchObject({
        manual: false,
        departmentCode: 'transport',
        source: 'grid',
        zones: { district: { code: 'LN-01' }, street: { code: 'LN-01-01' }, grid: { code: 'LN-01-01-01' } },
      });
      expect(grid.ruleId).toEqual(expect.any(String));
      expect(await resolve('manhole-cover-missing', 'LN-01-01-02')).toMatchObject({
        departmentCode: 'housing-construction',
        source: 'street',
      });
      expect(await resolve('manhole-cover-missing', 'LN-01-02-01')).toMatchObject({
        departmentCode: 'water',
        source: 'district',
      });
      expect(await resolve('manhole-cover-missing', 'LN-02-01-01')).toMatchObject({
        departmentCode: 'urban-management',
        source: 'default',
        ruleId: null,
      });
      // Rules are per category: streetlights in the same grid go to the default department.
      expect(await resolve('streetlight-out', 'LN-01-01-01')).toMatchObject({
        departmentCode: 'urban-management',
        source: 'default',
      });
    });

    it('answers a point outside the city with manual dispatch', async () => {
      const res = await app.inject({
        url: '/api/v1/cities/lingnan/dispatch/resolve?category=manhole-cover-missing&lat=0&lon=0',
        headers: supervisor.read,
      });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({
        manual: true,
        reason: 'outside_city',
        departmentId: null,
        source: null,
        zones: { district: null, street: null, grid: null },
      });
    });

    it('leaves a report for manual dispatch when a rule names a department the city does not have', async () => {
      const db = ctx.handle().db;
      const p = await pointIn('LN-03-01-01');
      await seedDispatchRules(db, [
        {
          id: '0192f000-0000-7000-8000-0000000d15a1',
          cityId: 'lingnan',
          categoryCode: 'graffiti',
          zoneId: p.id,
          departmentCode: 'abolished-bureau',
          reason: 'test',
          createdBy: null,
        },
      ]);
      const street = await db
        .selectFrom('zones')
        .select(['id', 'parent_id'])
        .where('id', '=', p.id)
        .executeTakeFirstOrThrow();
      const zones = { grid: p.id, street: street.parent_id, district: null };
      expect(await resolveDepartment(db, 'lingnan', 'graffiti', zones)).toMatchObject({
        manual: true,
        reason: 'unknown_department',
      });
      expect(await resolveDepartment(db, 'lingnan', 'no-such-category', zones)).toMatchObject({
        manual: true,
        reason: 'unknown_category',
      });
    });

    describe('changing a rule', () => {
      const post = (who: TestSignIn, body: Record<string, unknown>, language = 'en') =>
        app.inject({
          method: 'POST',
          url: '/api/v1/cities/lingnan/dispatch-rules',
          headers: { ...who.write, 'accept-language': language },
          payload: {
            categoryCode: 'waterlogging',
            zoneCode: 'LN-02',
            departmentCode: 'urban-management',
            reason: 'r',
            ...body,
          },
        });

      it('writes a new version that supersedes the old one, keeps the history and is audited', async () => {
        const first = await post(admin, { reason: 'Drains in this district are cleared by urban management' });
        expect(first.statusCode).toBe(201);
        expect(first.json()).toMatchObject({
          categoryCode: 'waterlogging',
          zoneCode: 'LN-02',
          zoneLevel: 'district',
          departmentCode: 'urban-management',
          version: 1,
          current: true,
          createdBy: admin.id,
        });
        expect(await resolve('waterlogging', 'LN-02-01-01')).toMatchObject({
          departmentCode: 'urban-management',
          source: 'district',
          ruleId: first.json().id,
        });

        const second = await post(admin, { departmentCode: 'emergency-management', reason: 'Flood season' });
        expect(second.statusCode).toBe(201);
        expect(second.json()).toMatchObject({ version: 2, current: true, departmentCode: 'emergency-management' });
        expect(await resolve('waterlogging', 'LN-02-01-01')).toMatchObject({
          departmentCode: 'emergency-management',
          ruleId: second.json().id,
        });

        const inForce = await app.inject({
          url: '/api/v1/cities/lingnan/dispatch-rules?category=waterlogging',
          headers: supervisor.read,
        });
        expect(inForce.statusCode).toBe(200);
        expect(inForce.json().items).toEqual([expect.objectContaining({ id: second.json().id, version: 2 })]);
        const history = await app.inject({
          url: '/api/v1/cities/lingnan/dispatch-rules?category=waterlogging&history=true',
          headers: supervisor.read,
        });
        expect(
          history
            .json()
            .items.map((r: { version: number; current: boolean; departmentCode: string }) => [
              r.version,
              r.current,
              r.departmentCode,
            ]),
        ).toEqual([
          [2, true, 'emergency-management'],
          [1, false, 'urban-management'],
        ]);

        const entries = await ctx
          .handle()
          .db.selectFrom('audit_log')
          .selectAll()
          .where('action', '=', 'governance.dispatch_rule.changed')
          .where('subject_id', 'in', [first.json().id, second.json().id])
          .orderBy('seq')
          .execute();
        expect(entries).toHaveLength(2);
        expect(entries[1]).toMatchObject({
          actor_kind: 'staff',
          actor_id: admin.id,
          city_id: 'lingnan',
          subject_kind: 'dispatch_rule',
          details: {
            categoryCode: 'waterlogging',
            zoneCode: 'LN-02',
            departmentCode: 'emergency-management',
            previousDepartmentCode: 'urban-management',
            version: 2,
          },
        });
      });

      it('answers unknown category, zone or department codes with a 404 problem naming the code', async () => {
        const cases = [
          [{ categoryCode: 'alien-landing' }, 'REPORT_CATEGORY_NOT_FOUND', 'alien-landing'],
          [{ categoryCode: 'municipal-facilities' }, 'REPORT_CATEGORY_NOT_FOUND', 'municipal-facilities'],
          [{ zoneCode: 'LN-99' }, 'ZONE_NOT_FOUND', 'LN-99'],
          [{ departmentCode: 'ministry-of-magic' }, 'DEPARTMENT_NOT_FOUND', 'ministry-of-magic'],
        ] as const;
        for (const [body, code, named] of cases) {
          const res = await post(admin, body);
          expect(res.statusCode).toBe(404);
          expect(res.headers['content-type']).toContain('application/problem+json');
          expect(res.json()).toMatchObject({ code });
          expect(res.json().title).toContain(named);
        }
        const zh = await post(admin, { categoryCode: 'alien-landing' }, 'zh-CN');
        expect(zh.json().title).toBe('本市没有编号为“alien-landing”的可用事件类别');
        const resolveUnknown = await app.inject({
          url: '/api/v1/cities/lingnan/dispatch/resolve?category=alien-landing&lat=23.1&lon=113.3',
          headers: supervisor.read,
        });
        expect(resolveUnknown.statusCode).toBe(404);
        expect(resolveUnknown.json().code).toBe('REPORT_CATEGORY_NOT_FOUND');
      });

      it('refuses citizens, supervisors and other cities’ admins, and writes nothing for them', async () => {
        const before = (
          await app.inject({ url: '/api/v1/cities/lingnan/dispatch-rules?history=true', headers: admin.read })
        ).json().items.length;
        expect((await post(citizen, {})).statusCode).toBe(403);
        expect(
          (await app.inject({ url: '/api/v1/cities/lingnan/dispatch-rules', headers: citizen.read })).statusCode,
        ).toBe(403);
        expect((await app.inject({ url: '/api/v1/cities/lingnan/dispatch-rules' })).statusCode).toBe(401);
        expect((await post(supervisor, {})).statusCode).toBe(403);
        const nanwanAdmin = await signedInStaff(ctx.handle().db, app.platform.config, clock, {
          cityId: 'nanwan',
          departmentCode: 'gov-services-data',
          roles: ['platform_admin'],
        });
        expect((await post(nanwanAdmin, {})).statusCode).toBe(403);
        const after = (
          await app.inject({ url: '/api/v1/cities/lingnan/dispatch-rules?history=true', headers: admin.read })
        ).json().items.length;
        expect(after).toBe(before);
      });
    });
  },
  'demo',
);
