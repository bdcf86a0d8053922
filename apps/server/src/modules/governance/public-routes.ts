/**
 * The public transparency feed (mounted under /api/v1, open to anyone): the problems reported
 * in a city as a paged list and as GeoJSON for a map, and the photos staff approved for the
 * public. What an item shows, and what it never shows, is decided in public.ts.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { readFile, sendImage } from '../../platform/files/index.ts';
import { findZone } from '../../platform/geo/index.ts';
import { AppError } from '../../platform/http/errors.ts';
import { limitOffset, PageInfo, pageQuery } from '../../platform/http/paging.ts';
import { access } from '../../platform/identity/access.ts';
import { CityParams, cityOf, cityScope } from '../../platform/tenancy/scope.ts';
import { iso } from './present.ts';
import {
  listPublicItems,
  MAP_FEATURE_CAP,
  mapPublicItems,
  PUBLIC_TOTAL_MAX_AGE_MS,
  type PublicFilter,
  type PublicItem,
  parseBBox,
  publicPhotoId,
} from './public.ts';
import { WorkOrderStatuses } from './workflow.ts';

/** How long a browser or a shared cache may keep a list or map answer. */
const PUBLIC_MAX_AGE_SECONDS = 30;
/** Approved photos: they change only when staff withdraw one, which should not linger for long. */
const PHOTO_MAX_AGE_SECONDS = 600;

const code = z.string().trim().min(1).max(64);

const Filters = {
  category: code.optional().describe('Only this category, e.g. `manhole-cover-missing`'),
  status: z.enum(['open', 'closed']).optional().describe('`open`: still being worked on; `closed`: resolved or closed'),
  zone: code.optional().describe('Only within this district, street or grid (code, e.g. `LN-01-02`)'),
  since: z.iso.datetime({ offset: true }).optional().describe('Only those reported at or after this time (ISO 8601)'),
};

const ListQuery = z.object({ ...pageQuery(), ...Filters });

const MapQuery = z.object({
  ...Filters,
  bbox: z
    .string()
    .max(200)
    .optional()
    .describe('Only inside `minLon,minLat,maxLon,maxLat` (WGS 84), e.g. `113.25,23.10,113.30,23.15`'),
  limit: z
    .string()
    .regex(/^\d{1,5}$/)
    .transform(Number)
    .pipe(z.number().int().min(1).max(MAP_FEATURE_CAP))
    .optional()
    .meta({ type: 'integer', minimum: 1, maximum: MAP_FEATURE_CAP })
    .describe(`At most this many features (default and cap ${MAP_FEATURE_CAP}), newest first`),
});

const Location = z.object({
  lat: z.number(),
  lon: z.number(),
  precision: z
    .enum(['approximate', 'area'])
    .describe('`approximate`: within about 10 m; `area`: only the area (≈ 5 km², a sensitive category)'),
});

const itemFields = {
  trackingNo: z.string().nullable().describe('Tracking number of the first report of the problem'),
  categoryCode: z.string(),
  status: z.enum(WorkOrderStatuses),
  departmentCode: z.string().nullable().describe('The department handling it (null: not yet dispatched)'),
  district: z.string().nullable().describe('District code'),
  street: z.string().nullable().describe('Street code'),
  address: z.string().nullable().describe('As reported; null for sensitive categories'),
  reportCount: z.number().int().describe('How many reports of this problem came in'),
  photoIds: z.array(z.string()).describe('Photos approved for the public: GET …/public/photos/{id}'),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  resolvedAt: z.iso.datetime().nullable(),
  closedAt: z.iso.datetime().nullable(),
};

const PublicReport = z.object({ ...itemFields, location: Location });

const Feature = z.object({
  type: z.literal('Feature'),
  id: z.string().nullable(),
  geometry: z.object({
    type: z.literal('Point'),
    coordinates: z.tuple([z.number(), z.number()]).describe('[longitude, latitude]'),
  }),
  properties: z.object({ ...itemFields, precision: Location.shape.precision }),
});

const FeatureCollection = z.object({
  type: z.literal('FeatureCollection'),
  features: z.array(Feature),
  truncated: z.boolean().describe('true: more matched than the limit; zoom in or filter'),
});

const PhotoParams = CityParams.extend({ fileId: z.string().max(100).describe('A photo id from `photoIds`') });
const PhotoQuery = z.object({
  variant: z.enum(['full', 'thumbnail']).default('full').describe('The photo (default) or its thumbnail'),
});

function fields(item: PublicItem) {
  return {
    trackingNo: item.trackingNo,
    categoryCode: item.categoryCode,
    status: item.status,
    departmentCode: item.departmentCode,
    district: item.district,
    street: item.street,
    address: item.address,
    reportCount: item.reportCount,
    photoIds: item.photoIds,
    createdAt: item.createdAt.toISOString(),
    updatedAt: item.updatedAt.toISOString(),
    resolvedAt: iso(item.resolvedAt),
    closedAt: iso(item.closedAt),
  };
}

