/**
 * 好差评: every finished application can be rated 1–5 with tags. The tags are the complaints
 * Guangdong's own statistics put on top (over the time limit, material not in the guide, asked
 * for what the government holds, more than one trip) and the praise most often given. A rating
 * of 2 or less opens a rectification task for the department, due in a number of working days;
 * the applicant sees its outcome. Statistics are public, per service and per department.
 */
import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { uuidv7 } from 'uuidv7';
import { audit } from '../../platform/audit/index.ts';
import type { Database } from '../../platform/db/schema.ts';
import { recordEvent } from '../../platform/events/outbox.ts';
import { AppError } from '../../platform/http/errors.ts';
import type { StaffPrincipal } from '../../platform/identity/principal.ts';
import { calendarFor } from '../../platform/time/calendar-repository.ts';
import type { Clock } from '../../platform/time/clock.ts';
import { countingStart, dueOf } from '../../platform/workflow/index.ts';
import { type Applicant, appendLog, findOwnApplication } from './applications.ts';
import { governmentDb } from './schema.ts';

/** Rating tags, with their labels: complaints first, then praise. */
export const RATING_TAGS = {
  'over-time-limit': { zh: '超过承诺时限', en: 'Took longer than promised', negative: true },
  'material-not-in-guide': {
    zh: '要求提供办事指南以外的材料',
    en: 'Asked for material not in the guide',
    negative: true,
  },
  'asked-for-held-material': {
    zh: '要求提交政府已有的材料',
    en: 'Asked for material the government already holds',
    negative: true,
  },
  'more-than-one-visit': { zh: '跑了不止一次', en: 'Had to come more than once', negative: true },
  'unclear-guide': { zh: '办事指南不清楚', en: 'The guide was unclear', negative: true },
  'hard-to-use-online': { zh: '网上办理操作复杂', en: 'Hard to do online', negative: true },
  'poor-attitude': { zh: '工作人员态度不好', en: 'Unfriendly staff', negative: true },
  'faster-than-promised': { zh: '比承诺时限更快', en: 'Faster than promised', negative: false },
  'no-visit-needed': { zh: '全程网办，一次都不用跑', en: 'Done online, no visit at all', negative: false },
  'nothing-asked-twice': { zh: '不用重复提交材料', en: 'Nothing asked for twice', negative: false },
  'helpful-staff': { zh: '工作人员热情专业', en: 'Helpful, knowledgeable staff', negative: false },
} as const;

/** One of {@link RATING_TAGS}. */
export type RatingTag = keyof typeof RATING_TAGS;

/** Ratings at or below this open a rectification task. */
export const RECTIFY_AT_OR_BELOW = 2;
/** Working days a department has to put a bad rating right. */
export const RECTIFY_WITHIN_WORKING_DAYS = 5;

const FINISHED = ['approved', 'rejected'] as const;

