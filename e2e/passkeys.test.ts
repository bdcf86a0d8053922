/**
 * "My passkeys" in a real browser with Chromium's virtual authenticator (a platform
 * authenticator that verifies the user, as a phone's face or fingerprint check does): a citizen
 * signs in with a one-time code, agrees to the biometric notice, adds a passkey, signs out,
 * signs in again with the passkey alone, renames it and removes it — in Chinese and English,
 * free of serious accessibility problems, with screenshots.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  accessibilityProblems,
  buildWebApp,
  chromiumAvailable,
  launchChromium,
  newContext,
  otherLanguageText,
  pageErrors,
  screenshot,
  startServer,
} from './support.ts';

const suite = chromiumAvailable() ? describe : describe.skip;

/** Waits for `read` to satisfy the assertion that follows: pages load at their own pace on a busy machine. */
const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 15_000 });

suite('passkeys in Chromium', { timeout: 150_000 }, () => {
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

  /** The screen is ready (nothing loading, no toast fading) and passes axe and the language check. */
  async function checkScreen(page: Page, name: string) {
    await poll(() => page.locator('.state--loading').count()).toBe(0);
    await page.locator('.adm-toast-mask').waitFor({ state: 'detached' });
    expect(await page.locator('.state--error').count()).toBe(0);
    expect(await accessibilityProblems(page), `${name}: accessibility`).toEqual([]);
    expect(await otherLanguageText(page), `${name}: other language`).toEqual([]);
    await screenshot(page, name);
  }

  async function switchTo(page: Page, language: 'zh-CN' | 'en') {
    await page.evaluate((value) => {
      localStorage.setItem('onecity.settings', JSON.stringify({ language: value, elder: false }));
    }, language);
    await page.reload();
    await poll(() => page.locator('html').getAttribute('lang')).toBe(language);
  }

  it('adds a passkey after consent, signs in with it alone, renames and removes it', async () => {
    context = await newContext(browser, server.url, 'phone');
    const page = await context.newPage();
    const errors = pageErrors(page);
    const cdp = await context.newCDPSession(page);
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

    // Signed out, the screen sends the citizen to sign in and brings them back.
    const phone = '13900139000';
    await page.goto('/me/passkeys');
    await page.waitForURL(/\/sign-in\?next=%2Fme%2Fpasskeys/);
    await page.getByLabel('手机号', { exact: true }).fill(phone);
    await page.getByRole('button', { name: '获取验证码' }).click();
    await page.getByText('开发环境', { exact: true }).waitFor();
    const mailbox = await page.request.get(`/api/v1/dev/mailbox?destination=${phone}`);
    const code = ((await mailbox.json()) as { items: { body: string }[] }).items[0]?.body.match(/\b(\d{6})\b/)?.[1];
    await page.getByRole('textbox', { name: '验证码' }).fill(code ?? '');
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.waitForURL(/\/me\/passkeys$/);
    await page.getByRole('heading', { level: 1, name: '我的通行密钥' }).waitFor();
    await page.getByText('还没有通行密钥').waitFor();
    await checkScreen(page, 'passkeys-empty-zh-CN-phone');

    // Adding one asks for consent to the biometric notice first, and records it.
    await page.getByRole('button', { name: '在本设备上添加通行密钥' }).click();
    await page.getByRole('heading', { name: '刷脸登录（通行密钥）说明' }).waitFor();
    await page.getByRole('button', { name: '同意并添加' }).scrollIntoViewIfNeeded();
    await checkScreen(page, 'passkeys-consent-zh-CN-phone');
    const name = page.getByRole('textbox', { name: '名称' });
    expect(await name.inputValue()).toMatch(/^我的(手机|电脑)$/);
    await page.getByRole('button', { name: '同意并添加' }).click();
    await page.getByText('请先阅读上述说明并勾选同意。').waitFor();
    await name.fill('工作手机');
    await page.getByRole('checkbox', { name: '我已阅读并同意上述说明' }).check();
    await page.getByRole('button', { name: '同意并添加' }).click();
    await page.getByRole('heading', { level: 3, name: '工作手机' }).waitFor();
    await page.getByText('尚未使用').waitFor();
    const consents = (await (await page.request.get('/api/v1/me/consents')).json()) as {
      items: { kind: string; active: boolean }[];
    };
    expect(consents.items.filter((c) => c.kind === 'biometric' && c.active)).toHaveLength(1);
    // The consent stands: a second passkey would not ask again.
    await page.getByRole('button', { name: '在本设备上添加通行密钥' }).waitFor();

    // Signed out, the passkey alone signs the citizen in (no code).
    await page.goto('/me');
    await page.getByRole('link', { name: '我的通行密钥' }).waitFor();
    await page.getByRole('button', { name: '退出登录' }).click();
    await page.getByRole('dialog').getByRole('button', { name: '退出登录' }).click();
    await page.waitForURL(/\/$/);
    await page.goto('/sign-in?next=/me/passkeys');
    await page.getByRole('button', { name: '使用通行密钥登录' }).click();
    await page.waitForURL(/\/me\/passkeys$/);
    await page.getByRole('heading', { level: 3, name: '工作手机' }).waitFor();
    await poll(() => page.getByText('尚未使用').count()).toBe(0);
    await checkScreen(page, 'passkeys-zh-CN-phone');

    // In English: rename it.
    await switchTo(page, 'en');
    await page.getByRole('heading', { level: 1, name: 'My passkeys' }).waitFor();
    await page.getByRole('heading', { level: 3, name: '工作手机' }).waitFor();
    await page.getByRole('button', { name: 'Rename “工作手机”' }).click();
    const newName = page.getByRole('textbox', { name: 'New name' });
    await newName.fill(' ');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Enter a name.').waitFor();
    await newName.fill('Work phone');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('heading', { level: 3, name: 'Work phone' }).waitFor();
    await page.getByRole('button', { name: 'Add a passkey on this device' }).click();
    await page.getByText('You have agreed to the latest notice on face sign-in (passkeys).').waitFor();
    await page.getByRole('button', { name: 'Cancel' }).click();
    await checkScreen(page, 'passkeys-en-phone');

    // Removing asks first; cancelling keeps it.
    await page.getByRole('button', { name: 'Remove “Work phone”' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('Remove “Work phone”?').waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(await page.getByRole('heading', { level: 3, name: 'Work phone' }).count()).toBe(1);
    await page.getByRole('button', { name: 'Remove “Work phone”' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Remove' }).click();
    await page.getByText('No passkeys yet').waitFor();
    await checkScreen(page, 'passkeys-empty-en-phone');
    const left = (await (await page.request.get('/api/v1/me/passkeys')).json()) as { items: unknown[] };
    expect(left.items).toEqual([]);

    // With it gone, the passkey no longer signs anyone in.
    await page.goto('/me');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/$/);
    await page.goto('/sign-in');
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await page.getByRole('alert').waitFor();
    expect(page.url()).toMatch(/\/sign-in$/);
    expect(errors).toEqual([]);
  });
});