function publicCache(reply: FastifyReply) {
  reply.header('cache-control', `public, max-age=${PUBLIC_MAX_AGE_SECONDS}`);
}

/** Registers the public report list, map and photos. */
export async function publicReportRoutes(app: FastifyInstance) {
  cityScope(app);
  const r = app.withTypeProvider<ZodTypeProvider>();
  const db = () => app.platform.db;

  /** The filters of a query, with the zone code resolved (404 ZONE_NOT_FOUND if the city has none such). */
  async function filterOf(
    cityId: string,
    q: {
      category?: string | undefined;
      status?: 'open' | 'closed' | undefined;
      zone?: string | undefined;
      since?: string | undefined;
    },
  ): Promise<PublicFilter> {
    const filter: PublicFilter = {};
    if (q.category) filter.categoryCode = q.category;
    if (q.status) filter.state = q.status;
    if (q.since) filter.since = new Date(q.since);
    if (q.zone) {
      const zone = await findZone(db(), cityId, q.zone);
      if (!zone) throw new AppError('ZONE_NOT_FOUND', { zone: q.zone });
      filter.zone = { id: zone.id, level: zone.level };
    }
    return filter;
  }

  r.get(
    '/cities/:city/public/reports',
    {
      config: { access: access.public() },
      schema: {
        tags: ['governance'],
        summary:
          'The problems reported in the city, newest first: one item per problem (duplicates counted in reportCount), ' +
          'with status, department and times. Never who reported it nor what they wrote; sensitive categories ' +
          `only with their area. The items are current; \`total\` may be up to ${PUBLIC_TOTAL_MAX_AGE_MS / 1000} s behind them.`,
        params: CityParams,
        querystring: ListQuery,
        response: { 200: z.object({ items: z.array(PublicReport), ...PageInfo }) },
      },
    },
    async (request, reply) => {
      const city = cityOf(request);
      const q = request.query;
      const filter = await filterOf(city.id, q);
      const { items, total } = await listPublicItems(db(), city.id, filter, limitOffset(q), app.platform.clock);
      publicCache(reply);
      return {
        items: items.map((item) => ({ ...fields(item), location: item.location })),
        page: q.page,
        pageSize: q.pageSize,
        total,
      };
    },
  );

  r.get(
    '/cities/:city/public/reports/map',
    {
      config: { access: access.public() },
      schema: {
        tags: ['governance'],
        summary:
          `The problems reported in the city as a GeoJSON FeatureCollection of points, newest first, at most ${MAP_FEATURE_CAP}; ` +
          'bbox limits it to what lies inside (by the published location). Same content rules as the list.',
        params: CityParams,
        querystring: MapQuery,
        response: { 200: FeatureCollection },
      },
    },
    async (request, reply) => {
      const city = cityOf(request);
      const q = request.query;
      const filter = await filterOf(city.id, q);
      if (q.bbox !== undefined) {
        const bbox = parseBBox(q.bbox);
        if (!bbox) throw new AppError('BBOX_INVALID');
        filter.bbox = bbox;
      }
      const { items, truncated } = await mapPublicItems(db(), city.id, filter, q.limit ?? MAP_FEATURE_CAP);
      publicCache(reply);
      reply.type('application/geo+json; charset=utf-8');
      return {
        type: 'FeatureCollection' as const,
        features: items.map((item) => ({
          type: 'Feature' as const,
          id: item.trackingNo,
          geometry: { type: 'Point' as const, coordinates: [item.location.lon, item.location.lat] as [number, number] },
          properties: { ...fields(item), precision: item.location.precision },
        })),
        truncated,
      };
    },
  );

  r.get(
    '/cities/:city/public/photos/:fileId',
    {
      config: { access: access.public() },
      schema: {
        tags: ['governance'],
        summary:
          'A photo staff approved for the public (an id from `photoIds`), stored without metadata. ' +
          'Anything else — not approved, withdrawn, unknown — is 404.',
        params: PhotoParams,
        querystring: PhotoQuery,
        response: {
          200: {
            description: 'The image',
            content: {
              'image/jpeg': { schema: z.string().meta({ format: 'binary', description: 'JPEG without metadata' }) },
            },
          },
        },
      },
    },
    async (request, reply) => {
      const city = cityOf(request);
      const id = await publicPhotoId(db(), city.id, request.params.fileId);
      const file = id ? await readFile(db(), city.id, id, request.query.variant) : null;
      if (!file) throw new AppError('FILE_NOT_FOUND');
      return sendImage(reply, file, { maxAgeSeconds: PHOTO_MAX_AGE_SECONDS });
    },
  );
}
