/**
 * The service catalog's routes (mounted under /api/v1): anyone can browse services by
 * department, theme, life event and audience and read what a service needs, costs and takes;
 * platform administrators (and department administrators, for their own department's
 * services) change a service, which makes a new version.
 */

import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  BundleSpec,
  CatalogGroup,
  ServiceDetail,
  ServiceSpec,
  type ServiceSpec as ServiceSpecType,
  ServiceSummary,
  ServiceVersionInfo,
} from '#contracts';
import { audit } from '../../platform/audit/index.ts';
import { AppError } from '../../platform/http/errors.ts';
import { limitOffset, PageInfo, pageQuery } from '../../platform/http/paging.ts';
import { requestLocale } from '../../platform/http/problem.ts';
import { access } from '../../platform/identity/access.ts';
import { staffOfCity } from '../../platform/identity/auth.ts';
import type { SearchResult } from '../../platform/search/index.ts';
import { CityParams, cityOf, cityScope } from '../../platform/tenancy/scope.ts';
import {
  findBundle,
  findService,
  listBundles,
  listLifeEvents,
  listServices,
  listServiceVersions,
  listThemes,
  type ServiceFilter,
  ServiceSpecProblems,
  saveService,
} from './catalog.ts';
import { searchServices, serviceSummary } from './search.ts';
import { specError } from './spec-errors.ts';

const code = z
  .string()
  .trim()
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/)
  .max(80);

const ServiceParams = CityParams.extend({ code: code.describe('Service code, e.g. `business-licence-individual`') });
const BundleParams = CityParams.extend({ code: code.describe('Bundle code, e.g. `open-a-restaurant`') });

const ServiceListQuery = z.object({
  department: code.optional().describe('Only services of this department'),
  theme: code.optional().describe('Only services of this theme'),
  lifeEvent: code.optional().describe('Only services of this life event'),
  audience: z
    .enum(['citizen', 'enterprise'])
    .optional()
    .describe('Services for citizens or for enterprises (both included)'),
  zeroVisit: z.enum(['true', 'false']).optional().describe('`true`: only services needing no visit to a counter'),
  ...pageQuery(100, 20),
});

const facetList = z
  .string()
  .trim()
  .regex(/^[a-z0-9-]+(,[a-z0-9-]+){0,9}$/, 'codes separated by commas')
  .max(400)
  .optional();

const SearchQuery = z.object({
  q: z.string().max(200).optional().describe('What to look for, e.g. 开餐馆, 身份证丢了, passport'),
  department: facetList.describe('Department codes, comma-separated'),
  theme: facetList.describe('Theme codes, comma-separated'),
  lifeEvent: facetList.describe('Life event codes, comma-separated'),
  audience: z.enum(['citizen', 'enterprise']).optional(),
  zeroVisit: z.enum(['true', 'false']).optional(),
  ...pageQuery(50, 10),
});

/** `GET /cities/{city}/services/search`: services found, in rank order, with facet counts. */
export const ServiceSearchResponse = z.object({
  items: z.array(ServiceSummary.extend({ matched: z.array(z.string()), inTitle: z.boolean() })),
  facets: z.record(z.string(), z.array(z.object({ value: z.string(), count: z.number().int() }))),
  corrected: z.string().nullable().describe('The query as searched when words of it were corrected (did you mean)'),
  ignored: z.array(z.string()).describe('Words no service has and nothing close to'),
  partial: z.boolean().describe('No service has every word: these have most of them'),
  ...PageInfo,
});
/** The search route's answer. */
export type ServiceSearchResponse = z.infer<typeof ServiceSearchResponse>;

const VersionQuery = z.object({
  version: z
    .string()
    .regex(/^\d{1,6}$/)
    .transform(Number)
    .optional()
    .meta({ type: 'integer', minimum: 1 })
    .describe('A past version (default: the one in force)'),
});

const SaveBody = z.object({
  spec: ServiceSpec,
  note: z.string().trim().min(1).max(500).describe('What changed and why (kept with the version)'),
});

