/**
 * One thing, one go (一件事一次办) for the applicant (mounted under /api/v1): start a bundle
 * with its shared form pre-filled and a draft per member service, fill the shared form once,
 * attach each member's uploads, submit once, and follow the members as one result.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { BundleSpec } from '#contracts';
import { audit } from '../../platform/audit/index.ts';
import type { Database } from '../../platform/db/schema.ts';
import { AppError } from '../../platform/http/errors.ts';
import { access } from '../../platform/identity/access.ts';
import { citizenOf, staffOfCity } from '../../platform/identity/auth.ts';
import { CityParams, cityOf, cityScope } from '../../platform/tenancy/scope.ts';
import { viewOf } from './application-routes.ts';
import { applicantOf } from './applications.ts';
import { createBundleDraft, findOwnBundleWithMembers, saveBundleAnswers, submitBundle } from './bundle.ts';
import { ServiceSpecProblems, saveBundle } from './catalog.ts';
import { ApplicationView } from './present.ts';
import { specError } from './spec-errors.ts';

const BundleApplicationView = z.object({
  id: z.string(),
  trackingNo: z.string().nullable(),
  bundleCode: z.string(),
  status: z.enum(['draft', 'in_progress', 'approved', 'rejected', 'withdrawn']),
  answers: z.record(z.string(), z.unknown()).describe('Answers to the shared form'),
  enterpriseId: z.string().nullable(),
  submittedAt: z.iso.datetime().nullable(),
  completedAt: z.iso.datetime().nullable(),
  members: z.array(ApplicationView).describe('One application per member service, in the bundle’s order'),
});

const IdParams = z.object({ id: z.uuid() });

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

async function bundleView(db: Kysely<Database>, found: Awaited<ReturnType<typeof findOwnBundleWithMembers>>) {
  const code = await db
    .withTables<{ service_bundles: { id: string; code: string } }>()
    .selectFrom('service_bundles')
    .select('code')
    .where('id', '=', found.row.bundle_id)
    .executeTakeFirstOrThrow();
  return {
    id: found.row.id,
    trackingNo: found.row.tracking_no,
    bundleCode: code.code,
    status: found.row.status,
    answers: found.row.answers,
    enterpriseId: found.row.enterprise_id,
    submittedAt: iso(found.row.submitted_at),
    completedAt: iso(found.row.completed_at),
    members: await Promise.all(found.members.map((m) => viewOf(db, m, false))),
  };
}

/** Registers the bundle application routes. */
export async function bundleApplicationRoutes(app: FastifyInstance) {
  cityScope(app);
  const r = app.withTypeProvider<ZodTypeProvider>();
  const db = () => app.platform.db;

  r.put(
    '/cities/:city/bundles/:code',
    {
      config: { access: access.staff('platform_admin') },
      schema: {
        tags: ['government'],
        summary:
          'Creates or changes a one-go bundle: a new version when the content differs; bundle applications keep the version they were made under. ' +
          '400 GOV_SERVICE_SPEC_INVALID lists every problem (unknown member services, an invalid shared form).',
        params: CityParams.extend({
          code: z
            .string()
            .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/)
            .max(80),
        }),
        body: z.object({ spec: BundleSpec, note: z.string().trim().min(1).max(500) }),
        response: {
          200: z.object({
            code: z.string(),
            version: z.number().int(),
            outcome: z.enum(['created', 'changed', 'unchanged']),
          }),
        },
      },
    },
    async (request) => {
      const city = cityOf(request);
      const staff = staffOfCity(request, city.id);
      const { spec, note } = request.body;
      if (spec.code !== request.params.code) {
        throw new AppError('GOV_SERVICE_CODE_MISMATCH', { path: request.params.code, body: spec.code });
      }
      try {
        const saved = await db()
          .transaction()
          .execute(async (trx) => {
            const result = await saveBundle(trx, city.id, spec, {
              note,
              createdBy: staff.id,
              now: app.platform.clock.now(),
            });
            if (result.outcome !== 'unchanged') {
              await audit(trx, request, {
                action: result.outcome === 'created' ? 'government.bundle.created' : 'government.bundle.changed',
                subjectKind: 'bundle',
                subjectId: result.id,
                cityId: city.id,
                details: { code: spec.code, version: result.version, note },
              });
            }
            return result;
          });
        return { code: spec.code, version: saved.version, outcome: saved.outcome };
      } catch (error) {
        if (error instanceof ServiceSpecProblems) throw specError(request, error.problems);
        throw error;
      }
    },
  );

  r.post(
    '/cities/:city/bundles/:code/applications',
    {
      config: { access: access.citizen() },
      schema: {
        tags: ['government'],
        summary:
          'Starts a one-go bundle application: the shared form pre-filled, a draft per member service with the held materials attached. 404 GOV_BUNDLE_NOT_FOUND.',
        params: CityParams.extend({
          code: z
            .string()
            .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/)
            .max(80),
        }),
        response: { 201: BundleApplicationView },
      },
    },
    async (request, reply) => {
      const applicant = applicantOf(citizenOf(request));
      const row = await createBundleDraft(db(), app.platform.pii, {
        cityId: cityOf(request).id,
        bundleCode: request.params.code,
        applicant,
        now: app.platform.clock.now(),
      });
      reply.code(201);
      return bundleView(db(), await findOwnBundleWithMembers(db(), applicant, row.id));
    },
  );
}

/** Registers the applicant's own bundle application routes (/me/…). */
export async function myBundleApplicationRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const db = () => app.platform.db;
  r.get(
    '/me/bundle-applications/:id',
    {
      config: { access: access.citizen() },
      schema: {
        tags: ['government'],
        summary: 'One of my bundle applications with its member applications',
        params: IdParams,
        response: { 200: BundleApplicationView },
      },
    },
    async (request) =>
      bundleView(db(), await findOwnBundleWithMembers(db(), applicantOf(citizenOf(request)), request.params.id)),
  );

  r.put(
    '/me/bundle-applications/:id/answers',
    {
      config: { access: access.citizen() },
      schema: {
        tags: ['government'],
        summary: 'Saves the shared form of a draft bundle; its values go to the member forms they map to',
        params: IdParams,
        body: z.object({ answers: z.record(z.string().max(64), z.unknown()) }),
        response: { 200: BundleApplicationView },
      },
    },
    async (request) => {
      const applicant = applicantOf(citizenOf(request));
      await saveBundleAnswers(db(), applicant, request.params.id, request.body.answers, app.platform.clock.now());
      return bundleView(db(), await findOwnBundleWithMembers(db(), applicant, request.params.id));
    },
  );

  r.post(
    '/me/bundle-applications/:id/submit',
    {
      config: { access: access.citizen() },
      schema: {
        tags: ['government'],
        summary:
          'Submits the bundle once: members with everything start now, members needing an earlier member’s certificate start when it is issued. ' +
          '400 GOV_APPLICATION_INCOMPLETE lists what is missing per member.',
        params: IdParams,
        response: { 200: BundleApplicationView },
      },
    },
    async (request) => {
      const applicant = applicantOf(citizenOf(request));
      await submitBundle(app.platform, request, applicant, request.params.id);
      return bundleView(db(), await findOwnBundleWithMembers(db(), applicant, request.params.id));
    },
  );
}
