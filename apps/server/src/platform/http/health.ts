/** Liveness (`/healthz`), readiness (`/readyz`: the database answers) for orchestrators and load balancers. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { pingDatabase } from '../db/database.ts';

const Health = z.object({ status: z.enum(['ok', 'unavailable']) });
const Ready = z.object({
  status: z.enum(['ok', 'unavailable']),
  checks: z.object({ database: z.enum(['ok', 'unavailable']) }),
});

/** Registers `/healthz` and `/readyz`. */
export async function healthRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/healthz',
    {
      schema: { tags: ['operations'], summary: 'Liveness: the process is up', response: { 200: Health } },
      logLevel: 'warn',
    },
    async () => ({ status: 'ok' as const }),
  );
  r.get(
    '/readyz',
    {
      schema: {
        tags: ['operations'],
        summary: 'Readiness: the process can serve (its database answers)',
        response: { 200: Ready, 503: Ready },
      },
      logLevel: 'warn',
    },
    async (_request, reply) => {
      const database = (await pingDatabase(app.platform.db)) ? ('ok' as const) : ('unavailable' as const);
      const status = database === 'ok' ? ('ok' as const) : ('unavailable' as const);
      if (status !== 'ok') reply.header('retry-after', '5');
      return reply.status(status === 'ok' ? 200 : 503).send({ status, checks: { database } });
    },
  );
}
