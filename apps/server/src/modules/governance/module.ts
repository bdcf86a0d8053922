/**
 * The city-governance module as one Fastify plugin under /api/v1: categories and dispatch
 * rules, report intake and the citizen's side, the departments' work orders, the public
 * transparency feed, live updates and the operations centre's summary; its background jobs
 * register with the worker here.
 */
import type { FastifyInstance } from 'fastify';
import { registerGovernanceJobs } from './jobs.ts';
import { liveRoutes } from './live-routes.ts';
import { operationsRoutes } from './ops-routes.ts';
import { publicReportRoutes } from './public-routes.ts';
import { myReportRoutes, reportRoutes } from './report-routes.ts';
import { categoryRoutes } from './routes.ts';
import { suggestRoutes } from './suggest-routes.ts';
import { workOrderRoutes } from './work-order-routes.ts';

/** Registers the governance module. */
export async function governanceRoutes(app: FastifyInstance) {
  registerGovernanceJobs(app.platform);
  await app.register(categoryRoutes);
  await app.register(suggestRoutes);
  await app.register(reportRoutes);
  await app.register(myReportRoutes);
  await app.register(workOrderRoutes);
  await app.register(publicReportRoutes);
  await app.register(liveRoutes);
  await app.register(operationsRoutes);
}
