/**
 * City governance routes (mounted under /api/v1): the report categories citizens pick from,
 * the dispatch rules that decide which department handles a report where, and a dry run of
 * that decision for a point on the map.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { uuidv7 } from 'uuidv7';
import { z } from 'zod';
import { audit } from '../../platform/audit/index.ts';
import { findZone, resolvePoint } from '../../platform/geo/index.ts';
import { AppError } from '../../platform/http/errors.ts';
import { access } from '../../platform/identity/access.ts';
import { staffOfCity } from '../../platform/identity/auth.ts';
import { findDepartment } from '../../platform/org/repository.ts';
import { CityParams, cityOf, cityScope } from '../../platform/tenancy/scope.ts';
import { invalidateCatalog } from './catalog.ts';
import {
  addDispatchRuleVersion,
  findCategory,
  listCategoryTree,
  listDispatchRules,
  resolveDepartment,
} from './repository.ts';

const code = z.string().trim().min(1).max(64);

const Priority = z.enum(['low', 'normal', 'high', 'urgent']);

const CategoryAttribute = z.object({
  code: z.string(),
  type: z.enum(['boolean', 'number', 'string']),
  label_zh: z.string(),
  label_en: z.string(),
  required: z.boolean(),
});

const Category = z.object({
  code: z.string().describe('Stable code, e.g. `manhole-cover-missing`'),
  nameZh: z.string(),
  nameEn: z.string(),
  defaultDepartmentCode: z.string().describe('The department that handles it where no dispatch rule says otherwise'),
  priority: Priority,
  acceptWithinMinutes: z.number().int(),
  resolveWithinMinutes: z.number().int(),
  attributes: z.array(CategoryAttribute).describe('Extra questions asked when reporting'),
  sensitive: z.boolean().describe('Reports of it appear on the public map only at a coarse location'),
});

const CategoryTree = z.object({
  items: z.array(z.object({ code: z.string(), nameZh: z.string(), nameEn: z.string(), categories: z.array(Category) })),
});

const DispatchRule = z.object({
  id: z.string(),
  categoryCode: z.string(),
  zoneCode: z.string(),
  zoneLevel: z.enum(['district', 'street', 'grid']),
  departmentCode: z.string(),
  version: z.number().int(),
  current: z.boolean().describe('Whether this version is the one in force'),
  reason: z.string(),
  createdBy: z.string().nullable(),
  createdAt: z.iso.datetime(),
});

const RuleQuery = z.object({
  category: code.optional().describe('Only rules of this category'),
  history: z.enum(['true', 'false']).optional().describe('`true`: every version, not only those in force'),
});

const NewRule = z.object({
  categoryCode: code,
  zoneCode: code.describe('District, street or grid code, e.g. `LN-01-02`'),
  departmentCode: code,
  reason: z.string().trim().min(1).max(500).describe('Why the rule changes (kept with the version)'),
});

const coordinate = (min: number, max: number, description: string) =>
  z
    .string()
    .trim()
    .min(1)
    .pipe(z.coerce.number<string>().min(min).max(max))
    .meta({ description, type: 'number', minimum: min, maximum: max, minLength: undefined });

const ResolveQuery = z.object({
  category: code.describe('Report category code'),
  lat: coordinate(-90, 90, 'Latitude (WGS 84), -90 to 90'),
  lon: coordinate(-180, 180, 'Longitude (WGS 84), -180 to 180'),
});

const ZoneRef = z.object({ code: z.string(), nameZh: z.string(), nameEn: z.string() }).nullable();

const Resolution = z.object({
  category: z.string(),
  zones: z.object({ district: ZoneRef, street: ZoneRef, grid: ZoneRef }),
  manual: z.boolean().describe('true: nothing resolves to exactly one department; a person must dispatch it'),
  reason: z
    .enum(['unknown_category', 'outside_city', 'unknown_department'])
    .nullable()
    .describe('Why dispatch is manual (null otherwise)'),
  departmentId: z.string().nullable(),
  departmentCode: z.string().nullable(),
  ruleId: z.string().nullable().describe('The dispatch rule that decided it (null: the category default)'),
  source: z.enum(['grid', 'street', 'district', 'default']).nullable(),
});

const present = (rule: Awaited<ReturnType<typeof listDispatchRules>>[number]) => ({
  ...rule,
  createdAt: rule.createdAt.toISOString(),
});

/** Registers the category and dispatch-rule routes. */
export async function categoryRoutes(app: FastifyInstance) {
  cityScope(app);
  const r = app.withTypeProvider<ZodTypeProvider>();
  const db = () => app.platform.db;

  r.get(
    '/cities/:city/report-categories',
    {
      config: { access: access.public() },
      schema: {
        tags: ['governance'],
        summary:
          'Report categories in use: groups and their categories, with priority, time limits and extra questions',
        params: CityParams,
        response: { 200: CategoryTree },
      },
    },
    async (request) => ({ items: await listCategoryTree(db(), cityOf(request).id) }),
  );

  r.get(
    '/cities/:city/dispatch-rules',
    {
      config: { access: access.staff('platform_admin', 'department_admin', 'supervisor') },
      schema: {
        tags: ['governance'],
        summary: 'Dispatch rules (category × zone → department): those in force, or every version with history=true',
        params: CityParams,
        querystring: RuleQuery,
        response: { 200: z.object({ items: z.array(DispatchRule) }) },
      },
    },
    async (request) => {
      const city = cityOf(request);
      staffOfCity(request, city.id);
      const rules = await listDispatchRules(db(), city.id, {
        ...(request.query.category ? { categoryCode: request.query.category } : {}),
        history: request.query.history === 'true',
      });
      return { items: rules.map(present) };
    },
  );

  r.post(
    '/cities/:city/dispatch-rules',
    {
      config: { access: access.staff('platform_admin') },
      schema: {
        tags: ['governance'],
        summary:
          'Sets the department for a category in a zone: a new version of the rule, audited; earlier versions stay as history. ' +
          '404 REPORT_CATEGORY_NOT_FOUND, ZONE_NOT_FOUND or DEPARTMENT_NOT_FOUND for unknown codes.',
        params: CityParams,
        body: NewRule,
        response: { 201: DispatchRule },
      },
    },
    async (request, reply) => {
      const city = cityOf(request);
      const staff = staffOfCity(request, city.id);
      const { categoryCode, zoneCode, departmentCode, reason } = request.body;
      if (!(await findCategory(db(), city.id, categoryCode))) {
        throw new AppError('REPORT_CATEGORY_NOT_FOUND', { category: categoryCode });
      }
      const zone = await findZone(db(), city.id, zoneCode);
      if (!zone) throw new AppError('ZONE_NOT_FOUND', { zone: zoneCode });
      if (!(await findDepartment(db(), city.id, departmentCode))) {
        throw new AppError('DEPARTMENT_NOT_FOUND', { department: departmentCode });
      }
      const id = uuidv7();
      await db()
        .transaction()
        .execute(async (trx) => {
          const { version, previousDepartmentCode } = await addDispatchRuleVersion(trx, {
            id,
            cityId: city.id,
            categoryCode,
            zoneId: zone.id,
            departmentCode,
            reason,
            createdBy: staff.id,
          });
          await audit(trx, request, {
            action: 'governance.dispatch_rule.changed',
            subjectKind: 'dispatch_rule',
            subjectId: id,
            cityId: city.id,
            details: { categoryCode, zoneCode, departmentCode, previousDepartmentCode, version, reason },
          });
        });
      invalidateCatalog(db(), city.id);
      const rule = (await listDispatchRules(db(), city.id, { categoryCode, history: true })).find((x) => x.id === id);
      if (!rule) throw new Error(`dispatch rule ${id} vanished after it was written`);
      reply.code(201);
      return present(rule);
    },
  );

  r.get(
    '/cities/:city/dispatch/resolve',
    {
      config: { access: access.staff() },
      schema: {
        tags: ['governance'],
        summary:
          'Which department a report of the category at the point goes to, and why (the rule and zone level that decided, ' +
          'or the default); manual=true when nothing resolves, e.g. a point outside the city.',
        params: CityParams,
        querystring: ResolveQuery,
        response: { 200: Resolution },
      },
    },
    async (request) => {
      const city = cityOf(request);
      const { category, lat, lon } = request.query;
      if (!(await findCategory(db(), city.id, category))) throw new AppError('REPORT_CATEGORY_NOT_FOUND', { category });
      const point = await resolvePoint(db(), city.id, lat, lon);
      const decision = await resolveDepartment(db(), city.id, category, {
        district: point.district?.id ?? null,
        street: point.street?.id ?? null,
        grid: point.grid?.id ?? null,
      });
      const ref = (z: typeof point.grid) => (z ? { code: z.code, nameZh: z.nameZh, nameEn: z.nameEn } : null);
      const zones = { district: ref(point.district), street: ref(point.street), grid: ref(point.grid) };
      return decision.manual
        ? {
            category,
            zones,
            manual: true,
            reason: decision.reason,
            departmentId: null,
            departmentCode: decision.departmentCode,
            ruleId: null,
            source: null,
          }
        : {
            category,
            zones,
            manual: false,
            reason: null,
            departmentId: decision.departmentId,
            departmentCode: decision.departmentCode,
            ruleId: decision.ruleId,
            source: decision.source,
          };
    },
  );
}
