/**
 * City scope: routes under `/cities/:city/…` get the city resolved before anything else runs,
 * so an unknown city is a 404 CITY_NOT_FOUND whatever else is wrong with the request, and a
 * handler only ever sees a city that exists. Only tenants of kind `city` qualify.
 */

import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { City } from '#contracts';
import type { Database } from '../db/schema.ts';
import { AppError } from '../http/errors.ts';
import { findCity } from './repository.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The city of a route under a city scope (see {@link cityScope}); null elsewhere. */
    city: City | null;
  }
}

/** The `:city` path parameter, for route schemas (and the OpenAPI document). */
export const CityParams = z.object({
  city: z.string().max(40).describe('City id, e.g. `lingnan`'),
});

/** Cities change rarely; a found city is remembered briefly so that every request does not look it up again. */
const CACHE_MS = 30_000;
const caches = new WeakMap<Kysely<Database>, Map<string, { city: City; until: number }>>();

/** The city with `id`, or CITY_NOT_FOUND. Found cities are cached for a short while per database. */
export async function requireCity(db: Kysely<Database>, id: string): Promise<City> {
  let cache = caches.get(db);
  if (!cache) {
    cache = new Map();
    caches.set(db, cache);
  }
  const now = Date.now();
  const cached = cache.get(id);
  if (cached && cached.until > now) return cached.city;
  const city = await findCity(db, id);
  if (!city) {
    cache.delete(id);
    throw new AppError('CITY_NOT_FOUND', { city: id.slice(0, 40) });
  }
  cache.set(id, { city, until: now + CACHE_MS });
  return city;
}

/**
 * Makes every route registered on `app` (and its children) resolve its `:city` parameter into
 * `request.city`. Call it at the top of a route plugin whose routes all carry `:city`.
 */
export function cityScope(app: FastifyInstance): void {
  if (!app.hasRequestDecorator('city')) app.decorateRequest('city', null);
  app.addHook('onRequest', async (request) => {
    const id = (request.params as { city?: unknown }).city;
    if (typeof id !== 'string') {
      throw new TypeError(`route ${request.routeOptions.url ?? ''} is in a city scope but has no :city parameter`);
    }
    request.city = await requireCity(app.platform.db, id);
  });
}

/** The city resolved for this request; only valid inside a {@link cityScope}. */
export function cityOf(request: FastifyRequest): City {
  if (!request.city) throw new TypeError('cityOf() called outside a city scope');
  return request.city;
}
