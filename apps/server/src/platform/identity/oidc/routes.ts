/** Identity routes: oidc. */
import type { FastifyInstance } from 'fastify';

/** Registers the oidc identity routes (mounted under /api/v1). */
export async function oidcRoutes(_app: FastifyInstance) {}
