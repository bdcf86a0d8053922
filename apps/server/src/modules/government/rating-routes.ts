/**
 * 好差评 routes (mounted under /api/v1): the applicant rates a finished application and sees
 * the outcome of the rectification a low rating opened; departments work through their
 * rectification tasks; anyone reads the statistics per service and per department.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../platform/http/errors.ts';
import { access } from '../../platform/identity/access.ts';
import { citizenOf, staffOfCity } from '../../platform/identity/auth.ts';
import { CityParams, cityOf, cityScope } from '../../platform/tenancy/scope.ts';
import { applicantOf, findOwnApplication } from './applications.ts';
import {
  listRectifications,
  RATING_TAGS,
  type RatingTag,
  rateApplication,
  ratingOf,
  ratingStats,
  resolveRectification,
} from './ratings.ts';

const Tag = z.enum(Object.keys(RATING_TAGS) as [RatingTag, ...RatingTag[]]);

const RatingView = z.object({
  score: z.number().int(),
  tags: z.array(z.string()),
  comment: z.string().nullable(),
  createdAt: z.iso.datetime(),
  rectification: z
    .object({
      status: z.enum(['open', 'done']),
      dueAt: z.iso.datetime(),
      outcome: z.string().nullable(),
      handledAt: z.iso.datetime().nullable(),
    })
    .nullable()
    .describe('The rectification a rating of 2 or less opened, and its outcome'),
});

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

const view = (found: NonNullable<Awaited<ReturnType<typeof ratingOf>>>) => ({
  score: found.rating.score,
  tags: found.rating.tags,
  comment: found.rating.comment,
  createdAt: new Date(found.rating.created_at).toISOString(),
  rectification: found.rectification
    ? {
        status: found.rectification.status,
        dueAt: new Date(found.rectification.due_at).toISOString(),
        outcome: found.rectification.outcome,
        handledAt: iso(found.rectification.handled_at),
      }
    : null,
});

/** Registers the rating routes of a city: rectification tasks and statistics. */
export async function ratingRoutes(app: FastifyInstance) {
  cityScope(app);
  const r = app.withTypeProvider<ZodTypeProvider>();
  const db = () => app.platform.db;

  r.get(
    '/cities/:city/rectifications',
    {
      config: { access: access.staff('supervisor', 'department_admin', 'platform_admin') },
      schema: {
        tags: ['government'],
        summary: 'Rectification tasks of my department (low ratings to put right), soonest due first',
        params: CityParams,
        querystring: z.object({ status: z.enum(['open', 'done', 'all']).default('open') }),
        response: {
          200: z.object({
            items: z.array(
              z.object({
                id: z.string(),
                status: z.enum(['open', 'done']),
                dueAt: z.iso.datetime(),
                applicationId: z.string(),
                trackingNo: z.string().nullable(),
                serviceCode: z.string(),
                score: z.number().int(),
                tags: z.array(z.string()),
                comment: z.string().nullable(),
                outcome: z.string().nullable(),
                handledAt: z.iso.datetime().nullable(),
              }),
            ),
          }),
        },
      },
    },
    async (request) => {
      const staff = staffOfCity(request, cityOf(request).id);
      const rows = await listRectifications(db(), staff, request.query.status);
      return {
        items: rows.map((row) => ({
          id: row.id,
          status: row.status,
          dueAt: new Date(row.due_at).toISOString(),
          applicationId: row.application_id,
          trackingNo: row.tracking_no,
          serviceCode: row.service_code,
          score: row.score,
          tags: row.tags,
          comment: row.comment,
          outcome: row.outcome,
          handledAt: iso(row.handled_at),
        })),
      };
    },
  );

  r.post(
    '/cities/:city/rectifications/:id/resolve',
    {
      config: { access: access.staff('supervisor', 'department_admin', 'platform_admin') },
      schema: {
        tags: ['government'],
        summary:
          'Closes a rectification task with what was done; the applicant sees it. 404 GOV_RECTIFICATION_NOT_FOUND for another department’s task.',
        params: CityParams.extend({ id: z.uuid() }),
        body: z.object({ outcome: z.string().trim().min(2).max(2000) }),
        response: { 200: z.object({ id: z.string(), status: z.enum(['open', 'done']) }) },
      },
    },
    async (request) => {
      const staff = staffOfCity(request, cityOf(request).id);
      const row = await resolveRectification(db(), request, app.platform.clock, {
        staff,
        id: request.params.id,
        outcome: request.body.outcome,
      });
      return { id: row.id, status: row.status };
    },
  );

  r.get(
    '/cities/:city/rating-stats',
    {
      config: { access: access.public() },
      schema: {
        tags: ['government'],
        summary:
          'Rating statistics (好差评) per service or per department: count, average, distribution, top tags, rectifications',
        params: CityParams,
        querystring: z.object({ by: z.enum(['service', 'department']).default('department') }),
        response: {
          200: z.object({
            items: z.array(
              z.object({
                code: z.string(),
                nameZh: z.string(),
                nameEn: z.string(),
                ratings: z.number().int(),
                average: z.number(),
                distribution: z.array(z.number().int()).length(5),
                lowShare: z.number(),
                topTags: z.array(z.object({ tag: z.string(), count: z.number().int() })),
                rectifications: z.number().int(),
                rectifiedOnTime: z.number().int(),
              }),
            ),
          }),
        },
      },
    },
    async (request) => ({ items: await ratingStats(db(), cityOf(request).id, request.query.by) }),
  );
}

