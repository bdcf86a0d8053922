/**
 * What intake needs to know about a city that changes rarely — its categories, the dispatch
 * rules in force, its departments and time zone — read in one go and kept for a short while,
 * so that taking a report in does not ask the database the same questions every time. A rule
 * changed through this process takes effect at once (the route invalidates the cache); one
 * changed through another process within {@link CATALOG_TTL_MS}.
 */
import type { Kysely } from 'kysely';
import { recentValues } from '../../platform/cache/recent.ts';
import type { Database } from '../../platform/db/schema.ts';
import { type CurrentRule, type DispatchDecision, decideDispatch, type ZoneIds } from './dispatch.ts';
import { type Category, listCategoryTree } from './repository.ts';
import { governanceDb } from './schema.ts';

/** How long a city's catalog is trusted before it is read again. */
export const CATALOG_TTL_MS = 30_000;

/** A city's categories, rules in force, departments and time zone. */
export interface CityCatalog {
  categories: ReadonlyMap<string, Category>;
  /** Rules in force by category code. */
  rules: ReadonlyMap<string, CurrentRule[]>;
  /** Department ids by code. */
  departments: ReadonlyMap<string, string>;
  timeZone: string;
}

const catalogs = recentValues<CityCatalog>({ ttlMs: CATALOG_TTL_MS, max: 1_000 });

async function load(db: Kysely<Database>, cityId: string): Promise<CityCatalog> {
  const [groups, ruleRows, departmentRows, city] = await Promise.all([
    listCategoryTree(db, cityId),
    governanceDb(db)
      .selectFrom('dispatch_rules')
      .select(['id', 'category_code', 'zone_id', 'department_code', 'version'])
      .where('city_id', '=', cityId)
      .orderBy('version', 'desc')
      .execute(),
    db.selectFrom('departments').select(['id', 'code']).where('city_id', '=', cityId).execute(),
    db.selectFrom('tenants').select('time_zone').where('id', '=', cityId).executeTakeFirstOrThrow(),
  ]);
  const categories = new Map(groups.flatMap((g) => g.categories).map((c) => [c.code, c]));
  const rules = new Map<string, CurrentRule[]>();
  const seen = new Set<string>();
  for (const row of ruleRows) {
    // Newest version first: the first row of a category and zone is the rule in force.
    const key = `${row.category_code}\u0000${row.zone_id}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const list = rules.get(row.category_code) ?? [];
    list.push({ id: row.id, zoneId: row.zone_id, departmentCode: row.department_code });
    rules.set(row.category_code, list);
  }
  return {
    categories,
    rules,
    departments: new Map(departmentRows.map((d) => [d.code, d.id])),
    timeZone: city.time_zone,
  };
}

/** The catalog of `cityId`, from the cache while it is fresh. */
export function cityCatalog(db: Kysely<Database>, cityId: string): Promise<CityCatalog> {
  return catalogs(db).get(cityId, () => load(db, cityId));
}

/** Forgets the catalog of `cityId` (after a change of its rules or categories in this process). */
export function invalidateCatalog(db: Kysely<Database>, cityId: string): void {
  catalogs(db).forget(cityId);
}

/** {@link decideDispatch} with the catalog's rules and departments. */
export function dispatchFrom(catalog: CityCatalog, categoryCode: string, zones: ZoneIds): DispatchDecision {
  const ids = new Set([zones.grid, zones.street, zones.district].filter((id): id is string => id !== null));
  const rules = (catalog.rules.get(categoryCode) ?? []).filter((r) => ids.has(r.zoneId));
  const category = catalog.categories.get(categoryCode);
  return decideDispatch(zones, rules, category?.defaultDepartmentCode ?? null, new Map(catalog.departments));
}
