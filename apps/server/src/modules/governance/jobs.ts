/**
 * The governance module's background work, as durable jobs: time-limit stages, closing
 * resolutions nobody answered, sending notifications, and the daily digest for people who
 * follow an area.
 */
import type { Kysely } from 'kysely';
import { uuidv7 } from 'uuidv7';
import type { Platform } from '../../app.ts';
import type { Database } from '../../platform/db/schema.ts';
import { deliverNotification, NOTIFY_JOB } from './notifications.ts';
import { governanceDb } from './schema.ts';
import { AUTO_CLOSE_JOB, SLA_JOB, type SlaPayload, scheduleStage, stageApplies, stagesOf } from './timers.ts';
import { appendAction, loadWorkOrder, stateOf } from './work-orders.ts';
import { MAX_ESCALATION } from './workflow.ts';

/** Job kind of the daily digest of followed areas. */
export const DIGEST_JOB = 'governance.digest';

/** Registers the module's job handlers on this process's worker. */
export function registerGovernanceJobs(platform: Platform): void {
  const { jobs } = platform;

  jobs.register<SlaPayload>(SLA_JOB, async (job, trx) => {
    const { workOrderId, cityId, epoch, index } = job.payload;
    const wo = await loadWorkOrder(trx, cityId, workOrderId, true);
    if (!wo) return;
    const state = await stateOf(trx, wo.id);
    // A transfer, dispatch or reopen started a new chain: this one ends here.
    if (state.clockEpoch !== epoch) return;
    const stage = stagesOf(wo, state.clockStartedAt)[index];
    if (!stage) return;
    if (stageApplies(stage, state)) {
      const system = { system: true } as const;
      if (stage.kind === 'warn') {
        await appendAction(platform, trx, wo, new Set(['system']), system, { action: 'warn', reason: stage.phase });
      } else {
        const level = stage.kind === 'breach' ? 1 : MAX_ESCALATION;
        await appendAction(platform, trx, wo, new Set(['system']), system, {
          action: 'escalate',
          escalation: level,
          reason: `${stage.phase}_overdue`,
        });
      }
    }
    await scheduleStage(platform, trx, wo, epoch, state.clockStartedAt, index + 1);
  });

  jobs.register<{ workOrderId: string; cityId: string; resolvedSeq: number }>(AUTO_CLOSE_JOB, async (job, trx) => {
    const wo = await loadWorkOrder(trx, job.payload.cityId, job.payload.workOrderId, true);
    if (wo?.status !== 'resolved') return;
    // Reopened and resolved again since: that later resolution has its own job.
    const lastResolve = await governanceDb(trx)
      .selectFrom('work_order_actions')
      .select((eb) => eb.fn.max('seq').as('seq'))
      .where('work_order_id', '=', wo.id)
      .where('action', '=', 'resolve')
      .executeTakeFirst();
    if (lastResolve?.seq !== job.payload.resolvedSeq) return;
    await appendAction(platform, trx, wo, new Set(['system']), { system: true }, { action: 'close' });
  });

  jobs.register<{ notificationId: string }>(NOTIFY_JOB, async (job, trx) => {
    await deliverNotification(platform, trx, job.payload.notificationId);
  });

  jobs.register<{ day: string }>(DIGEST_JOB, async (_job, trx) => {
    await sendDigests(platform, trx);
    await scheduleDigest(platform, trx);
  });
}

/**
 * One in-app digest per follower whose areas had new reports since their last digest: how many,
 * and of which categories (nothing about who reported).
 */
export async function sendDigests(platform: Platform, trx: Kysely<Database>): Promise<number> {
  const gdb = governanceDb(trx);
  const now = platform.clock.now();
  const follows = await gdb
    .selectFrom('area_follows as f')
    .innerJoin('zones as z', 'z.id', 'f.zone_id')
    .select([
      'f.id',
      'f.city_id',
      'f.citizen_id',
      'f.zone_id',
      'f.last_digest_at',
      'f.created_at',
      'z.level',
      'z.code',
      'z.name_zh',
      'z.name_en',
    ])
    .execute();
  let sent = 0;
  for (const f of follows) {
    const since = f.last_digest_at ?? f.created_at;
    const column = f.level === 'district' ? 'w.district_id' : f.level === 'street' ? 'w.street_id' : 'w.grid_id';
    const rows = await gdb
      .selectFrom('reports as r')
      .innerJoin('work_orders as w', 'w.id', 'r.work_order_id')
      .select(['r.category_code', (eb) => eb.fn.countAll<number>().as('n')])
      .where(column, '=', f.zone_id)
      .where('r.created_at', '>', since)
      .where('r.created_at', '<=', now)
      .groupBy('r.category_code')
      .execute();
    const total = rows.reduce((sum, r) => sum + Number(r.n), 0);
    if (total > 0) {
      await gdb
        .insertInto('notifications')
        .values({
          id: uuidv7(),
          city_id: f.city_id,
          citizen_id: f.citizen_id,
          kind: 'digest',
          report_id: null,
          tracking_no: null,
          status: null,
          details: JSON.stringify({
            zoneCode: f.code,
            zoneNameZh: f.name_zh,
            zoneNameEn: f.name_en,
            total,
            byCategory: Object.fromEntries(rows.map((r) => [r.category_code, Number(r.n)])),
          }),
          created_at: now,
        })
        .execute();
      sent += 1;
    }
    await gdb.updateTable('area_follows').set({ last_digest_at: now }).where('id', '=', f.id).execute();
  }
  return sent;
}

/** Schedules the next digest at the next 08:00 UTC+8 (once per day across processes). */
export async function scheduleDigest(platform: Platform, db: Kysely<Database>): Promise<void> {
  const now = platform.clock.now().getTime();
  const day = 86_400_000;
  // 00:00 UTC is 08:00 in China Standard Time.
  const next = Math.floor(now / day) * day + day;
  const key = new Date(next).toISOString().slice(0, 10);
  await platform.jobs.schedule(db, {
    kind: DIGEST_JOB,
    runAt: new Date(next),
    payload: { day: key },
    dedupeKey: `${DIGEST_JOB}:${key}`,
  });
}
