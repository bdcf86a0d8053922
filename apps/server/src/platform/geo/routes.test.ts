import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp } from '../../app.ts';
import { describeEachDialect } from '../../testing/db.ts';

describeEachDialect(
  'geo API',
  (ctx) => {
    let app: FastifyInstance;
    const get = (url: string, language = 'en') => app.inject({ url, headers: { 'accept-language': language } });
    beforeAll(async () => {
      app = await buildApp(ctx.config(), { database: ctx.handle() });
    });
    afterAll(async () => {
      await app?.close();
    });

    it('lists the zones of a city by level, without boundaries', async () => {
      const counts: Record<string, number> = {};
      for (const level of ['district', 'street', 'grid']) {
        const res = await get(`/api/v1/cities/lingnan/zones?level=${level}`);
        expect(res.statusCode).toBe(200);
        const { items } = res.json();
        counts[level] = items.length;
        for (const z of items) {
          expect(z.level).toBe(level);
          expect(z).not.toHaveProperty('geometry');
        }
      }
      expect(counts.district).toBeGreaterThanOrEqual(6);
      expect(counts.street).toBeGreaterThanOrEqual(30);
      expect(counts.grid).toBeGreaterThanOrEqual(300);
      const all = (await get('/api/v1/cities/lingnan/zones')).json().items;
      expect(all).toHaveLength((counts.district ?? 0) + (counts.street ?? 0) + (counts.grid ?? 0));
      expect(all.every((z: { code: string }) => z.code.startsWith('LN-'))).toBe(true);
    });

    it('lists the direct children of a zone', async () => {
      const res = await get('/api/v1/cities/lingnan/zones?parent=LN-01-01');
      expect(res.statusCode).toBe(200);
      const { items } = res.json();
      expect(items.length).toBeGreaterThanOrEqual(5);
      expect(items[0]).toMatchObject({
        code: 'LN-01-01-01',
        level: 'grid',
        parentCode: 'LN-01-01',
        nameZh: '东湖街道第01网格',
        nameEn: 'Donghu Sub-district Grid 01',
      });
      const missing = await get('/api/v1/cities/lingnan/zones?parent=LN-77');
      expect(missing.statusCode).toBe(404);
      expect(missing.json().code).toBe('ZONE_NOT_FOUND');
    });

    it('answers one zone with its boundary', async () => {
      const res = await get('/api/v1/cities/lingnan/zones/LN-01-01');
      expect(res.statusCode).toBe(200);
      const zone = res.json();
      expect(zone).toMatchObject({ code: 'LN-01-01', level: 'street', parentCode: 'LN-01', nameZh: '东湖街道' });
      expect(zone.geometry.type).toBe('Polygon');
      expect(zone.geometry.coordinates[0].length).toBeGreaterThan(4);
      const [minLon, minLat, maxLon, maxLat] = zone.bbox;
      expect(minLon).toBeLessThan(zone.center.lon);
      expect(zone.center.lon).toBeLessThan(maxLon);
      expect(minLat).toBeLessThan(zone.center.lat);
      expect(zone.center.lat).toBeLessThan(maxLat);
    });

    it('keeps each city’s zones to itself', async () => {
      const nanwan = await get('/api/v1/cities/nanwan/zones/NW-01-01');
      expect(nanwan.statusCode).toBe(200);
      const here = await get('/api/v1/cities/lingnan/zones/NW-01-01', 'zh-CN');
      expect(here.statusCode).toBe(404);
      expect(here.json()).toMatchObject({ code: 'ZONE_NOT_FOUND', title: '本市没有编号为“NW-01-01”的区域' });
      const list = (await get('/api/v1/cities/nanwan/zones')).json().items;
      expect(list.length).toBe(2 + 4 + 16);
      expect(list.every((z: { code: string }) => z.code.startsWith('NW-'))).toBe(true);
      const parent = await get('/api/v1/cities/nanwan/zones?parent=LN-01');
      expect(parent.statusCode).toBe(404);
    });

    it('serves a level as a GeoJSON FeatureCollection for maps', async () => {
      const res = await get('/api/v1/cities/lingnan/zones.geojson');
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/geo\+json/);
      const fc = res.json();
      expect(fc.type).toBe('FeatureCollection');
      expect(fc.features.length).toBeGreaterThanOrEqual(6);
      const first = fc.features[0];
      expect(first).toMatchObject({ type: 'Feature', id: 'LN-01', properties: { code: 'LN-01', level: 'district' } });
      expect(first.geometry.type).toBe('Polygon');
      expect(first.bbox).toHaveLength(4);
      const grids = (await get('/api/v1/cities/lingnan/zones.geojson?level=grid&parent=LN-02-03')).json();
      expect(grids.features.length).toBeGreaterThan(0);
      expect(
        grids.features.every((f: { properties: { parentCode: string } }) => f.properties.parentCode === 'LN-02-03'),
      ).toBe(true);
    });

    it('resolves a point to district, street and grid', async () => {
      const grid = (await get('/api/v1/cities/lingnan/zones/LN-03-02-04')).json();
      const res = await get(`/api/v1/cities/lingnan/geo/resolve?lat=${grid.center.lat}&lon=${grid.center.lon}`);
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body).toMatchObject({
        lat: grid.center.lat,
        lon: grid.center.lon,
        district: { code: 'LN-03', level: 'district' },
        street: { code: 'LN-03-02', level: 'street' },
        grid: { code: 'LN-03-02-04', level: 'grid', nameZh: grid.nameZh, nameEn: grid.nameEn },
        h3: { res9: grid.h3Cell },
      });
      expect(body.h3.res7).toMatch(/^87/);
    });

    it('resolves a point outside the city to nulls with 200', async () => {
      const res = await get('/api/v1/cities/lingnan/geo/resolve?lat=22.54&lon=114.05');
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ district: null, street: null, grid: null });
    });

    it('answers bad coordinates with 400 naming the field, in the language asked for', async () => {
      const cases: [string, string[]][] = [
        ['lat=91&lon=113', ['querystring.lat']],
        ['lat=23&lon=-180.5', ['querystring.lon']],
        ['lat=abc&lon=113', ['querystring.lat']],
        ['lat=&lon=113', ['querystring.lat']],
        ['lon=113', ['querystring.lat']],
        ['lat=1e400&lon=113', ['querystring.lat']],
        ['', ['querystring.lat', 'querystring.lon']],
      ];
      for (const [query, fields] of cases) {
        const res = await get(`/api/v1/cities/lingnan/geo/resolve?${query}`);
        expect(res.statusCode, query).toBe(400);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        const body = res.json();
        expect(body.code).toBe('VALIDATION_FAILED');
        expect(body.errors.map((e: { field: string }) => e.field)).toEqual(fields);
      }
      const zh = (await get('/api/v1/cities/lingnan/geo/resolve?lat=91&lon=113', 'zh-CN')).json();
      expect(zh.title).toBe('请求内容有误，请检查后重试');
      expect(zh.errors[0].message).toMatch(/[\u4e00-\u9fff]/);
    });

    it('answers a bad level with 400', async () => {
      const res = await get('/api/v1/cities/lingnan/zones?level=province');
      expect(res.statusCode).toBe(400);
      expect(res.json().errors[0].field).toBe('querystring.level');
    });
  },
  'demo',
);
