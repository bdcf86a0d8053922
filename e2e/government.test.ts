/**
 * Digital government in a real browser against the real server: a signed-in citizen finds a
 * service, applies with a form pre-filled from their profile and the ID card the city holds
 * attached by reference, sees the server's objections at the field, submits; the department
 * approves in its staff workbench (password and authenticator code, then the clerk's and the
 * supervisor's steps); the certificate appears in the wallet with a
 * QR code whose URL opens the public verification page, which says it is valid. A service with a
 * fee is paid through the development provider. Every screen is checked with axe and for the
 * other language, and shot at phone and desktop size in Chinese and English.
 */
import { generate } from 'otplib';
import type { Browser, BrowserContext, Cookie, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { holdIdCard } from '../apps/server/src/modules/government/test-support.ts';
import { createPiiVault } from '../apps/server/src/platform/identity/pii.ts';
import { staffMember } from './staff-support.ts';
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
  type Size,
  screenshot,
  startServer,
} from './support.ts';

const suite = chromiumAvailable() ? describe : describe.skip;

/** Waits for `read` to satisfy the assertion that follows: pages load at their own pace on a busy machine. */
const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 15_000 });

const CITY = '/api/v1/cities/lingnan';
const SERVICE = 'no-criminal-record-certificate';
const PHONE = '13900139000';
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** A valid 18-digit resident ID number for a birth date (YYYYMMDD) and sequence (odd: male). */
function nationalId(birth: string, seq: string): string {
  const body = `440106${birth}${seq}`;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(body[i]) * (ID_WEIGHTS[i] ?? 0);
  return body + ID_CHECK[sum % 11];
}