/** Rates the applicant's finished application; a low score opens a rectification task. */
export async function rateApplication(
  db: Kysely<Database>,
  request: FastifyRequest,
  clock: Clock,
  input: { applicant: Applicant; applicationId: string; score: number; tags: RatingTag[]; comment: string | null },
) {
  const now = clock.now();
  return db.transaction().execute(async (trx) => {
    const g = governmentDb(trx);
    const application = await findOwnApplication(trx, input.applicant, input.applicationId, { forUpdate: true });
    if (!(FINISHED as readonly string[]).includes(application.status)) {
      throw new AppError('GOV_APPLICATION_NOT_FINISHED', { status: application.status });
    }
    const id = uuidv7();
    const inserted = await g
      .insertInto('service_ratings')
      .values({
        id,
        city_id: application.city_id,
        application_id: application.id,
        service_id: application.service_id,
        department_id: application.department_id,
        citizen_id: input.applicant.citizenId,
        score: input.score,
        tags: [...new Set(input.tags)],
        comment: input.comment,
        created_at: now,
      })
      .onConflict((oc) => oc.column('application_id').doNothing())
      .returningAll()
      .executeTakeFirst();
    if (!inserted) throw new AppError('GOV_ALREADY_RATED');
    let rectification: { id: string; dueAt: Date } | null = null;
    if (input.score <= RECTIFY_AT_OR_BELOW) {
      const calendar = await calendarFor(trx, application.city_id);
      if (!calendar) throw new AppError('CITY_NOT_FOUND');
      const { dueAt } = dueOf(calendar, countingStart(calendar, now), RECTIFY_WITHIN_WORKING_DAYS, []);
      const due = dueAt ?? now;
      rectification = { id: uuidv7(), dueAt: due };
      await g
        .insertInto('rectifications')
        .values({
          id: rectification.id,
          city_id: application.city_id,
          rating_id: id,
          application_id: application.id,
          department_id: application.department_id,
          due_at: due,
          status: 'open',
          created_at: now,
        })
        .execute();
    }
    await appendLog(trx, application.id, {
      kind: 'rated',
      visibility: 'applicant',
      actorKind: 'citizen',
      actorId: input.applicant.citizenId,
      body: { score: input.score, tags: inserted.tags, rectificationDueAt: rectification?.dueAt.toISOString() ?? null },
      at: now,
    });
    await recordEvent(
      trx,
      {
        type: 'onecity.government.application.rated',
        subject: application.id,
        cityId: application.city_id,
        data: {
          applicationId: application.id,
          serviceCode: application.service_code,
          departmentId: application.department_id,
          score: input.score,
          tags: inserted.tags,
          rectificationId: rectification?.id ?? null,
        },
      },
      clock,
    );
    await audit(trx, request, {
      action: 'government.application.rated',
      subjectKind: 'application',
      subjectId: application.id,
      cityId: application.city_id,
      details: { score: input.score, rectification: rectification !== null },
    });
    return { rating: inserted, rectification };
  });
}

/** The rating of an application and its rectification, if any. */
export async function ratingOf(db: Kysely<Database>, applicationId: string) {
  const g = governmentDb(db);
  const rating = await g
    .selectFrom('service_ratings')
    .selectAll()
    .where('application_id', '=', applicationId)
    .executeTakeFirst();
  if (!rating) return null;
  const rectification = await g
    .selectFrom('rectifications')
    .selectAll()
    .where('rating_id', '=', rating.id)
    .executeTakeFirst();
  return { rating, rectification: rectification ?? null };
}

/** Open (or all) rectification tasks of the staff member's department, soonest due first. */
export async function listRectifications(db: Kysely<Database>, staff: StaffPrincipal, status: 'open' | 'done' | 'all') {
  const g = governmentDb(db);
  let q = g
    .selectFrom('rectifications as r')
    .innerJoin('service_ratings as s', 's.id', 'r.rating_id')
    .innerJoin('applications as a', 'a.id', 'r.application_id')
    .select([
      'r.id',
      'r.status',
      'r.due_at',
      'r.outcome',
      'r.handled_at',
      'r.created_at',
      'a.id as application_id',
      'a.tracking_no',
      'a.service_code',
      's.score',
      's.tags',
      's.comment',
    ])
    .where('r.city_id', '=', staff.cityId);
  if (!staff.roles.includes('platform_admin')) q = q.where('r.department_id', '=', staff.departmentId);
  if (status !== 'all') q = q.where('r.status', '=', status);
  return q.orderBy('r.due_at').limit(200).execute();
}

