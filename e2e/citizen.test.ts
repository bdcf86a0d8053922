/**
 * The citizen app in a real browser against the real server: every main screen in Chinese and
 * English at phone and desktop size, free of serious accessibility problems and of the other
 * language, with screenshots in e2e/artifacts/ to look at.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  accessibilityProblems,
  appReady,
  buildWebApp,
  chromiumAvailable,
  type Language,
  launchChromium,
  newContext,
  otherLanguageText,
  pageErrors,
  recordScripts,
  type Size,
  screenshot,
  startServer,
} from './support.ts';

const LANGUAGES: Language[] = ['zh-CN', 'en'];
const SIZES: Size[] = ['phone', 'desktop'];
/** The budget for the JavaScript a first visit to the home page loads (gzipped). */
const HOME_JS_BUDGET = 200 * 1024;

const suite = chromiumAvailable() ? describe : describe.skip;

/** Waits for `read` to satisfy the assertion that follows: pages load at their own pace on a busy machine. */
const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 15_000 });

suite('citizen app in Chromium', { timeout: 120_000 }, () => {
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

  async function open(path: string, size: Size, settings: { language?: Language; elder?: boolean } = {}) {
    const context = await newContext(browser, server.url, size, settings);
    contexts.push(context);
    const page = await context.newPage();
    const errors = pageErrors(page);
    await page.goto(path);
    await appReady(page);
    return { page, errors };
  }

  /** The screen is ready: content shown, nothing loading, no error state. */
  async function settled(page: Page) {
    await poll(() => page.locator('.state--loading').count()).toBe(0);
    expect(await page.locator('.state--error').count()).toBe(0);
  }

  async function checkScreen(page: Page, name: string) {
    await settled(page);
    expect(await accessibilityProblems(page), `${name}: accessibility`).toEqual([]);
    expect(await otherLanguageText(page), `${name}: other language`).toEqual([]);
    await screenshot(page, name);
  }

  it('home loads in both languages at both sizes, within the JavaScript budget', async () => {
    for (const language of LANGUAGES) {
      for (const size of SIZES) {
        const context = await newContext(browser, server.url, size, { language });
        contexts.push(context);
        const page = await context.newPage();
        const errors = pageErrors(page);
        const scripts = recordScripts(page);
        await page.goto('/', { waitUntil: 'networkidle' });
        await poll(() => page.locator('html').getAttribute('lang')).toBe(language);
        const heading = language === 'en' ? 'Hello! What do you need to do?' : '您好，想办什么事？';
        await poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe(heading);
        await page.locator('.tile').first().waitFor();
        await page.locator('.service-card').first().waitFor();
        await page.locator('.bundle').first().waitFor();
        expect(await page.locator('.tile').count()).toBeGreaterThanOrEqual(8);
        await checkScreen(page, `home-${language}-${size}`);
        if (language === 'zh-CN' && size === 'phone') {
          const js = await scripts();
          console.info(`home page: ${js.files} scripts, ${(js.gzipBytes / 1024).toFixed(1)} KB gzipped`);
          expect(js.gzipBytes).toBeLessThanOrEqual(HOME_JS_BUDGET);
        }
        expect(errors).toEqual([]);
      }
    }
  });

  it('searching 开餐馆 finds the restaurant services, with facets to narrow them', async () => {
    const { page, errors } = await open('/', 'phone');
    const box = page.getByRole('searchbox');
    await box.fill('开餐馆');
    await box.press('Enter');
    await page.waitForURL(/\/search\?q=/);
    const names = page.locator('.service-card__name');
    await poll(() => names.allTextContents()).toEqual(expect.arrayContaining(['食品经营许可', '个体工商户设立登记']));
    await poll(() => page.getByText(/共找到 \d+ 项服务/).count()).toBe(1);
    await checkScreen(page, 'search-zh-CN-phone');

    const lifeEvent = page.getByRole('group', { name: '人生事件' }).getByRole('button', { name: /开商店/ });
    await lifeEvent.click();
    await page.waitForURL(/lifeEvent=opening-a-shop/);
    await poll(() => lifeEvent.getAttribute('aria-pressed')).toBe('true');
    await settled(page);
    expect(await names.count()).toBeGreaterThan(0);
    expect(errors).toEqual([]);

    for (const [language, size] of [
      ['zh-CN', 'desktop'],
      ['en', 'phone'],
      ['en', 'desktop'],
    ] as const) {
      const words = language === 'en' ? 'open a restaurant' : '开餐馆';
      const other = await open(`/search?q=${encodeURIComponent(words)}`, size, { language });
      const expected = language === 'en' ? 'Food business permit' : '食品经营许可';
      await poll(() => other.page.locator('.service-card__name').allTextContents()).toEqual(
        expect.arrayContaining([expected]),
      );
      await checkScreen(other.page, `search-${language}-${size}`);
      expect(other.errors).toEqual([]);
    }
  });

  it('a service shows its fee, its time limits by law and as promised, visits and the materials the city holds', async () => {
    const { page, errors } = await open('/services/passport-application', 'phone');
    await page.getByRole('heading', { level: 1, name: '普通护照签发' }).waitFor();
    const fact = (label: string) => page.locator('.fact-list__row', { has: page.locator('dt', { hasText: label }) });
    await poll(() => fact('收费标准').locator('dd').textContent()).toContain('¥120.00');
    expect(await fact('法定办结时限').locator('dd').textContent()).toBe('15 个工作日');
    expect(await fact('承诺办结时限').locator('dd').textContent()).toBe('7 个工作日');
    expect(await fact('到现场次数').locator('dd').textContent()).toContain('1 次');
    expect(await page.getByText('登录后，如您已有此证照，将自动关联，无需提交').count()).toBe(2);
    await checkScreen(page, 'service-zh-CN-phone');

    await page.getByRole('button', { name: '登录后申请' }).click();
    await page.waitForURL(/\/sign-in\?next=%2Fservices%2Fpassport-application%2Fapply/);
    expect(errors).toEqual([]);

    for (const [language, size] of [
      ['zh-CN', 'desktop'],
      ['en', 'phone'],
      ['en', 'desktop'],
    ] as const) {
      const other = await open('/services/food-business-permit', size, { language });
      await other.page
        .getByRole('heading', { level: 1 })
        .filter({ hasText: language === 'en' ? 'Food business permit' : '食品经营许可' })
        .waitFor();
      if (language === 'en') {
        const row = other.page.locator('.fact-list__row', {
          has: other.page.locator('dt', { hasText: 'Time limit by law' }),
        });
        expect(await row.locator('dd').textContent()).toBe('10 working days');
        expect(
          await other.page
            .getByText('If you hold this, it is attached by reference once you sign in: no need to hand it in')
            .count(),
        ).toBe(2);
      }
      await checkScreen(other.page, `service-${language}-${size}`);
      expect(other.errors).toEqual([]);
    }

    const missing = await open('/services/no-such-service', 'phone', { language: 'en' });
    await missing.page.getByRole('alert').waitFor();
    expect(await missing.page.getByRole('alert').textContent()).toContain('No government service "no-such-service"');
  });

  it('switches language from the header and remembers it', async () => {
    const { page, errors } = await open('/', 'phone');
    await page.getByRole('heading', { level: 1, name: '您好，想办什么事？' }).waitFor();
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { level: 1, name: 'Hello! What do you need to do?' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await page.locator('.tile').first().waitFor();
    expect(await otherLanguageText(page)).toEqual([]);
    await page.reload();
    // Drawn by the server in the language chosen (the app keeps it in a cookie as well).
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await page.getByRole('heading', { level: 1, name: 'Hello! What do you need to do?' }).waitFor();

    await page.goto('/settings');
    await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();
    await checkScreen(page, 'settings-en-phone');
    await page.getByText('简体中文').click();
    await page.getByRole('heading', { level: 1, name: '设置' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    await checkScreen(page, 'settings-zh-CN-phone');
    expect(errors).toEqual([]);
  });

  it('elder mode enlarges the type and the touch targets', async () => {
    const { page, errors } = await open('/settings', 'phone');
    await page.getByRole('heading', { level: 1, name: '设置' }).waitFor();
    const fontSize = () => page.evaluate(() => Number.parseFloat(getComputedStyle(document.body).fontSize));
    const before = await fontSize();
    const elder = page.getByRole('switch', { name: '长辈模式' });
    expect(await elder.getAttribute('aria-checked')).toBe('false');
    await elder.click();
    await poll(() => page.locator('html').getAttribute('class')).toContain('elder');
    expect(await elder.getAttribute('aria-checked')).toBe('true');
    expect(await fontSize()).toBeGreaterThanOrEqual(before * 1.2);

    await page.getByRole('link', { name: '首页' }).click();
    await page.locator('.tile').first().waitFor();
    const tile = await page.locator('.tile').first().boundingBox();
    expect(tile?.height ?? 0).toBeGreaterThanOrEqual(56);
    const button = await page.getByRole('button', { name: '搜索' }).boundingBox();
    expect(button?.height ?? 0).toBeGreaterThanOrEqual(56);
    await checkScreen(page, 'home-elder-zh-CN-phone');
    await page.reload();
    await page.locator('.tile').first().waitFor();
    expect(await page.locator('html').getAttribute('class')).toContain('elder');
    expect(errors).toEqual([]);
  });

  it('signs in with a one-time code (shown as development only when the server is), and out again', async () => {
    const phone = '13800138000';
    const { page, errors } = await open('/me', 'phone');
    await page.getByRole('button', { name: '登录 / 注册' }).click();
    await page.getByRole('heading', { level: 1, name: '登录' }).waitFor();
    await checkScreen(page, 'sign-in-zh-CN-phone');
    await page.getByLabel('手机号', { exact: true }).fill(phone);
    await page.getByRole('button', { name: '获取验证码' }).click();
    await page.getByText('开发环境', { exact: true }).waitFor();
    const mailbox = await page.request.get(`/api/v1/dev/mailbox?destination=${phone}`);
    const code = ((await mailbox.json()) as { items: { body: string }[] }).items[0]?.body.match(/\b(\d{6})\b/)?.[1];
    expect(code).toMatch(/^\d{6}$/);
    await page.getByRole('textbox', { name: '验证码' }).fill(code ?? '');
    await checkScreen(page, 'sign-in-code-zh-CN-phone');
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.waitForURL(/\/me$/);
    await page.getByText('138****8000').waitFor();
    // The "signed in" toast fades in and out: judge the screen once it has gone.
    await page.locator('.adm-toast-mask').waitFor({ state: 'detached' });
    await checkScreen(page, 'me-zh-CN-phone');

    await page.getByRole('button', { name: '退出登录' }).click();
    await page.getByRole('dialog').getByRole('button', { name: '退出登录' }).click();
    await page.waitForURL(/\/$/);
    await page.goto('/me');
    await page.getByRole('button', { name: '登录 / 注册' }).waitFor();
    expect(errors).toEqual([]);

    const english = await open('/sign-in', 'desktop', { language: 'en' });
    await english.page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    await checkScreen(english.page, 'sign-in-en-desktop');
    await english.page.getByLabel('Mobile number', { exact: true }).fill('12345');
    await english.page.getByRole('button', { name: 'Send code' }).click();
    await english.page.getByText('Enter an 11-digit mainland mobile number.').waitFor();
  });

  it('signs in with a passkey once one is registered, and says so when the device has none', async () => {
    const { page, errors } = await open('/sign-in', 'phone', { language: 'en' });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    });
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page.getByText(/No passkey was used/).waitFor();

    // Register a passkey the way the app's passkey settings will: sign in, consent, create.
    const email = 'passkey.user@example.com';
    await page.request.post('/api/v1/auth/otp', { data: { channel: 'email', destination: email } });
    const mail = (await (await page.request.get(`/api/v1/dev/mailbox?destination=${email}`)).json()) as {
      items: { body: string }[];
    };
    const code = mail.items[0]?.body.match(/\b(\d{6})\b/)?.[1] ?? '';
    const signedIn = await page.request.post('/api/v1/auth/otp/verify', {
      data: { channel: 'email', destination: email, code },
    });
    expect(signedIn.status()).toBe(200);
    const registered = await page.evaluate(
      async (csrf) => {
        const headers = { 'content-type': 'application/json', 'x-csrf-token': csrf };
        const notices = (await (await fetch('/api/v1/privacy/notices')).json()) as {
          items: { kind: string; version: number }[];
        };
        const biometric = notices.items.find((n) => n.kind === 'biometric');
        await fetch('/api/v1/me/consents', {
          method: 'POST',
          headers,
          body: JSON.stringify({ kind: 'biometric', version: biometric?.version }),
        });
        const options = await (
          await fetch('/api/v1/me/passkeys/register/options', { method: 'POST', headers, body: '{}' })
        ).json();
        const credential = (await navigator.credentials.create({
          publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options),
        })) as PublicKeyCredential;
        const answer = await fetch('/api/v1/me/passkeys/register/verify', {
          method: 'POST',
          headers,
          body: JSON.stringify({ name: 'Test phone', credential: credential.toJSON() }),
        });
        await fetch('/api/v1/auth/sign-out', { method: 'POST', headers, body: '{}' });
        return answer.status;
      },
      ((await signedIn.json()) as { csrfToken: string }).csrfToken,
    );
    expect(registered).toBe(201);

    await page.reload();
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page.waitForURL(/\/me$/);
    await page.getByText('p***@example.com').waitFor();
    expect(await page.getByText('1 passkey', { exact: true }).count()).toBe(1);
    expect(errors).toEqual([]);
  });
});
