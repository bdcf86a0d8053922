/**
 * The operations centre's screen and administration in a real browser against the real
 * server: an operations viewer watches the city's figures, and a report filed through the API
 * shows up live; a platform administrator lists staff, creates an account (its initial
 * password shown once) and reads the dispatch rules. Both languages, phone and desktop
 * (1440×900), free of serious accessibility problems and of the other language, with
 * screenshots in e2e/artifacts/.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInCitizen, type TestSignIn } from '../apps/server/src/testing/identity.ts';
import { otherLanguageOutsideIcons, seedReports, signInBrowser, staffMember } from './ops-admin-support.ts';
import {
  accessibilityProblems,
  buildWebApp,
  chromiumAvailable,
  type Language,
  launchChromium,
  newContext,
  pageErrors,
  type Size,
  screenshot,
  startServer,
} from './support.ts';

const suite = chromiumAvailable() ? describe : describe.skip;

/** Waits for `read` to satisfy the assertion that follows: pages load at their own pace on a busy machine. */
const poll = <T>(read: () => T | Promise<T>, timeout = 20_000) => expect.poll(read, { timeout });

suite('operations centre and administration in Chromium', { timeout: 240_000 }, () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  let browser: Browser;
  let viewer: TestSignIn;
  let admin: TestSignIn;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    buildWebApp();
    [server, browser] = await Promise.all([startServer(), launchChromium()]);
    await seedReports(server.app, 30);
    viewer = await staffMember(server.app, ['operations_viewer'], { username: 'zhou.min', name: '周敏' });
    admin = await staffMember(server.app, ['platform_admin'], { username: 'li.qiang', name: '李强' });
    await staffMember(server.app, ['clerk', 'supervisor'], { username: 'wang.fang', name: '王芳' }, 'water');
    await staffMember(server.app, ['field_crew'], { username: 'zhao.lei', name: '赵磊' }, 'urban-management');
  }, 150_000);
  afterAll(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close();
    await server?.stop();
  });

  async function open(path: string, size: Size, language: Language, who: TestSignIn | null) {
    const context = await newContext(browser, server.url, size, { language });
    contexts.push(context);
    if (who) await signInBrowser(context, server.url, who);
    const page = await context.newPage();
    if (size === 'desktop') await page.setViewportSize({ width: 1440, height: 900 });
    const errors = pageErrors(page);
    await page.goto(path);
    return { page, errors };
  }

  /** The screen is checked: no serious accessibility problem, nothing in the other language. */
  async function checkScreen(page: Page, name: string) {
    expect(await accessibilityProblems(page), name).toEqual([]);
    expect(await otherLanguageOutsideIcons(page), name).toEqual([]);
    await screenshot(page, name);
  }

  const figure = async (page: Page, key: string) =>
    Number(
      ((await page.locator(`[data-testid="kpi-${key}"] .ant-statistic-content`).textContent()) ?? '').replace(
        /\D/g,
        '',
      ),
    );

  it('shows the city’s figures to an operations viewer, and a new report live', async () => {
    const { page, errors } = await open('/ops', 'desktop', 'zh-CN', viewer);
    await page.getByRole('heading', { level: 1, name: '城市运行指挥中心' }).waitFor();
    await page.locator('[data-testid="kpi-opened"]').waitFor();
    const before = await figure(page, 'opened');
    expect(before).toBeGreaterThanOrEqual(20);
    expect(await figure(page, 'overdue')).toBeGreaterThan(0);
    await expect(page.getByTestId('ops-updated').textContent()).resolves.toMatch(/^更新于 \d{2}:\d{2}:\d{2}$/);
    // The chart, the map and the alarms are in.
    await page.locator('#ops-sla-title').waitFor();
    await page.locator('.ops-map .maplibregl-canvas').waitFor({ timeout: 60_000 });
    await poll(() => page.locator('.ops-alarm').count()).toBeGreaterThan(0);

    // A citizen reports a problem through the API: the screen counts it without a reload.
    const { db, config, clock } = server.app.platform;
    const citizen = await signedInCitizen(db, config, clock);
    const filed = await fetch(`${server.url}/api/v1/cities/lingnan/reports`, {
      method: 'POST',
      headers: { ...citizen.write, 'content-type': 'application/json' },
      body: JSON.stringify({ categoryCode: 'streetlight-out', description: '路灯整晚不亮', lat: 23.1, lon: 113.33 }),
    });
    expect(filed.status, await filed.clone().text()).toBe(201);
    await poll(() => figure(page, 'opened')).toBe(before + 1);
    // The zones are drawn a moment after the map's canvas appears.
    await page.waitForTimeout(1_500);
    await checkScreen(page, 'ops-desktop-zh-CN');
    expect(errors).toEqual([]);
  });

  it('reads well in English and on a phone', async () => {
    for (const [size, language] of [
      ['desktop', 'en'],
      ['phone', 'zh-CN'],
      ['phone', 'en'],
    ] as const) {
      const { page, errors } = await open('/ops', size, language, viewer);
      await page.locator('[data-testid="kpi-opened"]').waitFor();
      await poll(() => page.locator('.ops-alarm').count()).toBeGreaterThan(0);
      await page.locator('.ops-map .maplibregl-canvas').waitFor({ timeout: 60_000 });
      await page.waitForTimeout(1_500);
      await checkScreen(page, `ops-${size}-${language}`);
      expect(errors).toEqual([]);
    }
  });

  it('sends someone not signed in as staff to the staff sign-in, and back afterwards', async () => {
    const { page } = await open('/admin/staff', 'phone', 'zh-CN', null);
    const link = page.getByRole('link', { name: '工作人员登录' });
    await link.waitFor();
    expect(await link.getAttribute('href')).toBe('/staff/sign-in?next=%2Fadmin%2Fstaff');
    await checkScreen(page, 'admin-signed-out-phone-zh-CN');
    const viewerPage = await open('/admin', 'desktop', 'en', viewer);
    await viewerPage.page.getByRole('heading', { name: 'No access' }).waitFor();
  });

  it('lets a platform administrator list staff, create an account and read the dispatch rules', async () => {
    const { page, errors } = await open('/admin', 'desktop', 'zh-CN', admin);
    await page.getByRole('heading', { level: 1, name: '人员账号' }).waitFor();
    await poll(() => page.locator('.ant-table-row').count()).toBeGreaterThan(1);
    await checkScreen(page, 'admin-staff-desktop-zh-CN');

    await page.getByRole('button', { name: '新建账号' }).click();
    const dialog = page.getByRole('dialog', { name: '新建工作人员账号' });
    await dialog.waitFor();
    await dialog.getByLabel('用户名').fill('chen.jing');
    await dialog.getByLabel('姓名').fill('陈静');
    await dialog.getByRole('checkbox', { name: '审核负责人' }).check();
    // Checked before the department's list opens: antd keeps a hidden copy of its options, by code.
    await checkScreen(page, 'admin-staff-create-desktop-zh-CN');
    const department = dialog.getByRole('combobox', { name: '部门' });
    await department.fill('水务');
    await page.locator('.ant-select-dropdown .ant-select-item-option', { hasText: '水务局' }).first().click();
    await dialog.getByRole('button', { name: /^创\s*建$/ }).click();
    const created = page.getByRole('dialog', { name: '账号已创建' });
    await created.waitFor();
    const password = await created.getByTestId('initial-password').textContent();
    expect((password ?? '').trim().length).toBeGreaterThanOrEqual(12);
    await created.getByRole('button', { name: '我已记下' }).click();
    await page.getByRole('searchbox').fill('chen.jing');
    await page.getByRole('searchbox').press('Enter');
    await poll(() => page.locator('.ant-table-row').count()).toBe(1);
    await expect(page.locator('.ant-table-row').textContent()).resolves.toContain('陈静');

    await page.getByRole('link', { name: '分类与派遣规则' }).click();
    await page.getByRole('heading', { level: 1, name: '分类与派遣规则' }).waitFor();
    await poll(() => page.locator('.ant-table-row').count()).toBeGreaterThan(0);
    await checkScreen(page, 'admin-dispatch-desktop-zh-CN');
    expect(errors).toEqual([]);
  });

  it('shows administration in English and on a phone', async () => {
    for (const [path, size, language, heading] of [
      ['/admin/dispatch', 'desktop', 'en', 'Categories and dispatch rules'],
      ['/admin/services', 'phone', 'en', 'Government services'],
      ['/admin/staff', 'phone', 'zh-CN', '人员账号'],
    ] as const) {
      const { page, errors } = await open(path, size, language, admin);
      await page.getByRole('heading', { level: 1, name: heading }).waitFor();
      await poll(() => page.locator('.ant-table-row').count()).toBeGreaterThan(0);
      await checkScreen(page, `admin-${path.split('/')[2]}-${size}-${language}`);
      expect(errors).toEqual([]);
    }
  });
});