/** Closes a rectification task with what the department did; the applicant sees it on their timeline. */
export async function resolveRectification(
  db: Kysely<Database>,
  request: FastifyRequest,
  clock: Clock,
  input: { staff: StaffPrincipal; id: string; outcome: string },
) {
  const now = clock.now();
  return db.transaction().execute(async (trx) => {
    const g = governmentDb(trx);
    const row = await g
      .selectFrom('rectifications')
      .selectAll()
      .where('id', '=', input.id)
      .where('city_id', '=', input.staff.cityId)
      .forUpdate()
      .executeTakeFirst();
    const mine =
      row && (input.staff.roles.includes('platform_admin') || row.department_id === input.staff.departmentId);
    if (!row || !mine) throw new AppError('GOV_RECTIFICATION_NOT_FOUND');
    if (row.status === 'done') throw new AppError('GOV_RECTIFICATION_DONE');
    const updated = await g
      .updateTable('rectifications')
      .set({ status: 'done', outcome: input.outcome, handled_by: input.staff.id, handled_at: now })
      .where('id', '=', row.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await appendLog(trx, row.application_id, {
      kind: 'rectified',
      visibility: 'applicant',
      actorKind: 'staff',
      actorId: input.staff.id,
      departmentId: row.department_id,
      body: { outcome: input.outcome, late: now.getTime() > new Date(row.due_at).getTime() },
      at: now,
    });
    await recordEvent(
      trx,
      {
        type: 'onecity.government.rectification.done',
        subject: row.application_id,
        cityId: row.city_id,
        data: { rectificationId: row.id, applicationId: row.application_id, departmentId: row.department_id },
      },
      clock,
    );
    await audit(trx, request, {
      action: 'government.rectification.done',
      subjectKind: 'rectification',
      subjectId: row.id,
      cityId: row.city_id,
    });
    return updated;
  });
}

/** Rating statistics of the city grouped by service or by department. */
export async function ratingStats(db: Kysely<Database>, cityId: string, by: 'service' | 'department') {
  const g = governmentDb(db);
  const rows = await g
    .selectFrom('service_ratings as r')
    .innerJoin('services as s', 's.id', 'r.service_id')
    .innerJoin('departments as d', 'd.id', 'r.department_id')
    .select([
      's.code as service_code',
      's.name_zh as service_zh',
      's.name_en as service_en',
      'd.code as department_code',
    ])
    .select(['d.name_zh as department_zh', 'd.name_en as department_en', 'r.score', 'r.tags'])
    .where('r.city_id', '=', cityId)
    .execute();
  const rectifications = await g
    .selectFrom('rectifications as r')
    .innerJoin('departments as d', 'd.id', 'r.department_id')
    .innerJoin('applications as a', 'a.id', 'r.application_id')
    .select(['d.code as department_code', 'a.service_code', 'r.status', 'r.due_at', 'r.handled_at'])
    .where('r.city_id', '=', cityId)
    .execute();
  type Group = {
    code: string;
    nameZh: string;
    nameEn: string;
    ratings: number;
    sum: number;
    distribution: [number, number, number, number, number];
    tags: Map<string, number>;
    rectifications: number;
    rectifiedOnTime: number;
  };
  const groups = new Map<string, Group>();
  for (const row of rows) {
    const code = by === 'service' ? row.service_code : row.department_code;
    let group = groups.get(code);
    if (!group) {
      group = {
        code,
        nameZh: by === 'service' ? row.service_zh : row.department_zh,
        nameEn: by === 'service' ? row.service_en : row.department_en,
        ratings: 0,
        sum: 0,
        distribution: [0, 0, 0, 0, 0],
        tags: new Map(),
        rectifications: 0,
        rectifiedOnTime: 0,
      };
      groups.set(code, group);
    }
    group.ratings++;
    group.sum += row.score;
    group.distribution[row.score - 1] = (group.distribution[row.score - 1] ?? 0) + 1;
    for (const tag of row.tags) group.tags.set(tag, (group.tags.get(tag) ?? 0) + 1);
  }
  for (const r of rectifications) {
    const group = groups.get(by === 'service' ? r.service_code : r.department_code);
    if (!group) continue;
    group.rectifications++;
    if (r.status === 'done' && r.handled_at && new Date(r.handled_at) <= new Date(r.due_at)) group.rectifiedOnTime++;
  }
  return [...groups.values()]
    .sort((a, b) => b.ratings - a.ratings || a.code.localeCompare(b.code))
    .map((g) => ({
      code: g.code,
      nameZh: g.nameZh,
      nameEn: g.nameEn,
      ratings: g.ratings,
      average: Math.round((g.sum / g.ratings) * 100) / 100,
      distribution: g.distribution,
      lowShare: Math.round(((g.distribution[0] + g.distribution[1]) / g.ratings) * 1000) / 1000,
      topTags: [...g.tags]
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .slice(0, 5)
        .map(([tag, count]) => ({ tag, count })),
      rectifications: g.rectifications,
      rectifiedOnTime: g.rectifiedOnTime,
    }));
}
