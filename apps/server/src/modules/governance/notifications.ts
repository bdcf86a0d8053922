/**
 * Telling citizens what happens to what they reported: an in-app notification for every
 * reporter of a work order (the first and every linked duplicate) at each step they care
 * about, and a message through their SMS or e-mail channel for the steps that need them
 * (accepted, resolved, returned). Messages leave through a durable job, so a failing
 * provider never loses a notification nor blocks the change that caused it.
 */
import type { Kysely, Transaction } from 'kysely';
import { uuidv7 } from 'uuidv7';
import type { Platform } from '../../app.ts';
import type { Locale } from '../../config.ts';
import type { Database } from '../../platform/db/schema.ts';
import { notificationChannelFor } from '../../platform/identity/citizen/notify.ts';
import { statusLabels } from './labels.ts';
import { governanceDb } from './schema.ts';
import type { WorkOrderActionName, WorkOrderState, WorkOrderStatus } from './workflow.ts';

/** Job kind that sends one notification through the citizen's channel. */
export const NOTIFY_JOB = 'governance.notify';

/** Actions reporters hear about in the app (others, such as timers and assignments, are internal). */
const TOLD: ReadonlySet<WorkOrderActionName> = new Set([
  'dispatch',
  'accept',
  'start',
  'resolve',
  'transfer',
  'return_invalid',
  'reopen',
  'close',
  'merge',
]);
/** Of those, the ones that also go out by SMS or e-mail. */
const MESSAGED: ReadonlySet<WorkOrderActionName> = new Set(['accept', 'resolve', 'return_invalid']);

/** Inserts one notification and, when `message`, schedules its delivery. */
export async function notify(
  platform: Platform,
  trx: Transaction<Database>,
  input: {
    cityId: string;
    citizenId: string;
    kind: string;
    reportId: string | null;
    trackingNo: string | null;
    status: WorkOrderStatus | null;
    details?: Record<string, unknown>;
    message: boolean;
  },
): Promise<void> {
  const id = uuidv7();
  await governanceDb(trx)
    .insertInto('notifications')
    .values({
      id,
      city_id: input.cityId,
      citizen_id: input.citizenId,
      kind: input.kind,
      report_id: input.reportId,
      tracking_no: input.trackingNo,
      status: input.status,
      details: JSON.stringify(input.details ?? {}),
      created_at: platform.clock.now(),
    })
    .execute();
  if (input.message) {
    await platform.jobs.schedule(trx, {
      kind: NOTIFY_JOB,
      runAt: platform.clock.now(),
      cityId: input.cityId,
      payload: { notificationId: id },
      dedupeKey: `${NOTIFY_JOB}:${id}`,
    });
  }
}

/** Notifies every reporting citizen of `wo` about `action`, when it is one they are told about. */
export async function notifyReporters(
  platform: Platform,
  trx: Transaction<Database>,
  wo: { id: string; city_id: string },
  _before: WorkOrderState,
  after: WorkOrderState,
  action: WorkOrderActionName,
): Promise<void> {
  if (!TOLD.has(action)) return;
  const reporters = await governanceDb(trx)
    .selectFrom('reports')
    .select(['id', 'tracking_no', 'reporter_citizen_id'])
    .where('work_order_id', '=', wo.id)
    .where('reporter_citizen_id', 'is not', null)
    .execute();
  for (const r of reporters) {
    if (!r.reporter_citizen_id) continue;
    await notify(platform, trx, {
      cityId: wo.city_id,
      citizenId: r.reporter_citizen_id,
      kind: action,
      reportId: r.id,
      trackingNo: r.tracking_no,
      status: after.status,
      message: MESSAGED.has(action),
    });
  }
}

const texts = {
  'zh-CN': {
    subject: '一城通：您上报的事件有新进展',
    body: '您上报的事件 {tracking} 当前状态：{status}。可在一城通“我的上报”中查看详情。',
  },
  en: {
    subject: 'OneCity: news about your report',
    body: 'Your report {tracking} is now: {status}. See "My reports" in OneCity for details.',
  },
} as const;

/** Sends the message of one notification through the citizen's channel (e-mail first, else SMS). */
export async function deliverNotification(
  platform: Platform,
  db: Kysely<Database>,
  notificationId: string,
): Promise<'sent' | 'no_contact' | 'gone'> {
  const row = await governanceDb(db)
    .selectFrom('notifications as n')
    .innerJoin('citizens as c', 'c.id', 'n.citizen_id')
    .select(['n.tracking_no', 'n.status', 'c.email_enc', 'c.phone_enc'])
    .where('n.id', '=', notificationId)
    .executeTakeFirst();
  if (!row) return 'gone';
  const locale: Locale = platform.config.defaultLocale;
  const channel = notificationChannelFor(platform.config, db, platform.pii, platform.clock);
  const status = row.status ? (statusLabels[row.status as WorkOrderStatus]?.[locale] ?? row.status) : '';
  const text = texts[locale];
  const body = text.body.replace('{tracking}', row.tracking_no ?? '').replace('{status}', status);
  if (row.email_enc) {
    await channel.send({
      channel: 'email',
      destination: platform.pii.decrypt(row.email_enc),
      subject: text.subject,
      body,
    });
    return 'sent';
  }
  if (row.phone_enc) {
    await channel.send({
      channel: 'sms',
      destination: platform.pii.decrypt(row.phone_enc),
      subject: text.subject,
      body,
    });
    return 'sent';
  }
  return 'no_contact';
}
