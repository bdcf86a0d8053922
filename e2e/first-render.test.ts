/**
 * Public pages drawn by the server: they show and work before the app's code has run (links,
 * the search form), in the visitor's language and size, and the app takes them over without
 * drawing them again — no hydration error, and the screen reacts to the app afterwards.
 */
import type { Browser, BrowserContext, ConsoleMessage } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWebApp, chromiumAvailable, launchChromium, newContext, pageErrors, startServer } from './support.ts';

const suite = chromiumAvailable() ? describe : describe.skip;
const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 15_000 });

suite('pages drawn by the server', { timeout: 120_000 }, () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    buildWebApp();
    [server, browser] = await Promise.all([startServer(), launchChromium()]);
  }, 120_000);
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close();
    await server?.stop();
  });

  it('arrive drawn in the language and size of the view cookie, with the data they were drawn from', async () => {
    const zh = await fetch(`${server.url}/`, { headers: { accept: 'text/html' } });
    expect(zh.headers.get('vary')).toContain('Cookie');
    const zhHtml = await zh.text();
    expect(zhHtml).toContain('<html lang="zh-CN">');
    expect(zhHtml).toContain('class="hero__title"');
    expect(zhHtml).toContain('id="onecity-first-render"');
    expect(zhHtml).not.toMatch(/<script>/); // nothing inline: the CSP allows none

    const en = await fetch(`${server.url}/services/food-business-permit`, {
      headers: { accept: 'text/html', cookie: 'onecity_view=en.1' },
    });
    const enHtml = await en.text();
    expect(enHtml).toContain('<html lang="en" class="elder">');
    expect(enHtml).toContain('Food business permit');

    // Pages that need the visitor (or are not public) go out bare, for the app to draw.
    const me = await (await fetch(`${server.url}/me`, { headers: { accept: 'text/html' } })).text();
    expect(me).toContain('<div id="root"></div>');
  });

  it('work with no JavaScript at all: links and the search form lead to drawn pages', async () => {
    const context = await browser.newContext({ baseURL: server.url, javaScriptEnabled: false, locale: 'zh-CN' });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto('/');
    expect(await page.locator('.hero__title').count()).toBe(1);
    await page.locator('input[name="q"]').fill('开餐馆');
    await page.locator('.search-box button[type="submit"]').click();
    await page.waitForURL(/\/search\?q=/);
    const first = page.locator('.service-card a').first();
    await first.waitFor();
    await first.click();
    await page.waitForURL(/\/services\//);
    expect((await page.locator('h1').first().textContent())?.trim()).toBeTruthy();
  });

  it('are taken over by the app without a hydration error, and then behave as the app', async () => {
    const context = await newContext(browser, server.url, 'phone', { language: 'en' });
    contexts.push(context);
    const page = await context.newPage();
    const errors = pageErrors(page);
    const consoleProblems: string[] = [];
    page.on('console', (message: ConsoleMessage) => {
      if (message.type() === 'error' || message.type() === 'warning') consoleProblems.push(message.text());
    });
    for (const path of ['/', '/search?q=%E5%BC%80%E9%A4%90%E9%A6%86', '/services/food-business-permit']) {
      const response = await page.goto(path);
      expect(await response?.text()).toContain('lang="en"');
      await page.waitForLoadState('networkidle');
    }
    // Taken over: the app's own router answers a click without loading a new document.
    await page.goto('/');
    await page.waitForLoadState('networkidle');
    await page.evaluate(() => {
      (window as unknown as { sameDocument: boolean }).sameDocument = true;
    });
    await page.locator('.tab-bar a[href="/search"]').click();
    await page.waitForURL(/\/search$/);
    await poll(() => page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
    expect(errors).toEqual([]);
    expect(consoleProblems.filter((text) => /hydrat|did not match|mismatch/i.test(text))).toEqual([]);
  });
});
