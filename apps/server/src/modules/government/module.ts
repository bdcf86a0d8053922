/**
 * The digital-government module as one Fastify plugin under /api/v1: the service catalog
 * (services, themes, life events, bundles) and, as it grows, applications, certificates and
 * ratings.
 */
import type { FastifyInstance } from 'fastify';
import { catalogRoutes } from './catalog-routes.ts';

/** Registers the digital-government module. */
export async function governmentRoutes(app: FastifyInstance) {
  await app.register(catalogRoutes);
}