suite('digital government in Chromium', { timeout: 150_000 }, () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let cookies: Cookie[] = [];
  const idNumber = nationalId('19880412', '123');
  let applicationId = '';
  let credentialId = '';

  beforeAll(async () => {
    buildWebApp();
    [server, browser] = await Promise.all([startServer(), launchChromium()]);
    // The outbox relay carries the payment provider's confirmation to the application.
    await server.app.platform.startBackground();
  }, 150_000);
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close();
    await server?.stop();
  });

  let lastPage: Page | null = null;
  let lastErrors: string[] = [];
  // A failed step leaves what the screen showed, and the page's errors, to look at.
  afterEach(async (context) => {
    if (context.task.result?.state !== 'fail' || !lastPage) return;
    await screenshot(lastPage, `failed-${context.task.name.slice(0, 40).replace(/\W+/g, '-')}`).catch(() => {});
    console.error('page errors:', lastErrors, 'url:', lastPage.url());
  });

  /** A new browser context of the signed-in citizen. */
  async function open(path: string, size: Size, language: Language = 'zh-CN') {
    const context = await newContext(browser, server.url, size, { language });
    contexts.push(context);
    await context.addCookies(cookies);
    const page = await context.newPage();
    const errors = pageErrors(page);
    lastPage = page;
    lastErrors = errors;
    await page.goto(path);
    await appReady(page);
    return { page, errors };
  }

  /** The screen is ready: content shown, nothing loading, no error state, no toast on top. */
  async function settled(page: Page) {
    await poll(() => page.locator('.state--loading').count()).toBe(0);
    expect(await page.locator('.state--error').count()).toBe(0);
    await page.locator('.adm-toast-mask').waitFor({ state: 'detached' });
  }

  async function checkScreen(page: Page, name: string, axe = true) {
    await settled(page);
    if (axe) expect(await accessibilityProblems(page), `${name}: accessibility`).toEqual([]);
    // The citizen's own name is data, not the app's text: it stays as written in either language.
    const foreign = (await otherLanguageText(page)).filter((found) => !/: 张(明|\*)?$/.test(found));
    expect(foreign, `${name}: other language`).toEqual([]);
    await screenshot(page, name);
  }

  /**
   * Staff of the public security bureau decide in their workbench, in the browser: they sign in
   * with their password and authenticator code, open the application from their queue and
   * approve it (the clerk's step, then — the same person is also the supervisor — the decision).
   */
  async function approveAsStaff(id: string) {
    const staff = await staffMember(server.app, 'public-security', { roles: ['clerk', 'supervisor'] });
    const context = await newContext(browser, server.url, 'desktop', { language: 'zh-CN' });
    contexts.push(context);
    const desk = await context.newPage();
    const errors = pageErrors(desk);
    await desk.goto(`/staff/applications/${id}`);
    await desk.getByLabel('用户名').fill(staff.username);
    await desk.getByLabel('密码', { exact: true }).fill(staff.password);
    await desk.getByRole('button', { name: '下一步' }).click();
    await desk.getByLabel('6 位验证码').fill(await generate({ secret: staff.totpSecret ?? '' }));
    await desk.getByRole('button', { name: '验证并登录' }).click();
    await poll(() => new URL(desk.url()).pathname).toBe(`/staff/applications/${id}`);
    await desk.getByRole('heading', { name: '申请表' }).waitFor();
    await desk.getByLabel('给申请人的说明（选填）').fill('材料齐全，予以受理');
    await desk.getByRole('button', { name: '确认通过' }).click();
    await poll(() => desk.locator('.app-steps__item', { hasText: '已通过' }).count()).toBeGreaterThanOrEqual(1);
    await desk.getByRole('button', { name: '确认通过' }).click();
    await poll(async () => {
      const view = await desk.request.get(`${CITY}/applications/${id}`);
      return ((await view.json()) as { status: string }).status;
    }).toBe('approved');
    expect(errors).toEqual([]);
    await context.close();
  }

  it('signs the citizen in with a one-time code; the city holds their ID card', async () => {
    const context = await newContext(browser, server.url, 'phone');
    contexts.push(context);
    const request = context.request;
    expect((await request.post('/api/v1/auth/otp', { data: { channel: 'sms', destination: PHONE } })).status()).toBe(
      202,
    );
    const mail = (await (await request.get(`/api/v1/dev/mailbox?destination=${PHONE}`)).json()) as {
      items: { body: string }[];
    };
    const code = mail.items[0]?.body.match(/\b(\d{6})\b/)?.[1] ?? '';
    const signedIn = await request.post('/api/v1/auth/otp/verify', {
      data: { channel: 'sms', destination: PHONE, code },
    });
    expect(signedIn.status()).toBe(200);
    const citizenId = ((await signedIn.json()) as { citizen: { id: string } }).citizen.id;
    cookies = await context.cookies();
    // What real-name verification would have recorded, and the ID card the police register holds.
    const { db, config } = server.app.platform;
    const vault = createPiiVault(config.secrets);
    await db
      .updateTable('citizens')
      .set({
        name: '张明',
        national_id_enc: vault.encrypt(idNumber),
        national_id_bidx: vault.blindIndex('national_id', idNumber),
        real_name_verified: true,
      })
      .where('id', '=', citizenId)
      .execute();
    await holdIdCard(server.app, citizenId, '张明');
  });

  it('searches, applies with the pre-filled form, is told what is missing at the field, and submits', async () => {
    const { page, errors } = await open('/', 'phone');
    const box = page.getByRole('searchbox');
    await box.fill('无犯罪记录证明');
    await box.press('Enter');
    await page.waitForURL(/\/search\?q=/);
    await page.locator('.service-card__name', { hasText: '无犯罪记录证明开具' }).first().click();
    await page.getByRole('heading', { level: 1, name: '无犯罪记录证明开具' }).waitFor();
    await page.getByRole('button', { name: '在线申请' }).click();
    await page.waitForURL(/\/me\/applications\/[0-9a-f-]+\/edit$/);
    applicationId = page.url().split('/').at(-2) ?? '';

    // Pre-filled from the profile, and said so; the ID card attached by reference.
    await poll(() => page.getByLabel('申请人姓名').inputValue()).toBe('张明');
    expect(await page.getByLabel('公民身份号码').inputValue()).toBe(idNumber);
    expect(await page.getByLabel('联系电话').inputValue()).toBe(PHONE);
    expect(await page.getByText('已根据您的实名信息预填，可修改').count()).toBe(3);
    await page.getByText('城市已有此证照，已自动关联，无需上传').waitFor();
    expect(await page.getByText('免提交').count()).toBe(1);
    await checkScreen(page, 'apply-zh-CN-phone');

    // Submitting without the purpose: the server's objection shows at the field.
    await page.getByRole('button', { name: '提交申请' }).click();
    await page.getByRole('dialog').getByRole('button', { name: '提交申请' }).click();
    const purpose = page.getByRole('group', { name: '用途' });
    await purpose.getByText('请填写“用途”').waitFor();
    expect(await page.getByRole('alert').first().textContent()).toContain('请填写“用途”');

    await purpose.getByText('就业').click();
    await page.getByRole('button', { name: '提交申请' }).click();
    await page.getByRole('dialog').getByRole('button', { name: '提交申请' }).click();
    await page.waitForURL(new RegExp(`/me/applications/${applicationId}\\?sent=1$`));
    await page.getByText(/申请已提交，办件编号 A\d{6}-\d{6}/).waitFor();
    await page.getByText('部门正在办理').waitFor();
    await checkScreen(page, 'application-submitted-zh-CN-phone');
    expect(errors).toEqual([]);
  });

  it('shows the approval in the timeline and the certificate in the wallet, with a QR code that verifies', async () => {
    await approveAsStaff(applicationId);
    const { page, errors } = await open(`/me/applications/${applicationId}`, 'phone');
    await page.getByText('已办结，准予许可').waitFor();
    const timeline = page.locator('.gov-timeline');
    await timeline.getByText('电子证照已发放').waitFor();
    expect(await timeline.getByText('材料齐全，予以受理').count()).toBe(1);
    await checkScreen(page, 'application-zh-CN-phone');

    // Rating it: four stars and a tag.
    await page.locator('.gov-star-input__star', { hasText: '4 星' }).click();
    await page.getByRole('button', { name: '不用重复提交材料' }).click();
    await page.getByRole('button', { name: '提交评价' }).click();
    await page.getByRole('img', { name: '4 星' }).waitFor();

    await page.goto('/me/applications');
    await page.getByRole('heading', { level: 1, name: '我的办件' }).waitFor();
    await page.locator('.gov-list__name', { hasText: '无犯罪记录证明开具' }).waitFor();
    await checkScreen(page, 'applications-zh-CN-phone');

    await page.goto('/me/credentials');
    await page.locator('.gov-cert__name', { hasText: '无犯罪记录证明' }).first().click();
    await page.waitForURL(/\/me\/credentials\/[0-9a-f-]+$/);
    credentialId = page.url().split('/').at(-1) ?? '';
    const qr = page.getByRole('img', { name: /核验二维码/ });
    await qr.waitFor();
    const box = await qr.boundingBox();
    expect(box?.width ?? 0).toBeGreaterThanOrEqual(200);
    await page.getByText('有效', { exact: true }).first().waitFor();
    await checkScreen(page, 'certificate-zh-CN-phone');
    await page.goto('/me/credentials');
    await page.locator('.gov-cert').first().waitFor();
    await checkScreen(page, 'wallet-zh-CN-phone');

    // The QR code's URL is the public verification page: anyone opening it sees "valid".
    await page.goto(`/me/credentials/${credentialId}`);
    const url = await page.getByRole('img', { name: /核验二维码/ }).getAttribute('data-verify-url');
    expect(url).toBe(`${server.url}/verify/${credentialId}`);
    const stranger = await browser.newContext({ locale: 'zh-CN' });
    contexts.push(stranger);
    const verify = await stranger.newPage();
    await verify.goto(url ?? '');
    await verify.locator('[data-outcome="valid"]').waitFor();
    expect(await verify.getByRole('heading', { level: 2 }).first().textContent()).toBe('有效');
    expect(errors).toEqual([]);
  });

  it('pays a fee through the development provider and comes back', async () => {
    const { page, errors } = await open('/services/passport-application/apply', 'phone');
    await page.waitForURL(/\/edit$/);
    await page.getByText('开发环境支付').waitFor();
    await page.getByRole('button', { name: /缴费 ¥120\.00/ }).click();
    await page.waitForURL(/\/dev-pay\//);
    await page.getByRole('button', { name: '模拟支付成功' }).click();
    await page.getByRole('link', { name: '返回 OneCity' }).click();
    await page.waitForURL(/\/me\/applications\/[0-9a-f-]+$/);
    await page.getByText('费用已缴纳。').waitFor({ timeout: 20_000 });
    await page.getByRole('button', { name: '继续填写' }).click();
    await page.waitForURL(/\/edit$/);
    await page.getByText('费用已缴纳。').waitFor();
    expect(await page.getByRole('button', { name: '提交申请' }).isEnabled()).toBe(true);
    expect(errors).toEqual([]);
  });

  const screens = () => [
    { name: 'apply', path: `/services/${SERVICE}/apply`, ready: '.gov-form' },
    { name: 'applications', path: '/me/applications', ready: '.gov-list__item' },
    { name: 'application', path: `/me/applications/${applicationId}`, ready: '.gov-timeline__entry' },
    { name: 'wallet', path: '/me/credentials', ready: '.gov-cert' },
    { name: 'certificate', path: `/me/credentials/${credentialId}`, ready: '.gov-qr svg' },
  ];

  /** Every screen at `size` in `language`; with `axe` false (a layout already checked), only language and screenshots. */
  async function everyScreen(language: Language, size: Size, axe = true) {
    const { page, errors } = await open('/me', size, language);
    await page.locator('.link-list__item').first().waitFor();
    await checkScreen(page, `me-government-${language}-${size}`, axe);
    for (const screen of screens()) {
      await page.goto(screen.path);
      await page.locator(screen.ready).first().waitFor();
      await checkScreen(page, `${screen.name}-${language}-${size}`, axe);
    }
    expect(errors).toEqual([]);
  }

  it('shows every screen in English on a phone', async () => {
    await everyScreen('en', 'phone');
  });

  it('shows every screen in Chinese on a desktop, and a one-go bundle as one form', async () => {
    await everyScreen('zh-CN', 'desktop');
    const { page, errors } = await open('/bundles/open-a-restaurant/apply', 'desktop');
    await page.waitForURL(/\?id=[0-9a-f-]+$/);
    await page.getByRole('heading', { level: 2, name: '填写一次，多个事项共用' }).waitFor();
    expect(await page.locator('.gov-material--held').count()).toBeGreaterThanOrEqual(1);
    await checkScreen(page, 'bundle-zh-CN-desktop');
    expect(errors).toEqual([]);
  });

  it('shows every screen in English on a desktop', async () => {
    await everyScreen('en', 'desktop', false);
  });
});
