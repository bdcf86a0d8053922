import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { describeEachDialect } from '../../testing/db.ts';
import { findTenant, listTenants } from './repository.ts';

describeEachDialect(
  'tenancy API',
  (ctx) => {
    let app: FastifyInstance;
    beforeAll(async () => {
      app = await buildApp(ctx.config(), { database: ctx.handle() });
    });
    afterAll(async () => {
      await app?.close();
    });

    it('lists the cities with their province, not the province itself', async () => {
      const res = await app.inject({ url: '/api/v1/cities' });
      expect(res.statusCode).toBe(200);
      const { items } = res.json();
      expect(items.map((c: { id: string }) => c.id)).toEqual(['lingnan', 'nanwan']);
      expect(items[0]).toEqual({
        id: 'lingnan',
        kind: 'city',
        parentId: 'yuehai',
        adminCode: '980100',
        nameZh: '岭南市',
        nameEn: 'Lingnan City',
        timeZone: 'Asia/Shanghai',
        center: { lat: 23.13, lon: 113.3 },
        province: { id: 'yuehai', nameZh: '粤海省', nameEn: 'Yuehai Province' },
      });
    });

    it('answers one city', async () => {
      const res = await app.inject({ url: '/api/v1/cities/nanwan' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ id: 'nanwan', nameZh: '南湾市', province: { id: 'yuehai' } });
      // No tile server configured: the web app draws the zones over a plain background.
      expect(res.json().map).toEqual({ tiles: null, attribution: null });
    });

    it('answers an unknown city with 404 CITY_NOT_FOUND in the language asked for', async () => {
      const zh = await app.inject({ url: '/api/v1/cities/atlantis', headers: { 'accept-language': 'zh-CN,zh;q=0.9' } });
      expect(zh.statusCode).toBe(404);
      expect(zh.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(zh.json()).toMatchObject({ code: 'CITY_NOT_FOUND', status: 404, title: '没有编号为“atlantis”的城市' });
      const en = await app.inject({ url: '/api/v1/cities/atlantis', headers: { 'accept-language': 'en-GB' } });
      expect(en.json()).toMatchObject({ code: 'CITY_NOT_FOUND', title: 'There is no city with the id "atlantis"' });
    });

    it('does not serve a province as a city', async () => {
      const res = await app.inject({ url: '/api/v1/cities/yuehai/zones' });
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe('CITY_NOT_FOUND');
    });

    it('answers CITY_NOT_FOUND before it looks at the rest of the request', async () => {
      const res = await app.inject({ url: '/api/v1/cities/atlantis/geo/resolve?lat=oops' });
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe('CITY_NOT_FOUND');
    });

    it('lists and finds tenants through the repository', async () => {
      expect((await listTenants(ctx.handle().db)).map((t) => t.id)).toEqual(['yuehai', 'lingnan', 'nanwan']);
      expect((await listTenants(ctx.handle().db, 'province')).map((t) => t.id)).toEqual(['yuehai']);
      expect(await findTenant(ctx.handle().db, 'yuehai')).toMatchObject({ kind: 'province', parentId: null });
      expect(await findTenant(ctx.handle().db, 'atlantis')).toBeNull();
    });

    it('documents its routes in OpenAPI under the tenancy, geo and org tags', async () => {
      const spec = (await app.inject({ url: '/openapi.json' })).json();
      const tags = (path: string) => spec.paths[path]?.get?.tags;
      expect(tags('/api/v1/cities')).toEqual(['tenancy']);
      expect(tags('/api/v1/cities/{city}')).toEqual(['tenancy']);
      expect(tags('/api/v1/cities/{city}/zones')).toEqual(['geo']);
      expect(tags('/api/v1/cities/{city}/zones/{code}')).toEqual(['geo']);
      expect(tags('/api/v1/cities/{city}/zones.geojson')).toEqual(['geo']);
      expect(tags('/api/v1/cities/{city}/geo/resolve')).toEqual(['geo']);
      expect(tags('/api/v1/cities/{city}/departments')).toEqual(['org']);
      const lat = spec.paths['/api/v1/cities/{city}/geo/resolve'].get.parameters.find(
        (p: { name: string }) => p.name === 'lat',
      );
      expect(lat).toMatchObject({ in: 'query', required: true, schema: { type: 'number', minimum: -90, maximum: 90 } });
    });
  },
  'demo',
);
