import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVER_PATHS, webAppServer } from './web-app.ts';

const INDEX = '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"></head><body>app</body></html>';
const SCRIPT = 'console.log("hello");'.repeat(100);
const SERVICE_WORKER = "self.addEventListener('fetch', () => {});";
const html = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };

/** An app whose not-found handler tries the web app first, as the platform's does. */
function appServing(root: string): FastifyInstance {
  const app = Fastify();
  const serve = webAppServer({ root });
  app.setNotFoundHandler(
    async (request, reply) =>
      (await serve(request, reply)) ??
      reply.status(404).type('application/problem+json').send({ code: 'ROUTE_NOT_FOUND' }),
  );
  return app;
}

describe('web app serving', () => {
  let root: string;
  let app: FastifyInstance;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'onecity-web-'));
    await mkdir(join(root, 'assets'));
    await mkdir(join(root, '.vite'));
    await writeFile(join(root, 'index.html'), INDEX);
    await writeFile(join(root, 'assets', 'index-abc.js'), SCRIPT);
    await writeFile(join(root, 'assets', 'index-abc.js.gz'), gzipSync(SCRIPT));
    await writeFile(join(root, 'manifest.webmanifest'), '{"name":"OneCity"}');
    await writeFile(join(root, 'sw.js'), SERVICE_WORKER);
    await writeFile(join(root, '.vite', 'manifest.json'), '{}');
    app = appServing(root);
    app.get('/api/v1/known', async () => ({ ok: true }));
  });
  afterAll(async () => {
    await app.close();
    await rm(root, { recursive: true, force: true });
  });

  it('serves the app at / and at any page a browser opens (SPA fallback), never cached stale', async () => {
    for (const url of ['/', '/services/food-business-permit', '/search?q=%E5%BC%80%E9%A4%90%E9%A6%86']) {
      const res = await app.inject({ url, headers: html });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.body).toBe(INDEX);
    }
  });

  it('serves hashed assets for a year, precompressed when the browser takes it', async () => {
    const plain = await app.inject({ url: '/assets/index-abc.js' });
    expect(plain.statusCode).toBe(200);
    expect(plain.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(plain.body).toBe(SCRIPT);
    const gzipped = await app.inject({ url: '/assets/index-abc.js', headers: { 'accept-encoding': 'br, gzip' } });
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gzipped.rawPayload.equals(gzipSync(SCRIPT))).toBe(true);
    const again = await app.inject({ url: '/assets/index-abc.js', headers: { 'if-none-match': plain.headers.etag } });
    expect(again.statusCode).toBe(304);
    const manifest = await app.inject({ url: '/manifest.webmanifest' });
    expect(manifest.headers['content-type']).toBe('application/manifest+json; charset=utf-8');
  });

  it('serves the service worker as a script that is checked on every use, so a deploy replaces it', async () => {
    const res = await app.inject({ url: '/sw.js' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.body).toBe(SERVICE_WORKER);
    const icon = await app.inject({ url: '/manifest.webmanifest' });
    expect(icon.headers['cache-control']).toBe('public, max-age=3600');
  });

  it('never shadows the server: its paths and unknown files stay problem+json 404s', async () => {
    expect((await app.inject({ url: '/api/v1/known' })).json()).toEqual({ ok: true });
    for (const base of SERVER_PATHS) {
      const res = await app.inject({ url: `${base}/not-a-page`, headers: html });
      expect(res.statusCode, base).toBe(404);
      expect(res.json(), base).toEqual({ code: 'ROUTE_NOT_FOUND' });
    }
    for (const url of ['/assets/missing.js', '/missing.png', '/nope']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(404);
      expect(res.headers['content-type'], url).toMatch(/^application\/problem\+json/);
    }
  });

  it('serves nothing outside the build, and no dotfiles', async () => {
    for (const url of [
      '/../package.json',
      '/%2e%2e/package.json',
      '/.vite/manifest.json',
      '/assets/%00.js',
      '/%E0%A4%A',
    ]) {
      const res = await app.inject({ url, headers: html });
      // 404, or the router's own 400 for an escape that does not decode.
      expect([400, 404], url).toContain(res.statusCode);
      expect(res.body, url).not.toContain('OneCity');
      expect(res.body, url).not.toContain('<html');
    }
  });

  it('serves nothing (API-only) when the app has not been built', async () => {
    const bare = appServing(join(root, 'not-built'));
    expect((await bare.inject({ url: '/', headers: html })).statusCode).toBe(404);
    await bare.close();
  });
});
