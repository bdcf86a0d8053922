/** Report categories and dispatch rules of a city. Every query is scoped by city. */
import type { Kysely } from 'kysely';
import type { Database } from '../../platform/db/schema.ts';
import { type CurrentRule, type DispatchDecision, decideDispatch, type ZoneIds } from './dispatch.ts';
import { type CategoryAttribute, governanceDb, type Priority } from './schema.ts';

/** A category to store: a group (no parent, no limits) or a leaf under a group. */
export interface NewCategory {
  id: string;
  cityId: string;
  code: string;
  parentId: string | null;
  nameZh: string;
  nameEn: string;
  defaultDepartmentCode: string | null;
  priority: Priority | null;
  acceptWithinMinutes: number | null;
  resolveWithinMinutes: number | null;
  attributes: CategoryAttribute[];
  sortOrder: number;
  /** Shown publicly only at a coarse location. */
  sensitive?: boolean;
}

/** A category citizens pick. */
export interface Category {
  code: string;
  nameZh: string;
  nameEn: string;
  defaultDepartmentCode: string;
  priority: Priority;
  acceptWithinMinutes: number;
  resolveWithinMinutes: number;
  attributes: CategoryAttribute[];
  /** Shown publicly only at a coarse location. */
  sensitive: boolean;
}

/** A group of categories. */
export interface CategoryGroup {
  code: string;
  nameZh: string;
  nameEn: string;
  categories: Category[];
}

/** One version of a dispatch rule. */
export interface DispatchRule {
  id: string;
  categoryCode: string;
  zoneCode: string;
  zoneLevel: 'district' | 'street' | 'grid';
  departmentCode: string;
  version: number;
  /** Whether this is the version in force. */
  current: boolean;
  reason: string;
  createdBy: string | null;
  createdAt: Date;
}

/** Stores categories (groups before their leaves); existing ones (same id, or city and code) are left alone. Returns how many were new. */
export async function insertCategories(db: Kysely<Database>, categories: NewCategory[]): Promise<number> {
  if (categories.length === 0) return 0;
  const rows = await governanceDb(db)
    .insertInto('report_categories')
    .values(
      categories.map((c) => ({
        id: c.id,
        city_id: c.cityId,
        code: c.code,
        parent_id: c.parentId,
        name_zh: c.nameZh,
        name_en: c.nameEn,
        default_department_code: c.defaultDepartmentCode,
        priority: c.priority,
        accept_within_minutes: c.acceptWithinMinutes,
        resolve_within_minutes: c.resolveWithinMinutes,
        attributes: JSON.stringify(c.attributes),
        sort_order: c.sortOrder,
        sensitive: c.sensitive ?? false,
      })),
    )
    .onConflict((oc) => oc.doNothing())
    .returning('id')
    .execute();
  return rows.length;
}

/** The city's enabled categories as a two-level tree, in display order. */
export async function listCategoryTree(db: Kysely<Database>, cityId: string): Promise<CategoryGroup[]> {
  const rows = await governanceDb(db)
    .selectFrom('report_categories')
    .selectAll()
    .where('city_id', '=', cityId)
    .where('enabled', '=', true)
    .orderBy('sort_order')
    .orderBy('code')
    .execute();
  const groups = new Map<string, CategoryGroup>();
  for (const row of rows) {
    if (row.parent_id === null)
      groups.set(row.id, { code: row.code, nameZh: row.name_zh, nameEn: row.name_en, categories: [] });
  }
  for (const row of rows) {
    if (row.parent_id === null) continue;
    const category = toCategory(row);
    if (category) groups.get(row.parent_id)?.categories.push(category);
  }
  return [...groups.values()];
}

function toCategory(row: {
  code: string;
  name_zh: string;
  name_en: string;
  default_department_code: string | null;
  priority: Priority | null;
  accept_within_minutes: number | null;
  resolve_within_minutes: number | null;
  attributes: CategoryAttribute[];
  sensitive: boolean;
}): Category | null {
  if (
    row.default_department_code === null ||
    row.priority === null ||
    row.accept_within_minutes === null ||
    row.resolve_within_minutes === null
  ) {
    return null;
  }
  return {
    code: row.code,
    nameZh: row.name_zh,
    nameEn: row.name_en,
    defaultDepartmentCode: row.default_department_code,
    priority: row.priority,
    acceptWithinMinutes: row.accept_within_minutes,
    resolveWithinMinutes: row.resolve_within_minutes,
    attributes: row.attributes,
    sensitive: row.sensitive,
  };
}

/** One enabled category citizens can pick (not a group), or null. */
export async function findCategory(db: Kysely<Database>, cityId: string, code: string): Promise<Category | null> {
  const row = await governanceDb(db)
    .selectFrom('report_categories')
    .selectAll()
    .where('city_id', '=', cityId)
    .where('code', '=', code)
    .where('enabled', '=', true)
    .where('parent_id', 'is not', null)
    .executeTakeFirst();
  return row ? toCategory(row) : null;
}