/** Registers the catalog routes. */
export async function catalogRoutes(app: FastifyInstance) {
  cityScope(app);
  const r = app.withTypeProvider<ZodTypeProvider>();
  const db = () => app.platform.db;

  r.get(
    '/cities/:city/services',
    {
      config: { access: access.public() },
      schema: {
        tags: ['government'],
        summary: 'Government services of the city, by department, theme, life event, audience and visits needed',
        params: CityParams,
        querystring: ServiceListQuery,
        response: { 200: z.object({ items: z.array(ServiceSummary), ...PageInfo }) },
      },
    },
    async (request) => {
      const q = request.query;
      const filter: ServiceFilter = {
        ...(q.department ? { department: q.department } : {}),
        ...(q.theme ? { theme: q.theme } : {}),
        ...(q.lifeEvent ? { lifeEvent: q.lifeEvent } : {}),
        ...(q.audience ? { audience: q.audience } : {}),
        ...(q.zeroVisit ? { zeroVisit: q.zeroVisit === 'true' } : {}),
      };
      const { rows, total } = await listServices(db(), cityOf(request).id, filter, limitOffset(q));
      return { items: rows.map(serviceSummary), page: q.page, pageSize: q.pageSize, total };
    },
  );

  /**
   * The search's answer as the route sends it, serialised once per answer: the search shares its
   * answers (frozen) while they hold, and a repeated request costs neither a query nor a
   * serialisation. Entries go when the search drops the answer.
   */
  const searchBodies = new WeakMap<SearchResult, Buffer>();
  r.get(
    '/cities/:city/services/search',
    {
      config: { access: access.public() },
      schema: {
        tags: ['government'],
        summary:
          'Searches the catalog in Chinese (segmented) or English, typo-tolerant, with synonyms (身份证 / 居民身份证) and facet counts ' +
          '(department, theme, lifeEvent, audience, visits); an empty query lists by relevance to the filters.',
        params: CityParams,
        querystring: SearchQuery,
        response: { 200: ServiceSearchResponse },
      },
    },
    async (request, reply) => {
      const city = cityOf(request);
      const q = request.query;
      const list = (v: string | undefined) => (v ? v.split(',').filter(Boolean) : undefined);
      const result = await searchServices(db(), {
        cityId: city.id,
        query: q.q ?? '',
        locale: requestLocale(request),
        filters: {
          ...(q.department ? { department: list(q.department) } : {}),
          ...(q.theme ? { theme: list(q.theme) } : {}),
          ...(q.lifeEvent ? { lifeEvent: list(q.lifeEvent) } : {}),
          ...(q.audience ? { audience: [q.audience] } : {}),
          ...(q.zeroVisit ? { visits: [q.zeroVisit === 'true' ? '0' : '1'] } : {}),
        },
        page: q.page,
        pageSize: q.pageSize,
      });
      let body = searchBodies.get(result);
      if (!body) {
        // Each hit carries its summary (written with the version it indexes); hits indexed before
        // summaries were stored, or with one of an older shape, are read from the services.
        const summaries = new Map<string, ServiceSummary>();
        for (const hit of result.items) {
          const parsed = hit.payload === undefined ? null : ServiceSummary.safeParse(hit.payload);
          if (parsed?.success) summaries.set(hit.id, parsed.data);
        }
        const missing = result.items.map((h) => h.id).filter((id) => !summaries.has(id));
        if (missing.length > 0) {
          const { rows } = await listServices(db(), city.id, { codes: missing }, { limit: missing.length, offset: 0 });
          for (const row of rows) summaries.set(row.code, serviceSummary(row));
        }
        const answer: ServiceSearchResponse = {
          items: result.items.flatMap((hit) => {
            const summary = summaries.get(hit.id);
            return summary ? [{ ...summary, matched: hit.matched.terms, inTitle: hit.matched.inTitle }] : [];
          }),
          facets: result.facets,
          corrected: result.corrected ?? null,
          ignored: result.ignored,
          partial: result.partial,
          page: result.page,
          pageSize: result.pageSize,
          total: result.total,
        };
        // Its own memory, exactly as long as the JSON: kept for long, a slice of Node's shared
        // buffer pool would hold the whole pool slab.
        const bytes = new TextEncoder().encode(JSON.stringify(answer));
        body = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        if (missing.length === 0) searchBodies.set(result, body);
      }
      // Already the response schema's JSON: sent as bytes, past the schema's serialiser.
      return (reply as FastifyReply).type('application/json; charset=utf-8').send(body);
    },
  );

  r.get(
    '/cities/:city/services/:code',
    {
      config: { access: access.public() },
      schema: {
        tags: ['government'],
        summary:
          'One service in full: materials (and which the city already holds), fee, time limits by law and promised, visits needed and why, its form and workflow. 404 GOV_SERVICE_NOT_FOUND.',
        params: ServiceParams,
        querystring: VersionQuery,
        response: { 200: ServiceDetail },
      },
    },
    async (request) => {
      const city = cityOf(request);
      const found = await findService(db(), city.id, request.params.code, request.query.version);
      if (!found || (!found.row.enabled && request.query.version === undefined)) {
        throw new AppError('GOV_SERVICE_NOT_FOUND', { service: request.params.code });
      }
      const { row, spec, version, department } = found;
      return {
        ...serviceSummary({
          ...row,
          department_code: department.code,
          department_name_zh: department.nameZh,
          department_name_en: department.nameEn,
        }),
        ...(version !== row.version ? versionFields(spec, version) : {}),
        spec: spec as unknown as Record<string, unknown>,
        updatedAt: new Date(row.updated_at).toISOString(),
      };
    },
  );

  r.get(
    '/cities/:city/services/:code/versions',
    {
      config: { access: access.staff('platform_admin', 'department_admin') },
      schema: {
        tags: ['government'],
        summary: 'Every version of a service, newest first, with who changed it and why',
        params: ServiceParams,
        response: { 200: z.object({ items: z.array(ServiceVersionInfo) }) },
      },
    },
    async (request) => {
      const city = cityOf(request);
      staffOfCity(request, city.id);
      const found = await findService(db(), city.id, request.params.code);
      if (!found) throw new AppError('GOV_SERVICE_NOT_FOUND', { service: request.params.code });
      const versions = await listServiceVersions(db(), found.row.id);
      return {
        items: versions.map((v) => ({
          version: v.version,
          note: v.note,
          createdBy: v.created_by,
          createdAt: new Date(v.created_at).toISOString(),
        })),
      };
    },
  );

  r.put(
    '/cities/:city/services/:code',
    {
      config: { access: access.staff('platform_admin', 'department_admin') },
      schema: {
        tags: ['government'],
        summary:
          'Creates or changes a service: a new version when the content differs (the same content again changes nothing). ' +
          'Applications already made keep the version they were made under. Department administrators manage only ' +
          "their own department's services. 400 GOV_SERVICE_SPEC_INVALID lists every problem.",
        params: ServiceParams,
        body: SaveBody,
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
      const current = await findService(db(), city.id, spec.code);
      if (!staff.roles.includes('platform_admin')) {
        const own = await db()
          .selectFrom('departments')
          .select('code')
          .where('id', '=', staff.departmentId)
          .executeTakeFirst();
        const ownCode = own?.code;
        if (spec.departmentCode !== ownCode || (current && current.department.code !== ownCode)) {
          throw new AppError('GOV_NOT_YOUR_DEPARTMENT');
        }
      }
      const now = app.platform.clock.now();
      try {
        const saved = await db()
          .transaction()
          .execute(async (trx) => {
            const result = await saveService(trx, city.id, spec as ServiceSpecType, { note, createdBy: staff.id, now });
            if (result.outcome !== 'unchanged') {
              await audit(trx, request, {
                action: result.outcome === 'created' ? 'government.service.created' : 'government.service.changed',
                subjectKind: 'service',
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

  r.get(
    '/cities/:city/service-themes',
    {
      config: { access: access.public() },
      schema: {
        tags: ['government'],
        summary: 'Themes of the catalog (主题) with the number of services in each',
        params: CityParams,
        response: { 200: z.object({ items: z.array(CatalogGroup) }) },
      },
    },
    async (request) => ({ items: await listThemes(db(), cityOf(request).id) }),
  );

  r.get(
    '/cities/:city/life-events',
    {
      config: { access: access.public() },
      schema: {
        tags: ['government'],
        summary: 'Life events (出生, 入学, 开办企业 …) with the number of services each brings',
        params: CityParams,
        response: { 200: z.object({ items: z.array(CatalogGroup) }) },
      },
    },
    async (request) => ({ items: await listLifeEvents(db(), cityOf(request).id) }),
  );

  r.get(
    '/cities/:city/bundles',
    {
      config: { access: access.public() },
      schema: {
        tags: ['government'],
        summary: 'One-go bundles (一件事一次办): several services applied for with one form',
        params: CityParams,
        response: {
          200: z.object({
            items: z.array(
              z.object({
                code: z.string(),
                nameZh: z.string(),
                nameEn: z.string(),
                lifeEvent: z.string(),
                services: z.array(z.string()),
                version: z.number().int(),
              }),
            ),
          }),
        },
      },
    },
    async (request) => ({
      items: (await listBundles(db(), cityOf(request).id)).map((b) => ({
        code: b.code,
        nameZh: b.name_zh,
        nameEn: b.name_en,
        lifeEvent: b.life_event,
        services: b.services,
        version: b.version,
      })),
    }),
  );

  r.get(
    '/cities/:city/bundles/:code',
    {
      config: { access: access.public() },
      schema: {
        tags: ['government'],
        summary: 'One bundle: its member services, shared form and presets. 404 GOV_BUNDLE_NOT_FOUND.',
        params: BundleParams,
        response: { 200: z.object({ version: z.number().int(), spec: BundleSpec }) },
      },
    },
    async (request) => {
      const bundle = await findBundle(db(), cityOf(request).id, request.params.code);
      if (!bundle?.enabled) throw new AppError('GOV_BUNDLE_NOT_FOUND', { bundle: request.params.code });
      return { version: bundle.version, spec: bundle.spec };
    },
  );
}

/** The list fields of a past version (the row holds only the version in force). */
function versionFields(spec: ServiceSpecType, version: number) {
  return {
    nameZh: spec.name.zh,
    nameEn: spec.name.en,
    summaryZh: spec.summary.zh,
    summaryEn: spec.summary.en,
    audience: spec.audience,
    themes: spec.themes,
    lifeEvents: spec.lifeEvents,
    visits: spec.visits,
    online: spec.online,
    legalDays: spec.legalDays,
    promisedDays: spec.promisedDays,
    feeFen: spec.fee.amountFen,
    issuesCertificate: spec.issues?.certificateType ?? null,
    version,
  };
}
