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
  /** `committed`: the request's effects committed, its answer is not stored (yet). */
  state: 'processing' | 'committed' | 'done';
  response_status: number | null;
  response_headers: Json<Record<string, string>> | null;
  response_body: string | null;
  created_at: DefaultTimestamp;
  expires_at: Timestamp;
  /** The process (its instance id) holding the reservation; null for keys reserved before it was recorded. */
  owner: string | null;
  /** This reservation's own id: statements about it never touch a later reservation of the same key. */
  reservation: string | null;
}

/** platform/db (migration runner) */
export interface SchemaMigrationsTable {
  owner: string;
  name: string;
  checksum: string;
  applied_at: DefaultTimestamp;
}

/** platform/identity */
export interface CitizensTable {
  id: string;
  name: string | null;
  national_id_enc: string | null;
  national_id_bidx: string | null;
  phone_enc: string | null;
  phone_bidx: string | null;
  email_enc: string | null;
  email_bidx: string | null;
  address_enc: string | null;
  real_name_verified: Generated<boolean>;
  status: Generated<'active' | 'suspended'>;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

/** platform/identity */
export interface OtpChallengesTable {
  id: string;
  channel: 'sms' | 'email';
  destination_bidx: string;
  destination_enc: string;
  purpose: string;
  code_hash: string;
  attempts: Generated<number>;
  expires_at: Timestamp;
  consumed_at: Timestamp | null;
  created_at: DefaultTimestamp;
}

/** platform/identity (development notification channel) */
export interface DevMailboxTable {
  id: string;
  channel: string;
  destination_bidx: string;
  destination_mask: string;
  subject: string;
  body: string;
  created_at: DefaultTimestamp;
}

/** platform/identity */
export interface PasskeysTable {
  id: string;
  owner_kind: 'citizen' | 'staff';
  owner_id: string;
  credential_id: string;
  public_key: Uint8Array;
  counter: Generated<number>;
  transports: Generated<string[]>;
  device_type: string | null;
  backed_up: Generated<boolean>;
  name: string;
  created_at: DefaultTimestamp;
  last_used_at: Timestamp | null;
}

/** platform/identity */
export interface WebauthnChallengesTable {
  id: string;
  purpose: 'register' | 'authenticate';
  owner_kind: string | null;
  owner_id: string | null;
  challenge: string;
  expires_at: Timestamp;
  created_at: DefaultTimestamp;
}

/** platform/identity */
export interface StaffTable {
  id: string;
  city_id: string;
  department_id: string;
  username: string;
  display_name: string;
  password_hash: string;
  must_change_password: Generated<boolean>;
  totp_secret_enc: string | null;
  totp_enabled: Generated<boolean>;
  totp_last_step: number | null;
  roles: Generated<string[]>;
  jurisdiction: Generated<string[]>;
  failed_attempts: Generated<number>;
  locked_until: Timestamp | null;
  status: Generated<'active' | 'disabled'>;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

/** platform/identity */
export interface EnterprisesTable {
  id: string;
  uscc: string;
  name: string;
  legal_rep_citizen_id: string;
  registered_city_id: string | null;
  created_at: DefaultTimestamp;
}

/** platform/identity */
export interface EnterpriseMembersTable {
  enterprise_id: string;
  citizen_id: string;
  role: 'legal_rep' | 'admin' | 'agent';
  created_at: DefaultTimestamp;
}

/** platform/identity */
export interface SessionsTable {
  token_hash: string;
  principal_kind: 'citizen' | 'staff';
  principal_id: string;
  acting_for: string | null;
  csrf_token: string;
  second_factor: Generated<boolean>;
  method: string;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  idle_expires_at: Timestamp;
  absolute_expires_at: Timestamp;
  revoked_at: Timestamp | null;
}

/** platform/identity */
export interface ApiKeysTable {
  id: string;
  city_id: string;
  name: string;
  prefix: string;
  secret_hash: string;
  scopes: string[];
  department_id: string | null;
  created_by: string | null;
  created_at: DefaultTimestamp;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

/** platform/identity (consent) */
export interface PrivacyNoticesTable {
  kind: 'privacy' | 'location' | 'biometric';
  version: number;
  title_zh: string;
  title_en: string;
  body_zh: string;
  body_en: string;
  published_at: DefaultTimestamp;
}

/** platform/identity (consent) */
export interface ConsentsTable {
  id: string;
  citizen_id: string;
  kind: 'privacy' | 'location' | 'biometric';
  version: number;
  granted_at: Timestamp;
  withdrawn_at: Timestamp | null;
}

/** platform/audit */
export interface AuditLogTable {
  seq: number;
  id: string;
  at: Timestamp;
  actor_kind: string;
  actor_id: string | null;
  acting_for: string | null;
  action: string;
  subject_kind: string | null;
  subject_id: string | null;
  person_id: string | null;
  purpose: string | null;
  city_id: string | null;
  request_id: string | null;
  outcome: 'success' | 'denied' | 'failure';
  details: Json<Record<string, unknown>>;
  prev_hash: string;
  hash: string;
}

/** platform/identity/citizen (rate limits for sign-in and codes; shared by every process) */
export interface RateLimitCountersTable {
  bucket: string;
  window_start: Timestamp;
  hits: number;
  expires_at: Timestamp;
}

/** platform/audit */
export interface AuditHeadTable {
  id: number;
  seq: number;
  hash: string;
}

/** platform/identity/oidc */
export interface OidcClientsTable {
  id: string;
  name: string;
  redirect_uris: string[];
  scopes: string[];
  secret_enc: string;
  created_by: string | null;
  created_at: DefaultTimestamp;
  revoked_at: Timestamp | null;
}

/** platform/identity/oidc (oidc-provider's adapter storage) */
export interface OidcPayloadsTable {
  kind: string;
  id: string;
  payload: Json<Record<string, unknown>>;
  grant_id: string | null;
  user_code: string | null;
  uid: string | null;
  expires_at: Timestamp | null;
  consumed_at: Timestamp | null;
}

/** platform/identity/oidc */
export interface OidcSecretsTable {
  id: string;
  secret_enc: string;
  created_at: DefaultTimestamp;
}

/** platform/files (uploaded photos; bytes in `content`/`thumbnail` when `storage` is 'database') */
export interface FilesTable {
  id: string;
  city_id: string;
  purpose: string;
  content_type: string;
  byte_size: number;
  width: number;
  height: number;
  sha256: string;
  storage: ColumnType<string, string | undefined, string>;
  content: Uint8Array | null;
  thumbnail: Uint8Array | null;
  thumbnail_type: string;
  thumbnail_width: number;
  thumbnail_height: number;
  uploaded_by_kind: 'citizen' | 'staff' | 'api_key' | 'anonymous';
  uploaded_by_id: string | null;
  claim_hash: string | null;
  attached_to_kind: string | null;
  attached_to_id: string | null;
  attached_at: Timestamp | null;
  created_at: DefaultTimestamp;
}

/** Every table OneCity owns. */
export interface Database {
  citizens: CitizensTable;
  otp_challenges: OtpChallengesTable;
  dev_mailbox: DevMailboxTable;
  passkeys: PasskeysTable;
  webauthn_challenges: WebauthnChallengesTable;
  staff: StaffTable;
  enterprises: EnterprisesTable;
  enterprise_members: EnterpriseMembersTable;
  sessions: SessionsTable;
  api_keys: ApiKeysTable;
  privacy_notices: PrivacyNoticesTable;
  consents: ConsentsTable;
  audit_log: AuditLogTable;
  audit_head: AuditHeadTable;
  oidc_clients: OidcClientsTable;
  oidc_payloads: OidcPayloadsTable;
  oidc_secrets: OidcSecretsTable;
  rate_limit_counters: RateLimitCountersTable;
  files: FilesTable;
  holiday_calendar: HolidayCalendarTable;
  tenants: TenantsTable;
  departments: DepartmentsTable;
  zones: ZonesTable;
  outbox_events: OutboxEventsTable;
  event_inbox: EventInboxTable;
  jobs: JobsTable;
  idempotency_keys: IdempotencyKeysTable;
  schema_migrations: SchemaMigrationsTable;
}

/** platform/time (a city's own days off and working days, over the national holiday data) */
export interface HolidayCalendarTable {
  city_id: string;
  /** 'YYYY-MM-DD' (the drivers return `date` columns as strings). */
  day: string;
  kind: 'off' | 'work';
  name_zh: string;
  name_en: string;
  created_at: DefaultTimestamp;
}
