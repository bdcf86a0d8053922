/** `GET /cities` and `GET /cities/:city`: the cities this installation serves. */

import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { CityDetail, CityList } from '#contracts';
import { access } from '../identity/access.ts';
import { listCities } from './repository.ts';
import { CityParams, cityOf, cityScope } from './scope.ts';

/** Registers the tenancy routes (mounted under /api/v1). */
export async function tenancyRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    '/cities',
    {
      config: { access: access.public() },
      schema: {
        tags: ['tenancy'],
        summary: 'List the cities, each with its province',
        response: { 200: CityList },
      },
    },
    async () => ({ items: await listCities(app.platform.db) }),
  );

  await app.register(async (scoped) => {
    cityScope(scoped);
    scoped.withTypeProvider<ZodTypeProvider>().get(
      '/cities/:city',
      {
        config: { access: access.public() },
        schema: {
          tags: ['tenancy'],
          summary:
            'One city with its province and how its maps are drawn (404 CITY_NOT_FOUND for an unknown id or a province)',
          params: CityParams,
          response: { 200: CityDetail },
        },
      },
      async (request) => ({ ...cityOf(request), map: app.platform.config.map }),
    );
  });
}
