/**
 * Helpers of the operations and administration browser tests: a city with a day's worth of
 * reports (some resolved in time, some late, some past their limits), and staff signed in by
 * putting their session cookie in the browser.
 */
import type { FastifyInstance } from 'fastify';
import type { BrowserContext, Page } from 'playwright-core';
import { submitReport } from '../apps/server/src/modules/governance/index.ts';
import { governanceDb } from '../apps/server/src/modules/governance/schema.ts';
import type { StaffRole } from '../apps/server/src/platform/identity/principal.ts';
import { signedInCitizen, signedInStaff, type TestSignIn } from '../apps/server/src/testing/identity.ts';
import { otherLanguageText } from './support.ts';

/** Categories the seeded reports use, with the answers their required questions need. */
const CATEGORIES: { code: string; attributes?: Record<string, boolean> }[] = [
  { code: 'streetlight-out' },
  { code: 'drain-blocked' },
  { code: 'manhole-cover-missing', attributes: { anyone_hurt: false } },
  { code: 'illegal-parking' },
  { code: 'garbage-piled' },
  { code: 'road-sign-damaged' },
  { code: 'noise-nuisance' },
  { code: 'unlicensed-business' },
  { code: 'branches-obstructing' },
];

/**
 * Files `count` reports across the demo city's grids as a citizen, then resolves some within
 * their limit and some late, and moves the acceptance limit of a few into the past.
 */
export async function seedReports(app: FastifyInstance, count: number): Promise<void> {
  const { db, config, clock } = app.platform;
  const citizen = await signedInCitizen(db, config, clock);
  const grids = await db
    .selectFrom('zones')
    .select(['code', 'center_lat as lat', 'center_lon as lon'])
    .where('city_id', '=', 'lingnan')
    .where('level', '=', 'grid')
    .orderBy('code')
    .execute();
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    // Crowd the first districts' grids so that the heatmap has something to show.
    const grid = grids[(i * 7) % Math.min(grids.length, 40)];
    const category = CATEGORIES[i % CATEGORIES.length];
    if (!grid || !category) break;
    const made = await submitReport(
      app.platform,
      { kind: 'citizen', id: citizen.id, sessionId: 'seed', actingFor: null },
      {
        cityId: 'lingnan',
        categoryCode: category.code,
        description: '路面问题，请尽快处理',
        lat: grid.lat + i * 0.0004,
        lon: grid.lon,
        attributes: category.attributes ?? {},
        channel: 'app',
      },
      { duplicates: config.duplicates },
    );
    ids.push(made.workOrderId);
  }
  const gdb = governanceDb(db);
  const now = clock.now();
  const minutes = (n: number) => new Date(now.getTime() + n * 60_000);
  for (const [i, id] of ids.entries()) {
    if (i % 3 === 1) {
      await gdb
        .updateTable('work_orders')
        .set({
          status: 'resolved',
          accepted_at: minutes(-50),
          resolved_at: minutes(-5),
          resolve_due_at: minutes(i % 2 === 0 ? 60 : i % 5 === 0 ? -30 : 45),
        })
        .where('id', '=', id)
        .execute();
    } else if (i % 5 === 2 || i % 7 === 3) {
      await gdb
        .updateTable('work_orders')
        .set({ accept_due_at: minutes(-90 - i * 7) })
        .where('id', '=', id)
        .execute();
    }
  }
}

/** A staff member of `department` with `roles`, signed in, with a real person's name. */
export async function staffMember(
  app: FastifyInstance,
  roles: StaffRole[],
  person: { username: string; name: string },
  department = 'gov-services-data',
): Promise<TestSignIn> {
  const { db, config, clock } = app.platform;
  const who = await signedInStaff(db, config, clock, { departmentCode: department, roles });
  await db
    .updateTable('staff')
    .set({ username: person.username, display_name: person.name })
    .where('id', '=', who.id)
    .execute();
  return who;
}

/** Puts `who`'s session cookie into the browser context. */
export async function signInBrowser(context: BrowserContext, url: string, who: TestSignIn): Promise<void> {
  const [name, ...rest] = who.cookie.split('=');
  await context.addCookies([{ name: name ?? '', value: rest.join('='), url }]);
}

/**
 * {@link otherLanguageText} without antd's icon names: antd names each icon `<span role="img">`
 * after the icon in English (`aria-label="down"`), inside controls that carry their own
 * translated names (the select's arrow, the pagination's buttons, the dialog's close button).
 */
export async function otherLanguageOutsideIcons(page: Page): Promise<string[]> {
  const found = await otherLanguageText(page);
  return found.filter((line) => !line.startsWith('span[aria-label]: '));
}
