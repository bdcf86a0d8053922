import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { describeEachDialect } from '../../testing/db.ts';

describeEachDialect(
  'departments API',
  (ctx) => {
    let app: FastifyInstance;
    beforeAll(async () => {
      app = await buildApp(ctx.config(), { database: ctx.handle() });
    });
    afterAll(async () => {
      await app?.close();
    });

    it('lists at least 15 departments per city, each city its own', async () => {
      const lists: Record<string, { id: string; code: string; nameZh: string }[]> = {};
      for (const city of ['lingnan', 'nanwan']) {
        const res = await app.inject({ url: `/api/v1/cities/${city}/departments` });
        expect(res.statusCode).toBe(200);
        lists[city] = res.json().items;
        expect(lists[city]?.length).toBeGreaterThanOrEqual(15);
      }
      const lingnan = lists.lingnan ?? [];
      const nanwan = lists.nanwan ?? [];
      expect(lingnan.every((d) => d.nameZh.includes('岭南市'))).toBe(true);
      expect(nanwan.every((d) => d.nameZh.includes('南湾市'))).toBe(true);
      const nanwanIds = new Set(nanwan.map((d) => d.id));
      expect(lingnan.some((d) => nanwanIds.has(d.id))).toBe(false);
      expect(lingnan.map((d) => d.code)).toEqual([...lingnan.map((d) => d.code)].sort());
    });

    it('answers one department', async () => {
      const res = await app.inject({ url: '/api/v1/cities/lingnan/departments/urban-management' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({
        code: 'urban-management',
        nameZh: '岭南市城市管理和综合执法局',
        nameEn: 'Lingnan Urban Management and Comprehensive Law Enforcement Bureau',
        shortZh: '城管局',
        shortEn: 'Urban Management',
        hotline: '12319',
      });
    });

    it('answers an unknown department or city with 404', async () => {
      const department = await app.inject({
        url: '/api/v1/cities/lingnan/departments/ministry-of-magic',
        headers: { 'accept-language': 'en' },
      });
      expect(department.statusCode).toBe(404);
      expect(department.json()).toMatchObject({
        code: 'DEPARTMENT_NOT_FOUND',
        title: 'This city has no department with the code "ministry-of-magic"',
      });
      const city = await app.inject({ url: '/api/v1/cities/atlantis/departments' });
      expect(city.statusCode).toBe(404);
      expect(city.json().code).toBe('CITY_NOT_FOUND');
    });
  },
  'demo',
);
