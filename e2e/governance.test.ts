/**
 * Reporting a problem in a real browser against the real server: a citizen signs in with a
 * one-time code, photographs a missing manhole cover (a real JPEG file), agrees to the location
 * notice and uses the device's location, gets a category suggested from the description, and
 * sends it; urban management's staff find it in their workbench's queue, accept it and resolve
 * it with a photo of the repair; the citizen sees it resolved, confirms
 * and rates it, reads the notifications, sees which department looked at their data and why, and
 * manages their consents. Every screen in Chinese and English at phone and desktop size, free of
 * serious accessibility problems and of the other language, with screenshots in e2e/artifacts/.
 */
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'otplib';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { signedInStaff, type TestSignIn } from '../apps/server/src/testing/identity.ts';
import { staffMember } from './staff-support.ts';
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
const poll = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 15_000 });

suite('reporting a problem in Chromium', { timeout: 240_000 }, () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let browser: Browser;
  let clerk: TestSignIn;
  /** The centre of a grid of the demo city (urban management handles manhole covers there). */
  let spot: { latitude: number; longitude: number };
  let photoPath: string;
  /** What the journey leaves for the screens in the other languages and sizes. */
  let journey: { trackingNo: string; cookies: Awaited<ReturnType<BrowserContext['cookies']>> } | undefined;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    buildWebApp();
    [server, browser] = await Promise.all([startServer(), launchChromium()]);
    const { db, config, clock } = server.app.platform;
    const zone = (code: string) =>
      db
        .selectFrom('zones')
        .select(['id', 'center_lat as lat', 'center_lon as lon'])
        .where('city_id', '=', 'lingnan')
        .where('code', '=', code)
        .executeTakeFirstOrThrow();
    const grid = await zone('LN-03-01-02');
    spot = { latitude: grid.lat, longitude: grid.lon };
    clerk = await signedInStaff(db, config, clock, {
      roles: ['clerk', 'supervisor'],
      jurisdiction: [(await zone('LN-03')).id],
    });
    // A real photo file, as a phone's camera would hand it over.
    photoPath = join(tmpdir(), `onecity-manhole-${process.pid}.jpg`);
    await writeFile(
      photoPath,
      await sharp({ create: { width: 960, height: 720, channels: 3, background: { r: 96, g: 104, b: 112 } } })
        .composite([
          {
            input: Buffer.from(
              '<svg width="960" height="720"><ellipse cx="480" cy="400" rx="220" ry="120" fill="#111"/></svg>',
            ),
          },
        ])
        .jpeg({ quality: 80 })
        .toBuffer(),
    );
  }, 120_000);
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close();
    await server?.stop();
  });

  // A failed step leaves a picture of every open page, to see what the browser showed.
  afterEach(async (test) => {
    if (test.task.result?.state !== 'fail') return;
    let n = 0;
    for (const open of contexts) {
      for (const page of open.pages()) await screenshot(page, `governance-failed-${++n}`).catch(() => {});
    }
  });

  async function context(size: Size, language: Language) {
    const created = await newContext(browser, server.url, size, { language });
    contexts.push(created);
    return created;
  }

  /** The screen is ready: content shown, nothing loading, no error state, no toast. */
  async function settled(page: Page) {
    await poll(() => page.locator('.state--loading').count()).toBe(0);
    await poll(() => page.locator('.adm-toast-mask').count()).toBe(0);
    expect(await page.locator('.state--error').count()).toBe(0);
  }

  async function checkScreen(page: Page, name: string) {
    await settled(page);
    expect(await accessibilityProblems(page), `${name}: accessibility`).toEqual([]);
    expect(await otherLanguageText(page), `${name}: other language`).toEqual([]);
    await screenshot(page, name);
  }

  it('a citizen reports a missing manhole cover, staff fix it, the citizen confirms and rates; every screen in both languages', async () => {
    const phone = await context('phone', 'zh-CN');
    await phone.grantPermissions(['geolocation'], { origin: server.url });
    await phone.setGeolocation(spot);
    const page = await phone.newPage();
    const errors = pageErrors(page);

    // Signing in with a one-time code brings the citizen back to the report form.
    await page.goto('/');
    await page.getByRole('link', { name: '我要反映' }).click();
    await page.waitForURL(/\/sign-in\?next=%2Freport/);
    const mobile = '13900139000';
    await page.getByLabel('手机号', { exact: true }).fill(mobile);
    await page.getByRole('button', { name: '获取验证码' }).click();
    await page.getByText('开发环境', { exact: true }).waitFor();
    const mailbox = await page.request.get(`/api/v1/dev/mailbox?destination=${mobile}`);
    const code = ((await mailbox.json()) as { items: { body: string }[] }).items[0]?.body.match(/\b(\d{6})\b/)?.[1];
    await page.getByRole('textbox', { name: '验证码' }).fill(code ?? '');
    await page.getByRole('button', { name: '登录', exact: true }).click();
    await page.waitForURL(/\/report$/);
    await page.getByRole('heading', { level: 1, name: '随手拍' }).waitFor();

    // The photo: chosen as a file, previewed and uploaded.
    await page.getByLabel('拍照').setInputFiles(photoPath);
    await page.getByText('已上传').waitFor();
    expect(await page.getByRole('img', { name: '第 1 张照片' }).count()).toBe(1);

    // The location: asked for clearly first, then taken from the device and pinned on the map.
    await page.getByRole('button', { name: '使用我的位置' }).click();
    await page.getByRole('heading', { name: '位置信息使用说明' }).waitFor();
    await page.getByRole('button', { name: '同意并定位' }).click();
    await page.getByText(`已选位置：北纬 ${spot.latitude.toFixed(5)}`).waitFor();
    await page.locator('.city-map__pin').waitFor();

    // The category comes from the description; its extra question is asked.
    await page.getByLabel(/问题描述/).fill('人行道上的井盖不见了，晚上看不清，很危险');
    await poll(() => page.getByLabel(/问题类别/).inputValue()).toBe('manhole-cover-missing');
    expect(await page.getByRole('button', { name: '井盖缺失', pressed: true }).count()).toBe(1);
    await page
      .getByRole('group', { name: /是否有人受伤/ })
      .getByLabel('否')
      .check();
    await page.getByLabel(/详细地址/).fill('岭南路 12 号对面公交站旁');
    // The picture shows the photo and the pinned map rather than the end of the form.
    await page.evaluate(() => {
      document.querySelector('.gov-photos')?.closest('.card')?.scrollIntoView({ block: 'start' });
      window.scrollBy(0, -72);
    });
    await checkScreen(page, 'report-zh-CN-phone');

    await page.getByRole('button', { name: '提交反映' }).click();
    await page.getByRole('heading', { level: 1, name: '已收到您的反映' }).waitFor();
    const trackingNo = (await page.getByTestId('tracking-no').textContent())?.trim() ?? '';
    expect(trackingNo).toMatch(/^R\d{6}-\d{6}$/);
    await checkScreen(page, 'report-done-zh-CN-phone');

    // Staff of urban management, in their workbench: sign in, find it in the queue, accept it,
    // resolve it with a photo of the repair.
    const crew = await staffMember(server.app, 'urban-management', { roles: ['clerk', 'supervisor'] });
    const office = await context('desktop', 'zh-CN');
    const desk = await office.newPage();
    const deskErrors = pageErrors(desk);
    await desk.goto('/staff');
    await desk.getByLabel('用户名').fill(crew.username);
    await desk.getByLabel('密码', { exact: true }).fill(crew.password);
    await desk.getByRole('button', { name: '下一步' }).click();
    await desk.getByLabel('6 位验证码').fill(await generate({ secret: crew.totpSecret ?? '' }));
    await desk.getByRole('button', { name: '验证并登录' }).click();
    await desk.getByRole('heading', { name: '工单队列' }).waitFor();
    const row = desk.locator('tr', { hasText: trackingNo });
    await row.waitFor({ timeout: 20_000 });
    await row.getByRole('link', { name: '井盖缺失' }).click();
    await desk.getByRole('heading', { name: '井盖缺失', level: 1 }).waitFor();
    await desk.getByRole('button', { name: '受理', exact: true }).click();
    await poll(() => desk.locator('.pill', { hasText: '已受理' }).count()).toBe(1);
    await desk.getByRole('button', { name: '办结', exact: true }).click();
    const resolveDialog = desk.getByRole('dialog');
    await resolveDialog.getByLabel('处置情况（群众可见）').fill('已补装新井盖并设置警示标志');
    await resolveDialog.locator('input[type=file]').setInputFiles({
      name: 'after.jpg',
      mimeType: 'image/jpeg',
      buffer: await sharp({ create: { width: 640, height: 480, channels: 3, background: '#7a8088' } })
        .jpeg()
        .toBuffer(),
    });
    await resolveDialog.getByText('已上传').waitFor({ timeout: 20_000 });
    await resolveDialog.getByRole('button', { name: '办结' }).click();
    await poll(() => desk.locator('.pill', { hasText: '已办结' }).count()).toBe(1);
    expect(deskErrors).toEqual([]);
    await office.close();
    // A department reads the citizen's record, stating why: the citizen sees it under "my data".
    const session = (await (await page.request.get('/api/v1/session')).json()) as { principal: { id: string } };
    const read = await server.app.inject({
      url: `/api/v1/citizens/${session.principal.id}?purpose=${encodeURIComponent('核实您反映的井盖问题')}`,
      headers: clerk.read,
    });
    expect(read.statusCode, read.body).toBe(200);

    // My reports: resolved, waiting for the citizen.
    await page.getByRole('link', { name: '查看进度' }).click();
    await page.waitForURL(new RegExp(`/me/reports/${trackingNo}$`));
    await page.getByText('已办结待确认').first().waitFor();
    await page.getByText('已补装新井盖并设置警示标志').waitFor();
    await poll(() => page.getByRole('img', { name: /处理后照片 1/ }).count()).toBe(1);
    await checkScreen(page, 'report-detail-zh-CN-phone');

    await page.goto('/me/reports');
    await page.getByText(trackingNo).waitFor();
    await checkScreen(page, 'my-reports-zh-CN-phone');
    await page.getByRole('link', { name: new RegExp(trackingNo) }).click();
    await page.getByRole('button', { name: '已解决，确认' }).click();
    await page.getByText('已结案').first().waitFor();
    await page.getByRole('heading', { name: '评价处理结果' }).waitFor();
    await page.locator('label.gov-rating__star').nth(4).click();
    expect(await page.getByRole('radio', { name: '5 星（满分 5 星）' }).isChecked()).toBe(true);
    await page.getByRole('button', { name: '处理及时' }).click();
    await page.getByLabel(/想说的话/).fill('处理很快，谢谢！');
    await page.getByRole('button', { name: '提交评价' }).click();
    await page.getByText('您评价了处理结果').waitFor();
    expect(await page.getByRole('heading', { name: '评价处理结果' }).count()).toBe(0);
    await checkScreen(page, 'report-detail-closed-zh-CN-phone');

    // Notifications: unread ones counted on "me", marked, then read.
    await page.goto('/me');
    const notificationsLink = page.getByRole('link', { name: /消息通知/ });
    await poll(() => notificationsLink.textContent()).toMatch(/\d+ 条未读/);
    await notificationsLink.click();
    await page.getByText(`已收到您的反映 ${trackingNo}`).waitFor();
    await page.getByText(`您的反映 ${trackingNo} 已处理完毕，请确认是否解决`).waitFor();
    expect(await page.locator('.gov-item--unread').count()).toBeGreaterThanOrEqual(3);
    await checkScreen(page, 'notifications-zh-CN-phone');
    await page.getByRole('button', { name: '全部标为已读' }).click();
    await poll(() => page.locator('.gov-item--unread').count()).toBe(0);

    // Who accessed my data: the department, when and why.
    await page.goto('/me/data-access');
    await page.getByText('城市管理和综合执法局工作人员').first().waitFor();
    await page.getByText('核实您反映的井盖问题').waitFor();
    await checkScreen(page, 'data-access-zh-CN-phone');

    // Privacy: the location consent given while reporting, withdrawn and given again; export.
    await page.goto('/me/privacy');
    const location = page.locator('section', { has: page.getByRole('heading', { name: '位置信息使用说明' }) });
    await location.getByText('已同意', { exact: true }).waitFor();
    await checkScreen(page, 'privacy-zh-CN-phone');
    await location.getByRole('button', { name: '撤回同意' }).click();
    await page.getByRole('dialog').getByRole('button', { name: '撤回同意' }).click();
    await location.getByText('已撤回', { exact: true }).waitFor();
    await location.getByRole('button', { name: '同意', exact: true }).click();
    await location.getByText('已同意', { exact: true }).waitFor();
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: '导出我的数据' }).click();
    expect((await download).suggestedFilename()).toMatch(/^onecity-my-data-\d{4}-\d{2}-\d{2}\.json$/);
    expect(errors).toEqual([]);

    journey = { trackingNo, cookies: await phone.cookies() };
  });

  // The same screens at the other sizes and in English, signed in as the same citizen.
  it.each([
    ['zh-CN', 'desktop'],
    ['en', 'phone'],
    ['en', 'desktop'],
  ] as const)('shows the screens in %s at %s size', async (language, size) => {
    if (!journey) throw new Error('the journey above did not finish');
    const { trackingNo, cookies } = journey;
    const other = await context(size, language);
    await other.addCookies(cookies);
    const view = await other.newPage();
    const viewErrors = pageErrors(view);
    const en = language === 'en';
    const at = async (path: string, heading: string, name: string, ready?: string) => {
      await view.goto(path);
      await view.getByRole('heading', { level: 1, name: heading }).waitFor();
      if (ready) await view.getByText(ready).first().waitFor();
      await checkScreen(view, `${name}-${language}-${size}`);
    };
    await at('/report', en ? 'Report a problem' : '随手拍', 'report');
    await at('/me/reports', en ? 'My reports' : '我的反映', 'my-reports', en ? 'Closed' : '已结案');
    await at(
      `/me/reports/${trackingNo}`,
      en ? 'Missing manhole cover' : '井盖缺失',
      'report-detail',
      en ? 'You rated how it was handled' : '您评价了处理结果',
    );
    await at('/me/notifications', en ? 'Notifications' : '消息通知', 'notifications');
    await at(
      '/me/data-access',
      en ? 'Who accessed my data' : '谁查看了我的数据',
      'data-access',
      en ? 'Urban Management and Comprehensive Law Enforcement Bureau' : '城市管理和综合执法局工作人员',
    );
    await at('/me/privacy', en ? 'Privacy and consents' : '隐私与授权', 'privacy');
    expect(viewErrors).toEqual([]);
  });

  it('says in the user’s language what the server refused, and asks for what is missing', async () => {
    const phone = await context('phone', 'en');
    const page = await phone.newPage();
    // Signed in through the API this time: the form itself is what is tested.
    const email = 'refused@example.com';
    await page.request.post('/api/v1/auth/otp', { data: { channel: 'email', destination: email } });
    const mail = (await (await page.request.get(`/api/v1/dev/mailbox?destination=${email}`)).json()) as {
      items: { body: string }[];
    };
    const code = mail.items[0]?.body.match(/\b(\d{6})\b/)?.[1] ?? '';
    expect(
      (
        await page.request.post('/api/v1/auth/otp/verify', { data: { channel: 'email', destination: email, code } })
      ).status(),
    ).toBe(200);
    await page.goto('/report');
    await page.getByRole('heading', { level: 1, name: 'Report a problem' }).waitFor();

    await page.getByRole('button', { name: 'Send report' }).click();
    const problems = page.getByRole('alert').filter({ hasText: 'Please complete the following first' });
    await problems.waitFor();
    expect(await problems.textContent()).toContain('Choose where the problem is');
    expect(await problems.textContent()).toContain('Describe what is wrong');

    // A file that is no image: the server's refusal, in English.
    await page.getByLabel('Take a photo').setInputFiles({
      name: 'notes.jpg',
      mimeType: 'image/jpeg',
      buffer: Buffer.from('this is not a picture'),
    });
    const failed = page.locator('.gov-photo__failed');
    await failed.waitFor();
    expect(await failed.textContent()).toMatch(/[A-Za-z]/);
    expect(await otherLanguageText(page)).toEqual([]);
    await page.getByRole('button', { name: 'Remove photo 1' }).click();
    expect(await failed.count()).toBe(0);

    // A place picked on the map instead of the device's location.
    await page.locator('.city-map__canvas canvas').click();
    await page.getByText(/Place chosen: latitude/).waitFor();
  });
});
