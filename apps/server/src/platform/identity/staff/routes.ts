/** Identity routes: staff. */
import type { FastifyInstance } from 'fastify';

/** Registers the staff identity routes (mounted under /api/v1). */
export async function staffRoutes(_app: FastifyInstance) {}
