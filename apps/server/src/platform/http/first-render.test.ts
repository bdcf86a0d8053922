import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstRenderer, type InProcessFetch, viewOf } from './first-render.ts';
import { webAppServer } from './web-app.ts';

const INDEX = `<!doctype html>
<html lang="zh-CN">
  <head>
    <script type="module" crossorigin src="/assets/index-1.js"></script>
    <link rel="stylesheet" crossorigin href="/assets/shared-1.css">
  </head>
  <body>
    <div id="root"></div>
  </body>
</html>`;

const MANIFEST = {
  'index.html': { file: 'assets/index-1.js', css: ['assets/shared-1.css'] },
  'src/boot.tsx': { file: 'assets/boot-1.js', css: ['assets/boot-1.css'], imports: ['_lib.js', '_shared.js'] },
  '_lib.js': { file: 'assets/lib-1.js', css: ['assets/lib-1.css'] },
  '_shared.js': { file: 'assets/shared-1.js', css: ['assets/shared-1.css'] },
  'src/home.tsx': { file: 'assets/home-1.js', css: ['assets/home-1.css'], imports: ['_shared.js'] },
};

/**
 * A stand-in for the web app's server bundle: draws `/`, throws on `/broken`,
 * and asks the API for the city (through the in-process fetch) to show what the page holds.
 */
const BUNDLE = `
export const FIRST_RENDER_ID = 'onecity-first-render';
export const BOOT_MODULE = 'src/boot.tsx';
globalThis.__drawn = 0;
export function firstRenderedScreen(url) {
  return ['/', '/broken'].includes(url.split('?')[0]) ? 'src/home.tsx' : undefined;
}
export async function renderPage({ url, language, elder, fetch }) {
  globalThis.__drawn += 1;
  if (url === '/broken') throw new Error('cannot draw');
  const city = await (await fetch('/api/v1/city', {})).json();
  return {
    html: '<h1>' + city.name + '</h1>',
    screen: 'src/home.tsx',
    firstRender: { language, elder, queries: { note: '</script><script>alert(1)</script>' } },
  };
}
`;

