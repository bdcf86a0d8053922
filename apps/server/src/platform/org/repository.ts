/** Departments of a city. Every query is scoped by city. */

import type { Kysely, Selectable } from 'kysely';
import type { Department } from '#contracts';
import type { Database, DepartmentsTable } from '../db/schema.ts';

/** A department to store in a city. */
export interface NewDepartment extends Department {
  cityId: string;
}

function toDepartment(row: Selectable<DepartmentsTable>): Department {
  return {
    id: row.id,
    code: row.code,
    nameZh: row.name_zh,
    nameEn: row.name_en,
    shortZh: row.short_zh,
    shortEn: row.short_en,
    hotline: row.hotline,
  };
}

/** The city's departments, ordered by code. */
export async function listDepartments(db: Kysely<Database>, cityId: string): Promise<Department[]> {
  const rows = await db.selectFrom('departments').selectAll().where('city_id', '=', cityId).orderBy('code').execute();
  return rows.map(toDepartment);
}

/** One department of the city by code, or null. */
export async function findDepartment(db: Kysely<Database>, cityId: string, code: string): Promise<Department | null> {
  const row = await db
    .selectFrom('departments')
    .selectAll()
    .where('city_id', '=', cityId)
    .where('code', '=', code)
    .executeTakeFirst();
  return row ? toDepartment(row) : null;
}

/** Stores departments; existing ones (same id, or same city and code) are left alone. Returns how many were new. */
export async function insertDepartments(db: Kysely<Database>, departments: NewDepartment[]): Promise<number> {
  if (departments.length === 0) return 0;
  const rows = await db
    .insertInto('departments')
    .values(
      departments.map((d) => ({
        id: d.id,
        city_id: d.cityId,
        code: d.code,
        name_zh: d.nameZh,
        name_en: d.nameEn,
        short_zh: d.shortZh,
        short_en: d.shortEn,
        hotline: d.hotline,
      })),
    )
    .onConflict((oc) => oc.doNothing())
    .returning('id')
    .execute();
  return rows.length;
}
