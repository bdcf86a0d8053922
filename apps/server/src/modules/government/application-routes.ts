/**
 * The applicant's side of applications (mounted under /api/v1): start from a service with a
 * pre-filled form and the held materials attached, save answers, attach uploads, submit,
 * answer a request for more material (补正), withdraw, and follow the timeline.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../../platform/db/schema.ts';
import { AppError } from '../../platform/http/errors.ts';
import { limitOffset, PageInfo, pageQuery } from '../../platform/http/paging.ts';
import { access } from '../../platform/identity/access.ts';
import { citizenOf } from '../../platform/identity/auth.ts';
import { PaymentView, presentPayment } from '../../platform/payments/index.ts';
import { CityParams, cityOf, cityScope } from '../../platform/tenancy/scope.ts';
import {
  type ApplicationRow,
  applicantOf,
  attachUploads,
  createDraft,
  findOwnApplication,
  listOwnApplications,
  materialsOf,
  saveAnswers,
  timelineOf,
} from './applications.ts';
import { findService } from './catalog.ts';
import { payApplicationFee } from './fees.ts';
import { ApplicationView, applicationView } from './present.ts';
import { submitApplication, supplementApplication, withdrawApplication } from './submission.ts';

const code = z
  .string()
  .trim()
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/)
  .max(80);
const IdParams = z.object({ id: z.uuid().describe('Application id') });
const Answers = z
  .record(z.string().max(64), z.unknown())
  .refine((a) => Object.keys(a).length <= 100, 'at most 100 answers')
  .describe('Answers to the service form, by field name');

/** The full view of an application (for its applicant, or staff when `internal`). */
export async function viewOf(db: Kysely<Database>, row: ApplicationRow, internal: boolean): Promise<ApplicationView> {
  const [service, materials, log] = await Promise.all([
    findService(db, row.city_id, row.service_code, row.service_version),
    materialsOf(db, row.id),
    timelineOf(db, row.id, internal),
  ]);
  if (!service) throw new AppError('GOV_SERVICE_NOT_FOUND', { service: row.service_code });
  return applicationView(row, service.spec, materials, log);
}

/** Registers the applicant's application routes. */
export async function applicationRoutes(app: FastifyInstance) {
  cityScope(app);
  const r = app.withTypeProvider<ZodTypeProvider>();
  const db = () => app.platform.db;

  r.post(
    '/cities/:city/services/:code/applications',
    {
      config: { access: access.citizen() },
      schema: {
        tags: ['government'],
        summary:
          'Starts an application (a draft): the form pre-filled from your profile (and the enterprise you act for), ' +
          'the materials the city already holds attached by reference — never uploaded again (免提交). ' +
          '404 GOV_SERVICE_NOT_FOUND; 409 GOV_SERVICE_OFFLINE_ONLY.',
        params: CityParams.extend({ code }),
        response: { 201: ApplicationView },
      },
    },
    async (request, reply) => {
      const principal = citizenOf(request);
      const row = await createDraft(db(), app.platform.pii, {
        cityId: cityOf(request).id,
        serviceCode: request.params.code,
        applicant: applicantOf(principal),
        now: app.platform.clock.now(),
      });
      reply.code(201);
      return viewOf(db(), row, false);
    },
  );
}