describe('the first render of public pages', () => {
  let root: string;
  let bundleRoot: string;
  const calls: { url: string; headers: Record<string, string> }[] = [];
  const fetch: InProcessFetch = async (request) => {
    calls.push(request);
    const name = request.headers['accept-language'] === 'en' ? 'Lingnan' : '岭南市';
    return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name }) };
  };

  beforeAll(async () => {
    bundleRoot = await mkdtemp(join(tmpdir(), 'onecity-first-render-'));
    root = join(bundleRoot, 'dist');
    await mkdir(join(root, '.vite'), { recursive: true });
    await mkdir(join(bundleRoot, 'dist-ssr'));
    await writeFile(join(root, 'index.html'), INDEX);
    await writeFile(join(root, '.vite', 'manifest.json'), JSON.stringify(MANIFEST));
    await writeFile(join(bundleRoot, 'dist-ssr', 'entry-server.js'), BUNDLE);
  });
  afterAll(async () => {
    await rm(bundleRoot, { recursive: true, force: true });
  });

  it('reads the language and size from the view cookie, and falls back to the defaults on anything else', () => {
    expect(viewOf(undefined)).toEqual({ language: 'zh-CN', elder: false });
    expect(viewOf('a=1; onecity_view=en.1; b=2')).toEqual({ language: 'en', elder: true });
    expect(viewOf('onecity_view=zh-CN.0')).toEqual({ language: 'zh-CN', elder: false });
    expect(viewOf('onecity_view=fr.1')).toEqual({ language: 'zh-CN', elder: false });
    expect(viewOf('onecity_view=en.1x')).toEqual({ language: 'zh-CN', elder: false });
    expect(viewOf('xonecity_view=en.1')).toEqual({ language: 'zh-CN', elder: false });
  });

  it('draws the page into the build’s index.html with the screen’s styles and the data as inert JSON', async () => {
    const renderer = firstRenderer({ root, fetch });
    const page = await renderer.draw('/', { language: 'en', elder: true });
    expect(page).not.toBeNull();
    const html = page?.body.toString('utf8') ?? '';
    expect(html).toContain('<html lang="en" class="elder">');
    expect(html).toContain('<div id="root"><h1>Lingnan</h1></div>');
    // The boot and screen styles once each; the shared one index.html already links is not repeated.
    expect(html).toContain('<link rel="stylesheet" crossorigin href="/assets/boot-1.css">');
    expect(html).toContain('<link rel="stylesheet" crossorigin href="/assets/home-1.css">');
    expect(html.match(/shared-1\.css/g)).toHaveLength(1);
    // In cascade order: what a module imports before the module's own.
    expect(html.indexOf('lib-1.css')).toBeLessThan(html.indexOf('boot-1.css'));
    // No JavaScript of the app is fetched before the page has loaded.
    expect(html).not.toContain('modulepreload');
    // The data cannot close its element: `<` is escaped inside the JSON.
    expect(html).not.toContain('</script><script>alert(1)');
    expect(html).toContain('\\u003c/script>');
    expect(brotliDecompressSync(page?.br ?? Buffer.alloc(0)).equals(page?.body ?? Buffer.alloc(0))).toBe(true);
    // The API was asked as an anonymous caller in the page's language, and only for reads.
    expect(calls.at(-1)).toEqual({
      method: 'GET',
      url: '/api/v1/city',
      headers: { accept: 'application/json', 'accept-language': 'en' },
    });
  });

  it('reuses a drawn page for the same view and draws each view on its own', async () => {
    const renderer = firstRenderer({ root, fetch });
    const drawn = () => (globalThis as unknown as { __drawn: number }).__drawn;
    const before = drawn();
    await renderer.draw('/?a=1', { language: 'zh-CN', elder: false });
    await renderer.draw('/?a=1', { language: 'zh-CN', elder: false });
    expect(drawn() - before).toBe(1);
    const en = await renderer.draw('/?a=1', { language: 'en', elder: false });
    expect(drawn() - before).toBe(2);
    expect(en?.body.toString()).toContain('Lingnan');
  });

  it('sends the page bare when it cannot draw it: not a drawn page, a failure, no bundle', async () => {
    const renderer = firstRenderer({ root, fetch });
    expect(await renderer.draw('/me', { language: 'zh-CN', elder: false })).toBeNull();
    expect(await renderer.draw('/broken', { language: 'zh-CN', elder: false })).toBeNull();
    const withoutBundle = firstRenderer({ root: join(bundleRoot, 'elsewhere', 'dist'), fetch });
    expect(await withoutBundle.draw('/', { language: 'zh-CN', elder: false })).toBeNull();
  });

  it('is served for pages a browser opens, marked as drawn, varying with the cookie; bare pages stay as built', async () => {
    const app = Fastify();
    const serve = webAppServer({ root, firstRender: firstRenderer({ root, fetch }) });
    app.setNotFoundHandler(async (request, reply) => {
      await serve(request, reply);
      if (!reply.sent) await reply.status(404).send();
      return reply;
    });
    const drawn = await app.inject({
      url: '/',
      headers: { accept: 'text/html', 'accept-encoding': 'gzip', cookie: 'onecity_view=en.0' },
    });
    expect(drawn.statusCode).toBe(200);
    expect(drawn.headers['content-encoding']).toBe('gzip');
    expect(drawn.headers.vary).toBe('Accept-Encoding, Cookie');
    expect(drawn.headers['x-onecity-drawn']).toBe('1');
    expect(drawn.headers['cache-control']).toBe('no-cache');
    const bare = await app.inject({ url: '/settings', headers: { accept: 'text/html' } });
    expect(bare.body).toBe(INDEX);
    expect(bare.headers['x-onecity-drawn']).toBeUndefined();
    await app.close();
  });
});
