/**
 * What the browser tests share: the real server on a fresh copy of the demo database, Debian's
 * Chromium driven by playwright-core (never a downloaded browser), accessibility checks with
 * axe, a check that no text of the other language leaks into a screen, and screenshots.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import AxeBuilder from '@axe-core/playwright';
import type { FastifyInstance } from 'fastify';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { buildApp } from '../apps/server/src/app.ts';
import { loadTestServices } from '../apps/server/src/config.ts';
import { testConfig } from '../apps/server/src/testing/config.ts';
import { freshPglite } from '../apps/server/src/testing/db.ts';

/** Debian's Chromium (`apt-get install chromium`). */
export const CHROMIUM = '/usr/bin/chromium';

/** Where screenshots go (git-ignored). */
export const ARTIFACTS = join(import.meta.dirname, 'artifacts');

/** The two sizes every main screen is shot at. */
export const SIZES = {
  phone: { width: 390, height: 844 },
  desktop: { width: 1280, height: 800 },
} as const;
/** One of {@link SIZES}. */
export type Size = keyof typeof SIZES;

/** The app's languages. */
export type Language = 'zh-CN' | 'en';

/**
 * Whether the browser tests can run. Without Chromium they are skipped with a message, unless
 * ONECITY_REQUIRE_SERVICES=1, which makes the missing browser a failure.
 */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  const message = `Chromium not found at ${CHROMIUM} (apt-get install chromium fonts-noto-cjk)`;
  if (loadTestServices().requireServices) throw new Error(`ONECITY_REQUIRE_SERVICES=1 but ${message}`);
  console.warn(`browser tests skipped: ${message}`);
  return false;
}

/** Builds the web app if its build is missing or stale (a production build, whatever NODE_ENV the test runner set). */
export function buildWebApp(): void {
  const result = spawnSync(process.execPath, [join(import.meta.dirname, '..', 'apps', 'web', 'scripts', 'build.ts')], {
    env: { ...process.env, NODE_ENV: 'production' },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`building the web app failed:\n${result.stdout}\n${result.stderr}`);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** The real server, listening on a free port of localhost (passkeys need the name localhost), on a fresh demo database. */
export async function startServer(): Promise<{ app: FastifyInstance; url: string; stop(): Promise<void> }> {
  const database = await freshPglite('demo');
  const port = await freePort();
  const url = `http://localhost:${port}`;
  const config = testConfig({ ONECITY_HOST: 'localhost', ONECITY_PORT: String(port), ONECITY_PUBLIC_URL: url });
  const app = await buildApp(config, { database });
  await app.listen({ host: 'localhost', port });
  return {
    app,
    url,
    async stop() {
      await app.close();
      await database.close();
    },
  };
}

/** Chromium, headless, with a fresh profile (Playwright gives every launch its own user-data-dir). */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A fresh browser context (no cookies, no storage) at `size`, with the app's settings stored beforehand. */
export async function newContext(
  browser: Browser,
  baseURL: string,
  size: Size,
  settings: { language?: Language; elder?: boolean } = {},
): Promise<BrowserContext> {
  const context = await browser.newContext({
    baseURL,
    viewport: SIZES[size],
    deviceScaleFactor: 1,
    locale: 'zh-CN',
    hasTouch: size === 'phone',
    isMobile: size === 'phone',
  });
  if (settings.language || settings.elder) {
    // Both places the app keeps them: the device's storage, and the cookie the server draws pages in.
    await context.addCookies([
      { name: 'onecity_view', value: `${settings.language ?? 'zh-CN'}.${settings.elder ? 1 : 0}`, url: baseURL },
    ]);
    const value = JSON.stringify({ language: settings.language ?? 'zh-CN', elder: settings.elder ?? false });
    await context.addInitScript((stored) => {
      if (!localStorage.getItem('onecity.settings')) localStorage.setItem('onecity.settings', stored);
    }, value);
  }
  return context;
}

/**
 * Waits until the app has taken the page over. The public pages arrive drawn by the server and
 * their links work at once, but a button answers only once the app's code has loaded after the page.
 */
export async function appReady(page: Page): Promise<void> {
  await page.locator('html[data-app="ready"]').waitFor({ state: 'attached' });
}

/** Collects the page's uncaught errors, so that a test can assert there were none. */
export function pageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

/** Serious and critical WCAG 2.2 A/AA violations on the page as it is now, one line each. */
export async function accessibilityProblems(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'])
    .analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/**
 * Text of the other language on the screen: Latin words on a Chinese screen (except the
 * platform's name), Chinese characters on an English one. Visible text, labels, placeholders and
 * alternative texts count; an element marked with its own `lang` (the language switch) does not.
 */
export async function otherLanguageText(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const lang = document.documentElement.lang;
    const bad = lang === 'en' ? /[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]+/g : /[A-Za-z]{2,}/g;
    const allowed = new Set(['OneCity']);
    const found: string[] = [];
    const foreign = (element: Element | null) => {
      const marked = element?.closest('[lang]');
      return marked !== null && marked !== undefined && marked.getAttribute('lang') !== lang;
    };
    const check = (text: string, where: string) => {
      for (const word of text.match(bad) ?? []) if (!allowed.has(word)) found.push(`${where}: ${word}`);
    };
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!parent || ['SCRIPT', 'STYLE', 'NOSCRIPT'].includes(parent.tagName) || foreign(parent)) continue;
      check(node.textContent ?? '', parent.tagName.toLowerCase());
    }
    for (const element of document.querySelectorAll('[placeholder], [aria-label], [title], img[alt]')) {
      if (foreign(element)) continue;
      for (const attribute of ['placeholder', 'aria-label', 'title', 'alt']) {
        const value = element.getAttribute(attribute);
        if (value) check(value, `${element.tagName.toLowerCase()}[${attribute}]`);
      }
    }
    check(document.title, 'title');
    return found;
  });
}

/** Writes a screenshot of what the screen shows now to e2e/artifacts/`name`.png. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), animations: 'disabled' });
}

/** Records the JavaScript a page loads, to size it as it would travel gzipped. */
export function recordScripts(page: Page): () => Promise<{ files: number; gzipBytes: number }> {
  const bodies: Promise<Buffer>[] = [];
  page.on('response', (response) => {
    if (response.request().resourceType() === 'script') bodies.push(response.body());
  });
  return async () => {
    const all = await Promise.all(bodies);
    return { files: all.length, gzipBytes: all.reduce((sum, body) => sum + gzipSync(body, { level: 9 }).length, 0) };
  };
}
