/**
 * The operations centre's route (mounted under /api/v1): the city's reports and work orders at
 * a glance, for the big screen. Figures are at most a few seconds old (see operations.ts).
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { access } from '../../platform/identity/access.ts';
import { staffOfCity } from '../../platform/identity/auth.ts';
import { CityParams, cityOf, cityScope } from '../../platform/tenancy/scope.ts';
import { operationsSummary, SUMMARY_TTL_MS } from './operations.ts';
import { WorkOrderStatuses } from './workflow.ts';

const Priority = z.enum(['low', 'normal', 'high', 'urgent']);
const count = z.number().int().min(0);

const OperationsSummary = z.object({
  generatedAt: z.iso.datetime(),
  day: z.string().describe("The city's date the `today` figures belong to (YYYY-MM-DD, the city's time zone)"),
  timeZone: z.string(),
  today: z.object({
    reports: count.describe('Reports received today (linked duplicates included)'),
    opened: count.describe('Work orders opened today'),
    resolved: count.describe('Work orders resolved today'),
    closed: count.describe('Work orders closed today'),
  }),
  open: z.object({
    total: count,
    overdue: count.describe('Open work orders past the limit of their next step'),
    escalated: count,
    byPriority: z.object({ low: count, normal: count, high: count, urgent: count }),
  }),
  slaWindowDays: z.number().int(),
  departments: z
    .array(
      z.object({
        departmentCode: z.string(),
        nameZh: z.string(),
        nameEn: z.string(),
        resolved: count.describe('Resolved within the window'),
        withinLimit: count.describe('… of which within their time limit'),
        compliance: z.number().min(0).max(1).nullable().describe('withinLimit / resolved; null when none'),
        open: count,
      }),
    )
    .describe('Time-limit compliance by department over the last `slaWindowDays` days, busiest first'),
  zones: z
    .array(z.object({ code: z.string(), level: z.enum(['street', 'grid']), open: count, openedToday: count }))
    .describe('Open and today’s work orders per street and per grid (for a heatmap)'),
  overdue: z
    .array(
      z.object({
        id: z.string(),
        trackingNo: z.string().nullable(),
        categoryCode: z.string(),
        categoryNameZh: z.string().nullable(),
        categoryNameEn: z.string().nullable(),
        priority: Priority,
        status: z.enum(WorkOrderStatuses),
        departmentCode: z.string().nullable(),
        escalationLevel: z.number().int(),
        dueAt: z.iso.datetime(),
        createdAt: z.iso.datetime(),
      }),
    )
    .describe('Work orders past their limit, most escalated first, then longest overdue'),
});

/** Registers the operations summary route. */
export async function operationsRoutes(app: FastifyInstance) {
  cityScope(app);
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/cities/:city/operations/summary',
    {
      config: { access: access.staff('operations_viewer', 'platform_admin') },
      schema: {
        tags: ['governance'],
        summary:
          'The operations centre’s summary: reports and work orders today (the city’s time zone), open by priority, ' +
          'time-limit compliance by department, open work per street and grid, the work orders most past their ' +
          `limits. At most ${SUMMARY_TTL_MS / 1000} s old.`,
        params: CityParams,
        response: { 200: OperationsSummary },
      },
    },
    async (request, reply) => {
      const city = cityOf(request);
      staffOfCity(request, city.id);
      const summary = await operationsSummary(app.platform.db, city.id, city.timeZone, app.platform.clock.now());
      reply.header('cache-control', 'private, no-store');
      return {
        ...summary,
        generatedAt: summary.generatedAt.toISOString(),
        overdue: summary.overdue.map((o) => ({
          ...o,
          dueAt: o.dueAt.toISOString(),
          createdAt: o.createdAt.toISOString(),
        })),
      };
    },
  );
}
