/**
 * The digital-government module as one Fastify plugin under /api/v1: the service catalog
 * (services, themes, life events, bundles), applications (the applicant's side, bundles, the
 * departments' queue and actions) and ratings with their rectifications.
 */
import type { FastifyInstance } from 'fastify';
import { applicationRoutes, myApplicationRoutes } from './application-routes.ts';
import { bundleApplicationRoutes, myBundleApplicationRoutes } from './bundle-routes.ts';
import { catalogRoutes } from './catalog-routes.ts';
import { followPayments } from './fees.ts';
import { myRatingRoutes, ratingRoutes } from './rating-routes.ts';
import { searchSynonymRoutes } from './search-routes.ts';
import { staffApplicationRoutes } from './staff-routes.ts';

/** Registers the digital-government module. */
export async function governmentRoutes(app: FastifyInstance) {
  followPayments(app.platform.events, app.platform);
  await app.register(catalogRoutes);
  await app.register(applicationRoutes);
  await app.register(bundleApplicationRoutes);
  await app.register(staffApplicationRoutes);
  await app.register(ratingRoutes);
  await app.register(myApplicationRoutes);
  await app.register(myBundleApplicationRoutes);
  await app.register(myRatingRoutes);
  await app.register(searchSynonymRoutes);
}
