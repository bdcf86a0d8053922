/** Tenancy: the province and its cities. Every domain record belongs to one city. */
import { z } from 'zod';

/** A WGS 84 point. */
export const LatLon = z.object({
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
});
/** A WGS 84 point. */
export type LatLon = z.infer<typeof LatLon>;

/** What a tenant is: a province groups cities; only cities serve `/cities/{city}/…` routes. */
export const TenantKind = z.enum(['province', 'city']);
/** What a tenant is. */
export type TenantKind = z.infer<typeof TenantKind>;

/** A province or a city. */
export const Tenant = z.object({
  id: z.string().describe('Stable lowercase id used in URLs, e.g. `lingnan`'),
  kind: TenantKind,
  parentId: z.string().nullable().describe('The province of a city; null for a province'),
  adminCode: z.string().describe('Administrative division code (GB/T 2260 style)'),
  nameZh: z.string(),
  nameEn: z.string(),
  timeZone: z.string().describe('IANA time zone, e.g. Asia/Shanghai'),
  center: LatLon,
});
/** A province or a city. */
export type Tenant = z.infer<typeof Tenant>;

/** A short reference to a tenant. */
export const TenantRef = z.object({ id: z.string(), nameZh: z.string(), nameEn: z.string() });
/** A short reference to a tenant. */
export type TenantRef = z.infer<typeof TenantRef>;

/** A city, with the province it belongs to. */
export const City = Tenant.extend({
  kind: z.literal('city'),
  province: TenantRef.nullable(),
});
/** A city, with the province it belongs to. */
export type City = z.infer<typeof City>;

/** `GET /api/v1/cities/{city}`: a city and how the web app draws its maps. */
export const CityDetail = City.extend({
  map: z.object({
    tiles: z
      .string()
      .nullable()
      .describe('Raster tile URL template ({z}/{x}/{y}) drawn under the zones; null: zones over a plain background'),
    attribution: z.string().nullable().describe('Credit the tile provider requires'),
  }),
});
/** `GET /api/v1/cities/{city}`. */
export type CityDetail = z.infer<typeof CityDetail>;

/** `GET /api/v1/cities`. */
export const CityList = z.object({ items: z.array(City) });
/** `GET /api/v1/cities`. */
export type CityList = z.infer<typeof CityList>;
