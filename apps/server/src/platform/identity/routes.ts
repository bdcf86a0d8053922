/** Every identity route, mounted under /api/v1: citizens, staff and enterprises, single sign-on. */
import type { FastifyInstance } from 'fastify';
import { citizenRoutes } from './citizen/routes.ts';
import { oidcRoutes } from './oidc/routes.ts';
import { staffRoutes } from './staff/routes.ts';

/** Registers the identity routes. */
export async function identityRoutes(app: FastifyInstance) {
  await app.register(citizenRoutes);
  await app.register(staffRoutes);
  await app.register(oidcRoutes);
}
