/**
 * The installable app: the service worker registers under the server's CSP, is served so that a
 * deploy replaces it, keeps the app's files but never an API answer, and after one visit the
 * home page starts without a network.
 */
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWebApp, chromiumAvailable, launchChromium, newContext, pageErrors, startServer } from './support.ts';

const suite = chromiumAvailable() ? describe : describe.skip;

/** Waits for `read` to satisfy the assertion that follows: pages load at their own pace on a busy machine. */
const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 15_000 });

suite('installable app in Chromium', { timeout: 90_000 }, () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let browser: Browser;
  let context: BrowserContext;

  beforeAll(async () => {
    buildWebApp();
    [server, browser] = await Promise.all([startServer(), launchChromium()]);
  }, 120_000);
  afterAll(async () => {
    await context?.close().catch(() => {});
    await browser?.close();
    await server?.stop();
  });

  it('registers the service worker, and the home page starts offline after a first visit', async () => {
    context = await newContext(browser, server.url, 'phone');
    const page = await context.newPage();
    const errors = pageErrors(page);
    const refused: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) refused.push(message.text());
    });

    const manifest = await page.request.get('/manifest.webmanifest');
    expect(manifest.status()).toBe(200);
    const worker = await page.request.get('/sw.js');
    expect(worker.status()).toBe(200);
    expect(worker.headers()['content-type']).toMatch(/^text\/javascript/);
    expect(worker.headers()['cache-control']).toBe('no-cache');

    await page.goto('/');
    await page.getByRole('heading', { level: 1, name: '您好，想办什么事？' }).waitFor();
    await page.locator('.tile').first().waitFor();
    const state = await page.evaluate(async () => {
      const registration = await navigator.serviceWorker.ready;
      return { scope: registration.scope, script: registration.active?.scriptURL };
    });
    expect(state).toEqual({ scope: `${server.url}/`, script: `${server.url}/sw.js` });
    await poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);

    // What it keeps: the page and the app's files, never the API.
    const stored = await page.evaluate(async () => {
      const urls: string[] = [];
      for (const name of await caches.keys()) {
        for (const request of await (await caches.open(name)).keys()) urls.push(new URL(request.url).pathname);
      }
      return urls;
    });
    expect(stored).toContain('/index.html');
    expect(stored.some((path) => /^\/assets\/index-[\w-]+\.js$/.test(path))).toBe(true);
    expect(stored.filter((path) => path.startsWith('/api'))).toEqual([]);

    await context.setOffline(true);
    await page.reload();
    await page.getByRole('heading', { level: 1, name: '您好，想办什么事？' }).waitFor();
    await page.getByRole('searchbox').waitFor();
    // The catalog comes from the API, which is not kept: the screen says it cannot reach it.
    await page.locator('.state--error').first().waitFor();
    await context.setOffline(false);
    await page.goto('/');
    await page.locator('.tile').first().waitFor();
    expect(refused).toEqual([]);
    expect(errors).toEqual([]);
  });
});
