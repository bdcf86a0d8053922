/** Zones of a city (lists, one zone, GeoJSON for maps) and point → zone resolution. */

import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ResolvedPoint, Zone, ZoneFeatureCollection, ZoneLevel, ZoneList, type ZoneSummary } from '#contracts';
import { AppError } from '../http/errors.ts';
import { access } from '../identity/access.ts';
import { CityParams, cityOf, cityScope } from '../tenancy/scope.ts';
import { findZone, listZones, listZonesWithGeometry, resolvePoint, type ZoneFilter } from './repository.ts';

const zoneCode = z.string().min(1).max(64);

/**
 * A query-string number: present, numeric and within range. It is read as a non-empty string
 * first, because coercing `lat=` would quietly give 0; the OpenAPI document shows a number.
 */
const coordinate = (min: number, max: number, description: string) =>
  z
    .string()
    .trim()
    .min(1)
    .pipe(z.coerce.number<string>().min(min).max(max))
    .meta({ description, type: 'number', minimum: min, maximum: max, minLength: undefined });

const ZoneQuery = z.object({
  level: ZoneLevel.optional().describe('Only zones of this level'),
  parent: zoneCode.optional().describe('Only the direct children of the zone with this code'),
});

const GeoJsonQuery = z.object({
  level: ZoneLevel.default('district').describe('Zones of this level (default district)'),
  parent: zoneCode.optional().describe('Only the direct children of the zone with this code'),
});

const ResolveQuery = z.object({
  lat: coordinate(-90, 90, 'Latitude (WGS 84), -90 to 90'),
  lon: coordinate(-180, 180, 'Longitude (WGS 84), -180 to 180'),
});

const ZoneParams = CityParams.extend({ code: zoneCode.describe('Zone code, e.g. `LN-01-03-07`') });

/** Registers the geo routes (mounted under /api/v1). */
export async function geoRoutes(app: FastifyInstance) {
  cityScope(app);
  const r = app.withTypeProvider<ZodTypeProvider>();
  const db = () => app.platform.db;

  /** The filter for `level` and `parent`; an unknown parent is ZONE_NOT_FOUND rather than an empty list. */
  const filterFor = async (cityId: string, query: { level?: ZoneLevel | undefined; parent?: string | undefined }) => {
    const filter: ZoneFilter = { level: query.level };
    if (query.parent !== undefined) {
      const parent = await findZone(db(), cityId, query.parent);
      if (!parent) throw new AppError('ZONE_NOT_FOUND', { zone: query.parent });
      filter.parentId = parent.id;
    }
    return filter;
  };

  r.get(
    '/cities/:city/zones',
    {
      config: { access: access.public() },
      schema: {
        tags: ['geo'],
        summary: "The city's zones without boundaries, ordered by code; filter by level and parent",
        params: CityParams,
        querystring: ZoneQuery,
        response: { 200: ZoneList },
      },
    },
    async (request) => {
      const city = cityOf(request);
      return { items: await listZones(db(), city.id, await filterFor(city.id, request.query)) };
    },
  );

  r.get(
    '/cities/:city/zones.geojson',
    {
      config: { access: access.public() },
      schema: {
        tags: ['geo'],
        summary: 'Zones of one level as a GeoJSON FeatureCollection for a map layer (feature id = zone code)',
        params: CityParams,
        querystring: GeoJsonQuery,
        response: {
          200: {
            description: 'A FeatureCollection (RFC 7946)',
            content: { 'application/geo+json': { schema: ZoneFeatureCollection } },
          },
        },
      },
    },
    async (request, reply) => {
      const city = cityOf(request);
      const zones = await listZonesWithGeometry(db(), city.id, await filterFor(city.id, request.query));
      reply.type('application/geo+json; charset=utf-8');
      return {
        type: 'FeatureCollection' as const,
        features: zones.map(({ geometry, bbox, parentId: _parentId, ...properties }) => ({
          type: 'Feature' as const,
          id: properties.code,
          bbox,
          geometry,
          properties: properties satisfies Omit<ZoneSummary, 'bbox'>,
        })),
      };
    },
  );

  r.get(
    '/cities/:city/zones/:code',
    {
      config: { access: access.public() },
      schema: {
        tags: ['geo'],
        summary: 'One zone of the city with its boundary (404 ZONE_NOT_FOUND if the city has no such code)',
        params: ZoneParams,
        response: { 200: Zone },
      },
    },
    async (request) => {
      const zone = await findZone(db(), cityOf(request).id, request.params.code);
      if (!zone) throw new AppError('ZONE_NOT_FOUND', { zone: request.params.code });
      return zone;
    },
  );

  r.get(
    '/cities/:city/geo/resolve',
    {
      config: { access: access.public() },
      schema: {
        tags: ['geo'],
        summary:
          'The district, street and grid a point falls in, with its H3 cells. A point outside the city ' +
          'answers 200 with district, street and grid all null; a latitude or longitude out of range is a 400.',
        params: CityParams,
        querystring: ResolveQuery,
        response: { 200: ResolvedPoint },
      },
    },
    async (request) => resolvePoint(db(), cityOf(request).id, request.query.lat, request.query.lon),
  );
}
