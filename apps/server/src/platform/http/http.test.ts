import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { z } from 'zod';
import { buildApp, createLogger } from '../../app.ts';
import { describeEachDialect } from '../../testing/db.ts';

describeEachDialect('HTTP platform', (ctx) => {
  let app: FastifyInstance;
  const logLines: string[] = [];

  beforeAll(async () => {
    const config = ctx.config({ ONECITY_LOG_LEVEL: 'info', ONECITY_BODY_LIMIT_BYTES: '2048' });
    const sink = new Writable({
      write(chunk, _enc, done) {
        logLines.push(String(chunk));
        done();
      },
    });
    app = await buildApp(config, { database: ctx.handle(), logger: createLogger(config, sink) });
    const r = app.withTypeProvider<ZodTypeProvider>();
    r.post(
      '/test/people',
      {
        schema: {
          body: z.object({
            name: z.string().min(1).max(20),
            age: z.number().int().min(0),
            phone: z.string().optional(),
          }),
        },
      },
      async (request) => ({ hello: request.body.name }),
    );
    r.get('/test/boom', async () => {
      throw new Error('secret internals at /srv/onecity/db.ts:42');
    });
  });
  afterAll(async () => {
    await app.close();
  });

  it('answers /healthz and /readyz', async () => {
    const health = await app.inject({ url: '/healthz' });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toEqual({ status: 'ok' });
    const ready = await app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ok', checks: { database: 'ok' } });
  });

  it('publishes OpenAPI 3.1 and a docs page', async () => {
    const spec = await app.inject({ url: '/openapi.json' });
    expect(spec.statusCode).toBe(200);
    expect(spec.json().openapi).toBe('3.1.0');
    expect(Object.keys(spec.json().paths)).toContain('/healthz');
    const docs = await app.inject({ url: '/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.headers['content-type']).toMatch(/text\/html/);
    expect(docs.body).toContain('swagger');
  });

  it('answers an unknown route with problem+json in the requested language', async () => {
    const zh = await app.inject({ url: '/nope', headers: { 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.5' } });
    expect(zh.statusCode).toBe(404);
    expect(zh.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(zh.json()).toMatchObject({ status: 404, code: 'ROUTE_NOT_FOUND', title: '没有这个接口：GET /nope' });
    expect(zh.json().requestId).toBe(zh.headers['x-request-id']);
    const en = await app.inject({ url: '/nope', headers: { 'accept-language': 'en-GB,en;q=0.8' } });
    expect(en.json().title).toBe('No such endpoint: GET /nope');
    expect(en.headers['content-language']).toBe('en');
  });

  it('rejects malformed JSON with 400 in the requested language', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/test/people',
      headers: { 'content-type': 'application/json', 'accept-language': 'en' },
      payload: '{"name": "Li",',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'MALFORMED_JSON', title: 'The request body is not valid JSON' });
    const zh = await app.inject({
      method: 'POST',
      url: '/test/people',
      headers: { 'content-type': 'application/json', 'accept-language': 'zh' },
      payload: '{"name": "Li",',
    });
    expect(zh.json().title).toBe('请求体不是有效的 JSON');
  });

  it('names every wrong field, in Chinese or English, without echoing values', async () => {
    const payload = { name: '', age: 'forty', extra: 1 };
    const en = await app.inject({ method: 'POST', url: '/test/people', headers: { 'accept-language': 'en' }, payload });
    expect(en.statusCode).toBe(400);
    const body = en.json();
    expect(body.code).toBe('VALIDATION_FAILED');
    expect(body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['body.age', 'body.name']);
    expect(body.errors.find((e: { field: string }) => e.field === 'body.age').message).toMatch(/expected number/i);
    expect(en.body).not.toContain('forty');
    const zh = await app.inject({
      method: 'POST',
      url: '/test/people',
      headers: { 'accept-language': 'zh-CN' },
      payload,
    });
    const ageZh = zh.json().errors.find((e: { field: string }) => e.field === 'body.age').message;
    expect(ageZh).toMatch(/[\u4e00-\u9fff]/);
  });

  it('rejects an oversized body with 413 and an unsupported content type with 415', async () => {
    const big = await app.inject({
      method: 'POST',
      url: '/test/people',
      headers: { 'content-type': 'application/json', 'accept-language': 'en' },
      payload: JSON.stringify({ name: 'x'.repeat(5000), age: 1 }),
    });
    expect(big.statusCode).toBe(413);
    expect(big.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', title: expect.stringContaining('2048') });
    const xml = await app.inject({
      method: 'POST',
      url: '/test/people',
      headers: { 'content-type': 'application/xml' },
      payload: '<a/>',
    });
    expect(xml.statusCode).toBe(415);
    expect(xml.json().code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers router-level rejections as problems too: NUL bytes, over-long parameters', async () => {
    const nul = await app.inject({ url: '/api/v1/cities/%00/departments', headers: { 'accept-language': 'en' } });
    expect(nul.statusCode).toBe(400);
    expect(nul.json()).toMatchObject({ code: 'BAD_URL' });
    const long = await app.inject({ url: `/api/v1/cities/${'x'.repeat(300)}` });
    expect(long.statusCode).toBe(414);
    expect(long.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(long.json().code).toBe('URI_TOO_LONG');
    // The router refuses before the hooks run; the answer still names the request like every other.
    const badEncoding = await app.inject({ url: '/api/v1/cities/%E0%A4%A/departments' });
    expect(badEncoding.json().code).toBe('BAD_URL');
    for (const res of [long, badEncoding]) {
      expect(res.headers['x-request-id']).toBeTruthy();
      expect(res.json().requestId).toBe(res.headers['x-request-id']);
    }
  });

  it('hides internals of unexpected errors behind a 500 problem', async () => {
    const res = await app.inject({ url: '/test/boom', headers: { 'accept-language': 'en' } });
    expect(res.statusCode).toBe(500);
    expect(res.json()).toMatchObject({ code: 'INTERNAL', status: 500 });
    expect(res.body).not.toContain('secret internals');
    expect(res.body).not.toContain('db.ts');
  });

  it('sends security headers', async () => {
    const res = await app.inject({ url: '/healthz' });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
  });

  it('keeps a well-formed incoming request id and replaces a malformed one', async () => {
    const kept = await app.inject({ url: '/healthz', headers: { 'x-request-id': 'gateway-1234abcd' } });
    expect(kept.headers['x-request-id']).toBe('gateway-1234abcd');
    const replaced = await app.inject({ url: '/healthz', headers: { 'x-request-id': 'bad id <script>' } });
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('exposes Prometheus metrics by route pattern', async () => {
    await app.inject({ url: '/healthz' });
    const res = await app.inject({ url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('onecity_http_request_duration_seconds_bucket');
    expect(res.body).toMatch(/route="\/healthz"/);
  });

  it('never writes personal data into the logs', async () => {
    logLines.length = 0;
    await app.inject({
      method: 'POST',
      url: '/test/people?phone=13800138000&id=440106199001011234',
      headers: { cookie: 'session=supersecret', authorization: 'Bearer tok-abc' },
      payload: { name: 'Wang', age: 'x', phone: '13900139000' },
    });
    await app.inject({ url: '/test/boom?phone=13800138000' });
    const log = logLines.join('');
    expect(log).toContain('/test/people');
    for (const secret of ['13800138000', '440106199001011234', 'supersecret', 'tok-abc', '13900139000']) {
      expect(log).not.toContain(secret);
    }
  });
});