/** The city's dispatch rules: those in force, or with `history` every version (newest first per rule). */
export async function listDispatchRules(
  db: Kysely<Database>,
  cityId: string,
  options: { categoryCode?: string; history?: boolean } = {},
): Promise<DispatchRule[]> {
  let query = governanceDb(db)
    .selectFrom('dispatch_rules as r')
    .innerJoin('zones as z', 'z.id', 'r.zone_id')
    .where('r.city_id', '=', cityId)
    .select([
      'r.id',
      'r.category_code',
      'r.department_code',
      'r.version',
      'r.reason',
      'r.created_by',
      'r.created_at',
      'z.code as zone_code',
      'z.level as zone_level',
    ])
    .select((eb) =>
      eb
        .selectFrom('dispatch_rules as later')
        .whereRef('later.city_id', '=', 'r.city_id')
        .whereRef('later.category_code', '=', 'r.category_code')
        .whereRef('later.zone_id', '=', 'r.zone_id')
        .whereRef('later.version', '>', 'r.version')
        .select((e) => e.fn.countAll<number>().as('n'))
        .as('newer'),
    );
  if (options.categoryCode) query = query.where('r.category_code', '=', options.categoryCode);
  const rows = await query.orderBy('r.category_code').orderBy('z.code').orderBy('r.version', 'desc').execute();
  return rows
    .map((row) => ({
      id: row.id,
      categoryCode: row.category_code,
      zoneCode: row.zone_code,
      zoneLevel: row.zone_level,
      departmentCode: row.department_code,
      version: row.version,
      current: Number(row.newer ?? 0) === 0,
      reason: row.reason,
      createdBy: row.created_by,
      createdAt: row.created_at,
    }))
    .filter((rule) => options.history || rule.current);
}

/** A rule change to record. */
export interface RuleChange {
  id: string;
  cityId: string;
  categoryCode: string;
  zoneId: string;
  departmentCode: string;
  reason: string;
  createdBy: string | null;
}

/**
 * Records a new version of the rule for the category and zone (version 1 when there was none)
 * and returns it with the version it supersedes. Call it in a transaction.
 */
export async function addDispatchRuleVersion(
  db: Kysely<Database>,
  change: RuleChange,
): Promise<{ version: number; previousDepartmentCode: string | null }> {
  const gdb = governanceDb(db);
  const previous = await gdb
    .selectFrom('dispatch_rules')
    .select(['version', 'department_code'])
    .where('city_id', '=', change.cityId)
    .where('category_code', '=', change.categoryCode)
    .where('zone_id', '=', change.zoneId)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  const version = (previous?.version ?? 0) + 1;
  await gdb
    .insertInto('dispatch_rules')
    .values({
      id: change.id,
      city_id: change.cityId,
      category_code: change.categoryCode,
      zone_id: change.zoneId,
      department_code: change.departmentCode,
      version,
      reason: change.reason,
      created_by: change.createdBy,
    })
    .execute();
  return { version, previousDepartmentCode: previous?.department_code ?? null };
}

/** Seeds first versions of rules; a rule whose category and zone already have one is left alone. Returns how many were new. */
export async function seedDispatchRules(db: Kysely<Database>, rules: RuleChange[]): Promise<number> {
  let added = 0;
  const gdb = governanceDb(db);
  for (const rule of rules) {
    const rows = await gdb
      .insertInto('dispatch_rules')
      .values({
        id: rule.id,
        city_id: rule.cityId,
        category_code: rule.categoryCode,
        zone_id: rule.zoneId,
        department_code: rule.departmentCode,
        version: 1,
        reason: rule.reason,
        created_by: rule.createdBy,
      })
      .onConflict((oc) => oc.doNothing())
      .returning('id')
      .execute();
    added += rows.length;
  }
  return added;
}

/** The rules in force for a category in the given zones. */
async function currentRules(db: Kysely<Database>, cityId: string, categoryCode: string, zoneIds: string[]) {
  if (zoneIds.length === 0) return [];
  const rows = await governanceDb(db)
    .selectFrom('dispatch_rules')
    .select(['id', 'zone_id', 'department_code', 'version'])
    .where('city_id', '=', cityId)
    .where('category_code', '=', categoryCode)
    .where('zone_id', 'in', zoneIds)
    .orderBy('version', 'desc')
    .execute();
  const latest = new Map<string, CurrentRule>();
  for (const row of rows) {
    if (!latest.has(row.zone_id))
      latest.set(row.zone_id, { id: row.id, zoneId: row.zone_id, departmentCode: row.department_code });
  }
  return [...latest.values()];
}

/** Which department handles a report of `categoryCode` in the given zones, and why (see {@link decideDispatch}). */
export async function resolveDepartment(
  db: Kysely<Database>,
  cityId: string,
  categoryCode: string,
  zoneIds: ZoneIds,
): Promise<DispatchDecision> {
  const category = await findCategory(db, cityId, categoryCode);
  const ids = [zoneIds.grid, zoneIds.street, zoneIds.district].filter((id): id is string => id !== null);
  const rules = category ? await currentRules(db, cityId, categoryCode, ids) : [];
  const codes = [category?.defaultDepartmentCode, ...rules.map((r) => r.departmentCode)].filter(
    (c): c is string => typeof c === 'string',
  );
  const departments = new Map<string, string>();
  if (codes.length) {
    const rows = await db
      .selectFrom('departments')
      .select(['id', 'code'])
      .where('city_id', '=', cityId)
      .where('code', 'in', codes)
      .execute();
    for (const row of rows) departments.set(row.code, row.id);
  }
  return decideDispatch(zoneIds, rules, category?.defaultDepartmentCode ?? null, departments);
}
