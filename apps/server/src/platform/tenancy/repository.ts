/** Tenants: the province and its cities. Plain Kysely functions, the database handle first. */

import type { Kysely, Selectable } from 'kysely';
import type { City, Tenant, TenantKind } from '#contracts';
import type { Database, TenantsTable } from '../db/schema.ts';

function toTenant(row: Selectable<TenantsTable>): Tenant {
  return {
    id: row.id,
    kind: row.kind,
    parentId: row.parent_id,
    adminCode: row.admin_code,
    nameZh: row.name_zh,
    nameEn: row.name_en,
    timeZone: row.time_zone,
    center: { lat: row.center_lat, lon: row.center_lon },
  };
}

/** Every tenant (optionally of one kind), ordered by administrative code. */
export async function listTenants(db: Kysely<Database>, kind?: TenantKind): Promise<Tenant[]> {
  let query = db.selectFrom('tenants').selectAll();
  if (kind) query = query.where('kind', '=', kind);
  const rows = await query.orderBy('admin_code').execute();
  return rows.map(toTenant);
}

/** One tenant by id, or null. */
export async function findTenant(db: Kysely<Database>, id: string): Promise<Tenant | null> {
  const row = await db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toTenant(row) : null;
}

function citiesQuery(db: Kysely<Database>) {
  return db
    .selectFrom('tenants as c')
    .leftJoin('tenants as p', 'p.id', 'c.parent_id')
    .where('c.kind', '=', 'city')
    .selectAll('c')
    .select(['p.name_zh as province_name_zh', 'p.name_en as province_name_en']);
}

function toCity(
  row: Selectable<TenantsTable> & { province_name_zh: string | null; province_name_en: string | null },
): City {
  return {
    ...toTenant(row),
    kind: 'city',
    province:
      row.parent_id && row.province_name_zh !== null && row.province_name_en !== null
        ? { id: row.parent_id, nameZh: row.province_name_zh, nameEn: row.province_name_en }
        : null,
  };
}

/** Every city with its province, ordered by administrative code. */
export async function listCities(db: Kysely<Database>): Promise<City[]> {
  const rows = await citiesQuery(db).orderBy('c.admin_code').execute();
  return rows.map(toCity);
}

/** One city (never a province) by id, or null. */
export async function findCity(db: Kysely<Database>, id: string): Promise<City | null> {
  const row = await citiesQuery(db).where('c.id', '=', id).executeTakeFirst();
  return row ? toCity(row) : null;
}

/** Stores tenants, provinces before their cities; existing ids are left alone. Returns how many were new. */
export async function insertTenants(db: Kysely<Database>, tenants: Tenant[]): Promise<number> {
  if (tenants.length === 0) return 0;
  const rows = await db
    .insertInto('tenants')
    .values(
      tenants.map((t) => ({
        id: t.id,
        kind: t.kind,
        parent_id: t.parentId,
        admin_code: t.adminCode,
        name_zh: t.nameZh,
        name_en: t.nameEn,
        time_zone: t.timeZone,
        center_lat: t.center.lat,
        center_lon: t.center.lon,
      })),
    )
    .onConflict((oc) => oc.doNothing())
    .returning('id')
    .execute();
  return rows.length;
}
