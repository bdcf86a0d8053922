/** Row types of the governance module's tables (migrations/0001_governance.sql). */
import type { Generated, Kysely } from 'kysely';
import type { Database, DefaultTimestamp, Json } from '../../platform/db/schema.ts';

/** An extra question asked when reporting a category. */
export interface CategoryAttribute {
  code: string;
  type: 'boolean' | 'number' | 'string';
  label_zh: string;
  label_en: string;
  required: boolean;
}

export type Priority = 'low' | 'normal' | 'high' | 'urgent';

export interface ReportCategoriesTable {
  id: string;
  city_id: string;
  code: string;
  parent_id: string | null;
  name_zh: string;
  name_en: string;
  default_department_code: string | null;
  priority: Priority | null;
  accept_within_minutes: number | null;
  resolve_within_minutes: number | null;
  attributes: Json<CategoryAttribute[]>;
  sort_order: number;
  enabled: Generated<boolean>;
  created_at: DefaultTimestamp;
}

export interface DispatchRulesTable {
  id: string;
  city_id: string;
  category_code: string;
  zone_id: string;
  department_code: string;
  version: number;
  reason: string;
  created_by: string | null;
  created_at: DefaultTimestamp;
}

/** The tables this module owns. */
export type GovernanceTables = {
  report_categories: ReportCategoriesTable;
  dispatch_rules: DispatchRulesTable;
};

/** The platform's database seen with this module's tables too. */
export type GovernanceDatabase = Database & GovernanceTables;

/** `db` with the governance tables in its type. */
export function governanceDb(db: Kysely<Database>): Kysely<GovernanceDatabase> {
  return db.withTables<GovernanceTables>();
}
