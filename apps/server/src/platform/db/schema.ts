/**
 * Row types of every table, as Kysely sees them. Each module adds its own tables here
 * through its own interface; the owner of each table is written beside it (docs/DATABASE.md).
 */
import type { ColumnType, Generated } from 'kysely';

/** A timestamptz column: read as Date, written as Date or ISO string. */
export type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** A timestamptz column with a database default: optional on insert. */
export type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** A jsonb column holding `T`. */
export type Json<T> = ColumnType<T, T | string, T | string>;

/** platform/tenancy */
export interface TenantsTable {
  id: string;
  kind: 'province' | 'city';
  parent_id: string | null;
  admin_code: string;
  name_zh: string;
  name_en: string;
  time_zone: string;
  center_lat: number;
  center_lon: number;
  created_at: DefaultTimestamp;
}

/** platform/org */
export interface DepartmentsTable {
  id: string;
  city_id: string;
  code: string;
  name_zh: string;
  name_en: string;
  short_zh: string;
  short_en: string;
  hotline: string | null;
  created_at: DefaultTimestamp;
}

/** A GeoJSON Polygon or MultiPolygon geometry (positions are `[lon, lat]`). */
export type ZoneGeometry =
  | { type: 'Polygon'; coordinates: number[][][] }
  | { type: 'MultiPolygon'; coordinates: number[][][][] };

/** platform/geo */
export interface ZonesTable {
  id: string;
  city_id: string;
  code: string;
  level: 'district' | 'street' | 'grid';
  parent_id: string | null;
  name_zh: string;
  name_en: string;
  geometry: Json<ZoneGeometry>;
  min_lon: number;
  min_lat: number;
  max_lon: number;
  max_lat: number;
  center_lat: number;
  center_lon: number;
  h3_cell: string;
  created_at: DefaultTimestamp;
}

/** platform/events */
export interface OutboxEventsTable {
  id: string;
  seq: Generated<number>;
  city_id: string | null;
  type: string;
  source: string;
  subject: string | null;
  data: Json<unknown>;
  time: Timestamp;
  published_at: Timestamp | null;
  attempts: Generated<number>;
  next_attempt_at: DefaultTimestamp;
  last_error: string | null;
}

/** platform/events */
export interface EventInboxTable {
  consumer: string;
  event_id: string;
  handled_at: DefaultTimestamp;
}

/** platform/jobs */
export interface JobsTable {
  id: string;
  city_id: string | null;
  kind: string;
  payload: Json<Record<string, unknown>>;
  run_at: Timestamp;
  status: Generated<'pending' | 'done' | 'failed' | 'cancelled'>;
  attempts: Generated<number>;
  max_attempts: Generated<number>;
  dedupe_key: string | null;
  last_error: string | null;
  done_by: string | null;
  created_at: DefaultTimestamp;
  finished_at: Timestamp | null;
}

/** platform/http (idempotency) */
export interface IdempotencyKeysTable {
  scope: string;
  key: string;
  method: string;
  path: string;
  request_hash: string;
  state: 'processing' | 'done';
  response_status: number | null;
  response_headers: Json<Record<string, string>> | null;
  response_body: string | null;
  created_at: DefaultTimestamp;
  expires_at: Timestamp;
}

/** platform/db (migration runner) */
export interface SchemaMigrationsTable {
  owner: string;
  name: string;
  checksum: string;
  applied_at: DefaultTimestamp;
}

/** Every table OneCity owns. */
export interface Database {
  tenants: TenantsTable;
  departments: DepartmentsTable;
  zones: ZonesTable;
  outbox_events: OutboxEventsTable;
  event_inbox: EventInboxTable;
  jobs: JobsTable;
  idempotency_keys: IdempotencyKeysTable;
  schema_migrations: SchemaMigrationsTable;
}
