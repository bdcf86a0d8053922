/** Row types of the governance module's tables (migrations/0001_governance.sql). */
import type { ColumnType, Generated, Kysely } from 'kysely';
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
  sensitive: Generated<boolean>;
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

/** Where a report came from. */
export type ReportChannel = 'app' | 'inspector' | 'open311' | 'sensor';

export interface WorkOrdersTable {
  id: string;
  city_id: string;
  category_code: string;
  priority: Priority;
  lat: number;
  lon: number;
  district_id: string | null;
  street_id: string | null;
  grid_id: string | null;
  h3_res9: string;
  accept_within_minutes: number;
  resolve_within_minutes: number;
  status: string;
  department_id: string | null;
  assignee_id: string | null;
  escalation_level: Generated<number>;
  accept_due_at: Date | null;
  resolve_due_at: Date | null;
  accepted_at: Date | null;
  resolved_at: Date | null;
  closed_at: Date | null;
  rating: number | null;
  reopen_count: Generated<number>;
  transfer_count: Generated<number>;
  merged_into: string | null;
  report_count: Generated<number>;
  last_seq: number;
  created_at: Date;
  updated_at: Date;
}

export interface ReportsTable {
  id: string;
  city_id: string;
  tracking_no: string;
  work_order_id: string;
  own_work_order_id: string | null;
  category_code: string;
  description: string;
  lat: number;
  lon: number;
  address: string | null;
  attributes: Json<Record<string, boolean | number | string>>;
  channel: ReportChannel;
  reporter_citizen_id: string | null;
  reporter_staff_id: string | null;
  reporter_api_key_id: string | null;
  follow_token_hash: string | null;
  contact_enc: string | null;
  device_id: string | null;
  created_at: Date;
}

export interface WorkOrderActionsTable {
  id: string;
  city_id: string;
  work_order_id: string;
  seq: number;
  action: string;
  actor_kind: 'citizen' | 'staff' | 'api_key' | 'anonymous' | 'system';
  actor_id: string | null;
  department_id: string | null;
  assignee_id: string | null;
  reason: string | null;
  note: string | null;
  rating: number | null;
  tags: ColumnType<string[], string[] | undefined, string[]>;
  report_id: string | null;
  target_id: string | null;
  escalation: number | null;
  created_at: Date;
}

export interface ReportPhotosTable {
  file_id: string;
  city_id: string;
  work_order_id: string;
  report_id: string | null;
  action_id: string | null;
  kind: 'before' | 'after';
  public_approved_at: Date | null;
  approved_by: string | null;
  created_at: Date;
}

export interface RatingFollowUpsTable {
  id: string;
  city_id: string;
  work_order_id: string;
  department_id: string;
  rating: number;
  tags: ColumnType<string[], string[] | undefined, string[]>;
  due_at: Date;
  outcome: string | null;
  closed_by: string | null;
  closed_at: Date | null;
  created_at: Date;
}

export interface NotificationsTable {
  id: string;
  city_id: string;
  citizen_id: string;
  kind: string;
  report_id: string | null;
  tracking_no: string | null;
  status: string | null;
  details: Json<Record<string, unknown>>;
  created_at: Date;
  read_at: Date | null;
}

export interface AreaFollowsTable {
  id: string;
  city_id: string;
  citizen_id: string;
  zone_id: string;
  last_digest_at: Date | null;
  created_at: Date;
}

/** The tables this module owns. */
export type GovernanceTables = {
  report_categories: ReportCategoriesTable;
  dispatch_rules: DispatchRulesTable;
  work_orders: WorkOrdersTable;
  reports: ReportsTable;
  work_order_actions: WorkOrderActionsTable;
  report_photos: ReportPhotosTable;
  rating_follow_ups: RatingFollowUpsTable;
  notifications: NotificationsTable;
  area_follows: AreaFollowsTable;
};

/** The platform's database seen with this module's tables too. */
export type GovernanceDatabase = Database & GovernanceTables;

/** `db` with the governance tables in its type. */
export function governanceDb(db: Kysely<Database>): Kysely<GovernanceDatabase> {
  return db.withTables<GovernanceTables>();
}
