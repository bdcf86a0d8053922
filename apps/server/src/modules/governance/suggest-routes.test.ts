/**
 * POST /cities/:city/report-categories/suggest through the real app. The plugin is registered
 * in app.ts next to governanceRoutes (`await api.register(suggestRoutes)`).
 */
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp, createLogger } from '../../app.ts';
import { ManualClock } from '../../platform/time/clock.ts';
import { describeEachDialect } from '../../testing/db.ts';

describeEachDialect(
  'governance: report category suggestion',
  (ctx) => {
    let app: FastifyInstance;
    const clock = new ManualClock('2026-06-01T02:00:00Z');
    const lines: string[] = [];

    beforeAll(async () => {
      // Logging at trace level, to show that a description never reaches the logs.
      const config = ctx.config({ ONECITY_LOG_LEVEL: 'trace' });
      const sink = new Writable({
        write(chunk, _encoding, done) {
          lines.push(String(chunk));
          done();
        },
      });
      app = await buildApp(config, { database: ctx.handle(), clock, logger: createLogger(config, sink) });
    });
    afterAll(async () => {
      await app?.close();
    });

    const suggest = (payload: Record<string, unknown>, city = 'lingnan', headers: Record<string, string> = {}) =>
      app.inject({ method: 'POST', url: `/api/v1/cities/${city}/report-categories/suggest`, payload, headers });

    it('suggests the category with its names from the database, confidently when it is clear', async () => {
      const res = await suggest({ text: '井盖不见了，很危险' });
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.confident).toBe(true);
      expect(body.suggestions[0]).toEqual({
        code: 'manhole-cover-missing',
        nameZh: '井盖缺失',
        nameEn: 'Missing manhole cover',
        confidence: expect.any(Number),
      });
      expect(body.suggestions.length).toBeLessThanOrEqual(3);
      for (const s of body.suggestions) {
        expect(Object.keys(s).sort()).toEqual(['code', 'confidence', 'nameEn', 'nameZh']);
        expect(s.confidence).toBeGreaterThan(0);
        expect(s.confidence).toBeLessThan(1);
      }
      const english = (await suggest({ text: 'The streetlights on our road have been out for a week' })).json();
      expect(english.suggestions[0]).toMatchObject({ code: 'streetlight-out', nameEn: 'Streetlight out' });
    });

    it('answers each city from its own categories', async () => {
      const res = await suggest({ text: '路灯不亮' }, 'nanwan');
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ confident: true, suggestions: [{ code: 'streetlight-out' }] });
    });

    it('makes no suggestion, rather than a guess, when nothing fits', async () => {
      for (const text of ['你好', '谢谢', '   ', '😀']) {
        const res = await suggest({ text });
        expect(res.statusCode, text).toBe(200);
        expect(res.json(), text).toEqual({ suggestions: [], confident: false });
      }
      const vague = (await suggest({ text: '井盖' })).json();
      expect(vague.confident).toBe(false);
    });

    it('refuses a missing, empty, too long or non-text description with 400', async () => {
      for (const payload of [{}, { text: '' }, { text: 'a'.repeat(2001) }, { text: 42 }, { text: ['井盖'] }]) {
        const res = await suggest(payload);
        expect(res.statusCode, JSON.stringify(payload).slice(0, 40)).toBe(400);
        expect(res.headers['content-type']).toContain('application/problem+json');
        expect(res.json().code).toBe('VALIDATION_FAILED');
      }
      expect((await suggest({ text: '井'.repeat(2000) })).statusCode).toBe(200);
    });

    it('answers 404 for an unknown city', async () => {
      const res = await suggest({ text: '路灯不亮' }, 'atlantis');
      expect(res.statusCode).toBe(404);
      expect(res.json().code).toBe('CITY_NOT_FOUND');
    });

    it('keeps descriptions out of the logs and out of Idempotency-Key replays', async () => {
      const text = '我家楼下张三的车天天违停，电话13912345678';
      const headers = { 'idempotency-key': 'suggest-replay-check-0001' };
      const first = await suggest({ text }, 'lingnan', headers);
      const again = await suggest({ text }, 'lingnan', headers);
      expect(first.statusCode).toBe(200);
      expect(again.statusCode).toBe(200);
      expect(again.headers['idempotent-replayed']).toBeUndefined();
      const log = lines.join('');
      expect(log).toContain('/report-categories/suggest');
      for (const secret of ['张三', '13912345678', '违停']) expect(log).not.toContain(secret);
    });
  },
  'demo',
);