/** Registers the applicant's own application routes (not in a city's scope: /me/…). */
export async function myApplicationRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const db = () => app.platform.db;
  const now = () => app.platform.clock.now();
  r.get(
    '/me/applications',
    {
      config: { access: access.citizen() },
      schema: {
        tags: ['government'],
        summary: 'My applications (or those of the enterprise I act for), newest first',
        querystring: z.object(pageQuery(50, 20)),
        response: {
          200: z.object({
            items: z.array(
              z.object({
                id: z.string(),
                trackingNo: z.string().nullable(),
                cityId: z.string(),
                serviceCode: z.string(),
                status: ApplicationView.shape.status,
                bundleApplicationId: z.string().nullable(),
                createdAt: z.iso.datetime(),
                submittedAt: z.iso.datetime().nullable(),
                completedAt: z.iso.datetime().nullable(),
              }),
            ),
            ...PageInfo,
          }),
        },
      },
    },
    async (request) => {
      const { rows, total } = await listOwnApplications(
        db(),
        applicantOf(citizenOf(request)),
        limitOffset(request.query),
      );
      const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());
      return {
        items: rows.map((row) => ({
          id: row.id,
          trackingNo: row.tracking_no,
          cityId: row.city_id,
          serviceCode: row.service_code,
          status: row.status,
          bundleApplicationId: row.bundle_application_id,
          createdAt: new Date(row.created_at).toISOString(),
          submittedAt: iso(row.submitted_at),
          completedAt: iso(row.completed_at),
        })),
        page: request.query.page,
        pageSize: request.query.pageSize,
        total,
      };
    },
  );

  r.get(
    '/me/applications/:id',
    {
      config: { access: access.citizen() },
      schema: {
        tags: ['government'],
        summary: 'One of my applications: answers, materials and what satisfies each, fee, and its timeline',
        params: IdParams,
        response: { 200: ApplicationView },
      },
    },
    async (request) => {
      const row = await findOwnApplication(db(), applicantOf(citizenOf(request)), request.params.id);
      return viewOf(db(), row, false);
    },
  );

  r.put(
    '/me/applications/:id/answers',
    {
      config: { access: access.citizen() },
      schema: {
        tags: ['government'],
        summary:
          'Saves the answers of a draft (or of an application sent back for more material); checked in full only on submission. ' +
          '409 GOV_APPLICATION_NOT_EDITABLE once it is with staff.',
        params: IdParams,
        body: z.object({ answers: Answers }),
        response: { 200: ApplicationView },
      },
    },
    async (request) => {
      const row = await saveAnswers(
        db(),
        applicantOf(citizenOf(request)),
        request.params.id,
        request.body.answers,
        now(),
      );
      return viewOf(db(), row, false);
    },
  );

  r.post(
    '/me/applications/:id/materials',
    {
      config: { access: access.citizen() },
      schema: {
        tags: ['government'],
        summary:
          'Attaches uploads (from POST /cities/{city}/uploads) to a material the city does not hold. ' +
          '400 GOV_MATERIAL_UNKNOWN; 409 GOV_MATERIAL_HELD when the city holds it already.',
        params: IdParams,
        body: z.object({ materialCode: code, uploadIds: z.array(z.uuid()).min(1).max(9) }),
        response: { 200: ApplicationView },
      },
    },
    async (request) => {
      const principal = citizenOf(request);
      const applicant = applicantOf(principal);
      await attachUploads(db(), {
        applicant,
        principal,
        id: request.params.id,
        materialCode: request.body.materialCode,
        uploadIds: request.body.uploadIds,
        now: now(),
      });
      return viewOf(db(), await findOwnApplication(db(), applicant, request.params.id), false);
    },
  );

  r.post(
    '/me/applications/:id/payment',
    {
      config: { access: access.citizen() },
      schema: {
        tags: ['government'],
        summary:
          'Pays the fee of a draft before submitting it: the open payment and where to pay (the development provider moves no money). ' +
          '409 GOV_NOTHING_TO_PAY when the service is free or the fee is paid.',
        params: IdParams,
        response: { 200: PaymentView },
      },
    },
    async (request) => {
      const payment = await payApplicationFee(
        app.platform,
        request,
        applicantOf(citizenOf(request)),
        request.params.id,
      );
      return presentPayment(payment, app.platform.clock.now());
    },
  );

  r.post(
    '/me/applications/:id/submit',
    {
      config: { access: access.citizen() },
      schema: {
        tags: ['government'],
        summary:
          'Submits a draft: the answers are checked against the form and every required material must be there; ' +
          'the application gets its tracking number and goes to the departments. 400 GOV_APPLICATION_INCOMPLETE lists what is missing.',
        params: IdParams,
        response: { 200: ApplicationView },
      },
    },
    async (request) => {
      const row = await submitApplication(app.platform, request, applicantOf(citizenOf(request)), request.params.id);
      return viewOf(db(), row, false);
    },
  );

  r.post(
    '/me/applications/:id/supplement',
    {
      config: { access: access.citizen() },
      schema: {
        tags: ['government'],
        summary:
          'Answers a request for more material (补正): the changed answers and uploads are in place, this sends it back; the clock resumes.',
        params: IdParams,
        body: z.object({ message: z.string().trim().max(1000).optional() }),
        response: { 200: ApplicationView },
      },
    },
    async (request) => {
      const row = await supplementApplication(
        app.platform,
        request,
        applicantOf(citizenOf(request)),
        request.params.id,
        request.body.message ?? null,
      );
      return viewOf(db(), row, false);
    },
  );

  r.post(
    '/me/applications/:id/withdraw',
    {
      config: { access: access.citizen() },
      schema: {
        tags: ['government'],
        summary: 'Withdraws an application before it is decided',
        params: IdParams,
        body: z.object({ reason: z.string().trim().max(500).optional() }).optional(),
        response: { 200: ApplicationView },
      },
    },
    async (request) => {
      const row = await withdrawApplication(
        app.platform,
        request,
        applicantOf(citizenOf(request)),
        request.params.id,
        request.body?.reason ?? null,
      );
      return viewOf(db(), row, false);
    },
  );
}
