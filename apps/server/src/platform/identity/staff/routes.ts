/**
 * Identity routes owned by the staff side of identity: staff sign-in and MFA, account and API
 * key administration, enterprises and their members, and staff reading a citizen's record.
 */
import type { FastifyInstance } from 'fastify';
import { staffAdminRoutes } from './admin-routes.ts';
import { staffAuthRoutes } from './auth-routes.ts';
import { citizenReadRoutes } from './citizen-read-routes.ts';
import { enterpriseRoutes } from './enterprise-routes.ts';

/** Registers the staff identity routes (mounted under /api/v1). */
export async function staffRoutes(app: FastifyInstance) {
  await app.register(staffAuthRoutes);
  await app.register(staffAdminRoutes);
  await app.register(enterpriseRoutes);
  await app.register(citizenReadRoutes);
}
