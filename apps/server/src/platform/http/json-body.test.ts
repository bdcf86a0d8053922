import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildApp } from '../../app.ts';
import { describeEachDialect } from '../../testing/db.ts';
import { jsonNestedDeeperThan, MAX_JSON_DEPTH } from './json-body.ts';

const nested = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`;

describe('jsonNestedDeeperThan', () => {
  it('counts arrays and objects inside each other, not brackets in strings', () => {
    expect(jsonNestedDeeperThan(nested(3), 3)).toBe(false);
    expect(jsonNestedDeeperThan(nested(4), 3)).toBe(true);
    expect(jsonNestedDeeperThan('{"a":{"b":[{}]}}', 3)).toBe(true);
    expect(jsonNestedDeeperThan('[[1],[2],[3],[4]]', 2)).toBe(false);
    expect(jsonNestedDeeperThan(`{"a":"${'['.repeat(100)}"}`, 1)).toBe(false);
    expect(jsonNestedDeeperThan(`{"a":"\\"${'{'.repeat(100)}"}`, 1)).toBe(false);
    expect(jsonNestedDeeperThan(`["\\\\",${nested(3)}]`, 3)).toBe(true);
  });
});

describeEachDialect('JSON bodies nested too deep', (ctx) => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildApp(ctx.config(), { database: ctx.handle() });
    app
      .withTypeProvider<ZodTypeProvider>()
      .post('/test/echo', { schema: { body: z.object({ value: z.unknown() }) } }, async (request) => ({
        got: typeof request.body.value,
      }));
  });
  afterAll(async () => {
    await app.close();
  });

  it(`refuses more than ${MAX_JSON_DEPTH} levels with 400 in the language asked for — also under an Idempotency-Key, whose hash walks the body`, async () => {
    for (const depth of [MAX_JSON_DEPTH, 10_000]) {
      // 10,000 levels is 20 kB: well within the body limit, and deep enough to exhaust the stack
      // of anything that walks the parsed body recursively (the Idempotency-Key hash did: 500).
      const res = await app.inject({
        method: 'POST',
        url: '/test/echo',
        headers: { 'content-type': 'application/json', 'accept-language': 'en', 'idempotency-key': `deep-${depth}` },
        payload: `{"value":${nested(depth)}}`,
      });
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json()).toMatchObject({
        code: 'JSON_TOO_DEEP',
        title: `The request body nests JSON more than ${MAX_JSON_DEPTH} levels deep`,
      });
    }
    const zh = await app.inject({
      method: 'POST',
      url: '/test/echo',
      headers: { 'content-type': 'application/json', 'accept-language': 'zh-CN' },
      payload: `{"value":${nested(100)}}`,
    });
    expect(zh.json().title).toBe(`请求体的 JSON 嵌套超过 ${MAX_JSON_DEPTH} 层`);
  });

  it('parses everything else as before: nesting within the limit, prototype poisoning refused', async () => {
    const ok = await app.inject({
      method: 'POST',
      url: '/test/echo',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'shallow' },
      payload: `{"value":${nested(MAX_JSON_DEPTH - 1)}}`,
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ got: 'object' });
    const poisoned = await app.inject({
      method: 'POST',
      url: '/test/echo',
      headers: { 'content-type': 'application/json' },
      payload: '{"value":1,"__proto__":{"polluted":true}}',
    });
    expect(poisoned.statusCode).toBe(400);
    expect(poisoned.json().code).toBe('MALFORMED_JSON');
  });
});