/** Registers the applicant's rating routes (/me/…) and the list of rating tags. */
export async function myRatingRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const db = () => app.platform.db;

  r.get(
    '/rating-tags',
    {
      config: { access: access.public() },
      schema: {
        tags: ['government'],
        summary: 'The tags a rating may carry (complaints, then praise), in both languages',
        response: {
          200: z.object({
            items: z.array(
              z.object({ code: z.string(), nameZh: z.string(), nameEn: z.string(), negative: z.boolean() }),
            ),
          }),
        },
      },
    },
    async () => ({
      items: Object.entries(RATING_TAGS).map(([code, t]) => ({
        code,
        nameZh: t.zh,
        nameEn: t.en,
        negative: t.negative,
      })),
    }),
  );

  r.post(
    '/me/applications/:id/rating',
    {
      config: { access: access.citizen() },
      schema: {
        tags: ['government'],
        summary:
          'Rates a finished application 1–5 with tags (好差评); 2 or less opens a rectification task for the department. ' +
          '409 GOV_APPLICATION_NOT_FINISHED or GOV_ALREADY_RATED.',
        params: z.object({ id: z.uuid() }),
        body: z.object({
          score: z.number().int().min(1).max(5),
          tags: z.array(Tag).max(11).default([]),
          comment: z.string().trim().max(500).optional(),
        }),
        response: { 201: RatingView },
      },
    },
    async (request, reply) => {
      const applicant = applicantOf(citizenOf(request));
      await rateApplication(db(), request, app.platform.clock, {
        applicant,
        applicationId: request.params.id,
        score: request.body.score,
        tags: request.body.tags,
        comment: request.body.comment ?? null,
      });
      const found = await ratingOf(db(), request.params.id);
      reply.code(201);
      return view(found as NonNullable<typeof found>);
    },
  );

  r.get(
    '/me/applications/:id/rating',
    {
      config: { access: access.citizen() },
      schema: {
        tags: ['government'],
        summary: 'My rating of an application and the outcome of its rectification. 404 when not rated yet.',
        params: z.object({ id: z.uuid() }),
        response: { 200: RatingView },
      },
    },
    async (request) => {
      await findOwnApplication(db(), applicantOf(citizenOf(request)), request.params.id);
      const found = await ratingOf(db(), request.params.id);
      if (!found) throw new AppError('GOV_NOT_RATED');
      return view(found);
    },
  );
}
