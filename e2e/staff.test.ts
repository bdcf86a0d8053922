/**
 * The staff workbench in a real browser against the real server: a first sign-in (new
 * password, authenticator set up from the QR code's secret, TOTP code computed with otplib), a
 * citizen's report arriving live in the queue, accepted and resolved with an after-photo, and an
 * application step approved; every main screen checked with axe and for the other language in
 * Chinese and English, at desktop and phone size, with screenshots in e2e/artifacts/.
 */
import { generate } from 'otplib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { citizen, jpeg, reportBlockedFireLane, staffMember, submitApplication } from './staff-support.ts';
import {
  accessibilityProblems,
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
const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 20_000 });

/** The department whose queue and applications the test works in (its categories and services need no uploads). */
const DEPARTMENT = 'fire-rescue';
const SERVICE = 'fire-hazard-report';

suite('staff workbench in Chromium', { timeout: 240_000 }, () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    buildWebApp();
    [server, browser] = await Promise.all([startServer(), launchChromium()]);
  }, 180_000);
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close();
    await server?.stop();
  });

  async function open(size: Size, language: Language) {
    const context = await newContext(browser, server.url, size, { language });
    contexts.push(context);
    const page = await context.newPage();
    const errors = pageErrors(page);
    return { page, errors };
  }

  /** The screen is ready: nothing loading, no error state, the last action's toast gone (it speaks the language it was shown in). */
  async function settled(page: Page) {
    await poll(() => page.locator('.state--loading').count()).toBe(0);
    // antd keeps a toast while the pointer rests on it: the pointer leaves it first.
    await page.mouse.move(1, (page.viewportSize()?.height ?? 600) - 1);
    await poll(() => page.locator('.ant-message-notice').count()).toBe(0);
    expect(await page.locator('.state--error').count()).toBe(0);
  }

  async function checkScreen(page: Page, name: string) {
    await settled(page);
    await screenshot(page, name);
    expect(await accessibilityProblems(page), `${name}: accessibility`).toEqual([]);
    expect(await otherLanguageText(page), `${name}: other language`).toEqual([]);
  }

  /** The map's canvas is there (MapLibre draws the zones a moment later). */
  async function mapDrawn(page: Page) {
    await page.locator('.maplibregl-canvas').first().waitFor();
    await page.waitForTimeout(1500);
  }

  async function switchLanguage(page: Page, to: Language) {
    await page.getByRole('button', { name: to === 'en' ? 'English' : '中文', exact: true }).click();
    await poll(() => page.locator('html').getAttribute('lang')).toBe(to);
  }

  /** Signs in an account with its authenticator already set up. */
  async function signIn(page: Page, username: string, password: string, secret: string, language: Language) {
    const en = language === 'en';
    await page.getByLabel(en ? 'User name' : '用户名').fill(username);
    await page.getByLabel(en ? 'Password' : '密码', { exact: true }).fill(password);
    await page.getByRole('button', { name: en ? 'Continue' : '下一步' }).click();
    await page.getByLabel(en ? '6-digit code' : '6 位验证码').fill(await generate({ secret }));
    await page.getByRole('button', { name: en ? 'Verify and sign in' : '验证并登录' }).click();
  }

  it('shows the sign-in screen in both languages at both sizes', async () => {
    for (const size of ['desktop', 'phone'] as const) {
      const { page, errors } = await open(size, 'zh-CN');
      await page.goto('/staff/applications');
      // Not signed in: to sign-in, remembering where the person was going.
      await page.getByRole('heading', { name: '工作人员登录' }).waitFor();
      expect(new URL(page.url()).pathname).toBe('/staff/sign-in');
      expect(new URL(page.url()).searchParams.get('next')).toBe('/staff/applications');
      await checkScreen(page, `staff-sign-in-${size}-zh-CN`);
      await switchLanguage(page, 'en');
      await page.getByRole('heading', { name: 'Staff sign-in' }).waitFor();
      await checkScreen(page, `staff-sign-in-${size}-en`);
      expect(errors).toEqual([]);
      await page.context().close();
    }
  });

  let desk: Page;
  let deskErrors: string[];
  let workOrderUrl = '';

  it('first sign-in: a new password, the authenticator set up from its QR code, then the queue', async () => {
    const staff = await staffMember(server.app, DEPARTMENT, { firstTime: true });
    ({ page: desk, errors: deskErrors } = await open('desktop', 'zh-CN'));
    await desk.goto('/staff');
    await desk.getByLabel('用户名').fill(staff.username);
    await desk.getByLabel('密码', { exact: true }).fill(staff.password);
    await desk.getByRole('button', { name: '下一步' }).click();

    await desk.getByRole('heading', { name: '首次登录：设置新密码' }).waitFor();
    await desk.getByLabel('新密码', { exact: true }).fill('a new long password 2026');
    await desk.getByLabel('再次输入新密码').fill('a new long password 2026');
    await desk.getByRole('button', { name: '保存新密码' }).click();

    await desk.getByRole('heading', { name: '绑定身份验证器' }).waitFor();
    const secret = (await desk.getByTestId('totp-secret').textContent())?.replace(/\s/g, '') ?? '';
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    expect(await desk.getByRole('img', { name: '身份验证器二维码' }).count()).toBe(1);
    await checkScreen(desk, 'staff-enrol-desktop-zh-CN');
    await desk.getByLabel('6 位验证码').fill(await generate({ secret }));
    await desk.getByRole('button', { name: '验证并登录' }).click();

    await desk.getByRole('heading', { name: '工单队列' }).waitFor();
    expect(new URL(desk.url()).pathname).toBe('/staff');
  });

  it('shows a citizen’s report live in the queue, without reloading', async () => {
    // The stream is open before the report is made.
    await poll(() => desk.locator('.live-indicator[data-connected=true]').count()).toBe(1);
    const reporter = await citizen(server.app, '王芳');
    const trackingNo = await reportBlockedFireLane(server.app, reporter, 1);
    const row = desk.locator('tr', { hasText: trackingNo });
    await row.waitFor({ timeout: 20_000 });
    await poll(() => desk.getByRole('status').filter({ hasText: '有新工单进入队列' }).count()).toBe(1);
    expect(await row.getByText('新', { exact: true }).count()).toBe(1);
    expect(await row.getByText(/受理剩余/).count()).toBe(1);
    await checkScreen(desk, 'staff-queue-desktop-zh-CN');

    await row.getByRole('link', { name: '消防通道堵塞' }).click();
    await desk.getByRole('heading', { name: '消防通道堵塞', level: 1 }).waitFor();
    workOrderUrl = new URL(desk.url()).pathname;
    await desk.getByRole('heading', { name: '办理记录' }).waitFor();
    await mapDrawn(desk);
    await checkScreen(desk, 'staff-work-order-desktop-zh-CN');
  });

  it('accepts the work order, then resolves it with an after-photo', async () => {
    await desk.getByRole('button', { name: '受理', exact: true }).click();
    await poll(() => desk.locator('.pill', { hasText: '已受理' }).count()).toBe(1);
    await desk.getByRole('button', { name: '办结', exact: true }).click();
    const dialog = desk.getByRole('dialog');
    await dialog.getByLabel('处置情况（群众可见）').fill('已联系车主挪车，消防通道已畅通，并加装禁停标识。');
    await dialog.locator('input[type=file]').setInputFiles({
      name: 'after.jpg',
      mimeType: 'image/jpeg',
      buffer: await jpeg(1024, 768, { r: 40, g: 140, b: 80 }),
    });
    await dialog.getByText('已上传').waitFor({ timeout: 20_000 });
    await screenshot(desk, 'staff-resolve-desktop-zh-CN');
    await dialog.getByRole('button', { name: '办结' }).click();
    await poll(() => desk.locator('.pill', { hasText: '已办结' }).count()).toBe(1);
    await poll(() => desk.locator('.wo-photo .pill', { hasText: '处置后' }).count()).toBe(1);
    expect(await desk.getByText('当前状态下您没有可办理的操作。').count()).toBe(1);
  });

  it('shows the queue and the work order in English', async () => {
    await switchLanguage(desk, 'en');
    await desk.getByRole('heading', { name: 'Blocked fire lane', level: 1 }).waitFor();
    await checkScreen(desk, 'staff-work-order-desktop-en');
    await desk.getByRole('link', { name: 'Work orders' }).first().click();
    await desk.getByRole('heading', { name: 'Work-order queue' }).waitFor();
    await desk.getByLabel('Status').click();
    await desk.locator('.ant-select-item-option', { hasText: 'Resolved' }).click();
    await desk.locator('tbody tr').first().waitFor();
    await checkScreen(desk, 'staff-queue-desktop-en');
  });

  it('reviews an application: reads the answers, approves the step (clerk, then supervisor)', async () => {
    const applicant = await citizen(server.app, '王芳');
    const applicationId = await submitApplication(server.app, applicant, SERVICE);
    await desk.getByRole('link', { name: 'Applications' }).first().click();
    await desk.getByRole('heading', { name: 'Applications to review' }).waitFor();
    await desk.getByRole('link', { name: 'Reporting a fire safety violation' }).first().waitFor();
    await checkScreen(desk, 'staff-applications-desktop-en');
    await desk.getByRole('link', { name: 'Reporting a fire safety violation' }).first().click();
    await poll(() => new URL(desk.url()).pathname).toBe(`/staff/applications/${applicationId}`);
    await desk.getByRole('heading', { name: 'Form' }).waitFor();
    await checkScreen(desk, 'staff-application-desktop-en');

    await switchLanguage(desk, 'zh-CN');
    await desk.getByRole('heading', { name: '申请表' }).waitFor();
    await checkScreen(desk, 'staff-application-desktop-zh-CN');
    // The clerk's step, then (the same person is also the supervisor) the decision.
    await desk.getByLabel('给申请人的说明（选填）').fill('材料齐全，予以受理');
    await desk.getByRole('button', { name: '确认通过' }).click();
    await poll(() => desk.locator('.app-steps__item', { hasText: '已通过' }).count()).toBeGreaterThanOrEqual(1);
    await desk.getByRole('button', { name: '确认通过' }).click();
    await poll(() => desk.locator('.pill', { hasText: /^已通过$/ }).count()).toBeGreaterThanOrEqual(2);
    const view = await server.app.inject({ url: `/api/v1/me/applications/${applicationId}`, headers: applicant.read });
    expect(view.json().status).toBe('approved');
    await desk.getByRole('link', { name: '审批' }).first().click();
    await desk.getByRole('heading', { name: '待审批' }).waitFor();
    await desk.locator('.ant-segmented-item', { hasText: '已通过' }).click();
    await desk.locator('tbody tr', { hasText: '消防安全违法行为举报' }).first().waitFor();
    await checkScreen(desk, 'staff-applications-desktop-zh-CN');
    expect(deskErrors).toEqual([]);
  });

  it('works on a phone: sign-in with the authenticator, queue cards, a work order, an application', async () => {
    const staff = await staffMember(server.app, DEPARTMENT);
    const reporter = await citizen(server.app, '赵磊');
    const trackingNo = await reportBlockedFireLane(server.app, reporter, 2);
    const applicant = await citizen(server.app, '钱敏');
    const applicationId = await submitApplication(server.app, applicant, SERVICE);
    const { page, errors } = await open('phone', 'en');
    await page.goto(workOrderUrl);
    await signIn(page, staff.username, staff.password, staff.totpSecret ?? '', 'en');
    // Back where the person was going: the work order (resolved by now).
    await page.getByRole('heading', { name: 'Blocked fire lane', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe(workOrderUrl);
    await checkScreen(page, 'staff-work-order-phone-en');

    await page.getByRole('navigation', { name: 'Workbench tabs' }).getByRole('link', { name: 'Work orders' }).click();
    const card = page.locator('.wo-card', { hasText: trackingNo });
    await card.waitFor();
    await checkScreen(page, 'staff-queue-phone-en');
    await switchLanguage(page, 'zh-CN');
    await page.getByRole('heading', { name: '工单队列' }).waitFor();
    await checkScreen(page, 'staff-queue-phone-zh-CN');
    await card.getByRole('link').click();
    await page.getByRole('button', { name: '受理', exact: true }).waitFor();
    await checkScreen(page, 'staff-work-order-phone-zh-CN');

    await page.getByRole('navigation', { name: '工作台标签栏' }).getByRole('link', { name: '审批' }).click();
    await page.getByRole('heading', { name: '待审批' }).waitFor();
    await page.locator('.wo-card').first().waitFor();
    await checkScreen(page, 'staff-applications-phone-zh-CN');
    await page.goto(`/staff/applications/${applicationId}`);
    await page.getByRole('heading', { name: '申请表' }).waitFor();
    await checkScreen(page, 'staff-application-phone-zh-CN');
    // Ask for more (补正) with a message: the step pauses and the applicant reads why.
    await page.getByText('补正', { exact: true }).click();
    await page.getByLabel('需要补正的材料').click();
    await page.locator('.ant-select-item-option').first().click();
    await page.keyboard.press('Escape');
    await page.getByLabel('补正告知（申请人可见）').fill('请补充现场照片，拍清楚被堵住的安全出口。');
    await page.getByRole('button', { name: '发送补正告知' }).click();
    await poll(() => page.getByText('补正中，暂停计时').count()).toBeGreaterThanOrEqual(1);
    const mine = await server.app.inject({ url: `/api/v1/me/applications/${applicationId}`, headers: applicant.read });
    expect(mine.json().status).toBe('awaiting_applicant');
    await switchLanguage(page, 'en');
    await page.getByRole('heading', { name: 'Form' }).waitFor();
    await checkScreen(page, 'staff-application-phone-en');
    await page.getByRole('navigation', { name: 'Workbench tabs' }).getByRole('link', { name: 'Applications' }).click();
    await page.getByRole('heading', { name: 'Applications to review' }).waitFor();
    await checkScreen(page, 'staff-applications-phone-en');

    // Signing out ends the session: the workbench asks to sign in again.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await poll(() => new URL(page.url()).pathname).toBe('/staff/sign-in');
    expect(errors).toEqual([]);
  });
});
