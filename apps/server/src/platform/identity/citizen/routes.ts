/** Identity routes: citizen. */
import type { FastifyInstance } from 'fastify';

/** Registers the citizen identity routes (mounted under /api/v1). */
export async function citizenRoutes(_app: FastifyInstance) {}
