/** Row types of the digital-government module's tables (migrations/). */

import type { Kysely } from 'kysely';
import type { ServiceAudience } from '#contracts';
import type { Database, DefaultTimestamp, Json } from '../../platform/db/schema.ts';

export interface ServiceThemesTable {
  city_id: string;
  code: string;
  name_zh: string;
  name_en: string;
  sort_order: number;
}

export interface LifeEventsTable {
  city_id: string;
  code: string;
  name_zh: string;
  name_en: string;
  audience: 'citizen' | 'enterprise';
  sort_order: number;
}

export interface CertificateTypesTable {
  city_id: string;
  code: string;
  name_zh: string;
  name_en: string;
  department_code: string;
  holder: ServiceAudience;
  from_records: boolean;
  licence: boolean;
}

export interface ServicesTable {
  id: string;
  city_id: string;
  code: string;
  version: number;
  enabled: boolean;
  department_id: string;
  name_zh: string;
  name_en: string;
  summary_zh: string;
  summary_en: string;
  audience: ServiceAudience;
  themes: string[];
  life_events: string[];
  visits: number;
  online: boolean;
  legal_days: number;
  promised_days: number;
  fee_fen: number;
  certificate_type: string | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface ServiceVersionsTable {
  city_id: string;
  service_id: string;
  version: number;
  spec: Json<Record<string, unknown>>;
  spec_hash: string;
  note: string;
  created_by: string | null;
  created_at: DefaultTimestamp;
}

export interface ServiceBundlesTable {
  id: string;
  city_id: string;
  code: string;
  version: number;
  enabled: boolean;
  name_zh: string;
  name_en: string;
  life_event: string;
  services: string[];
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface ServiceBundleVersionsTable {
  city_id: string;
  bundle_id: string;
  version: number;
  spec: Json<Record<string, unknown>>;
  spec_hash: string;
  note: string;
  created_by: string | null;
  created_at: DefaultTimestamp;
}

/** Where an application is: a draft, waiting for an earlier bundle member, with staff, back with the applicant, or done. */
export type ApplicationStatus =
  | 'draft'
  | 'waiting'
  | 'in_progress'
  | 'awaiting_applicant'
  | 'approved'
  | 'rejected'
  | 'withdrawn';

export interface BundleApplicationsTable {
  id: string;
  city_id: string;
  tracking_no: string | null;
  bundle_id: string;
  bundle_version: number;
  citizen_id: string;
  enterprise_id: string | null;
  status: 'draft' | 'in_progress' | 'approved' | 'rejected' | 'withdrawn';
  answers: Json<Record<string, unknown>>;
  submitted_at: Date | null;
  completed_at: Date | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface ApplicationsTable {
  id: string;
  city_id: string;
  tracking_no: string | null;
  service_id: string;
  service_code: string;
  service_version: number;
  department_id: string;
  bundle_application_id: string | null;
  citizen_id: string;
  enterprise_id: string | null;
  status: ApplicationStatus;
  answers: Json<Record<string, unknown>>;
  prefilled: Json<Record<string, string>>;
  workflow_instance_id: string | null;
  fee_fen: number;
  payment_id: string | null;
  paid_at: Date | null;
  credential_id: string | null;
  submitted_at: Date | null;
  completed_at: Date | null;
  created_at: DefaultTimestamp;
  updated_at: DefaultTimestamp;
}

export interface ApplicationMaterialsTable {
  id: string;
  city_id: string;
  application_id: string;
  material_code: string;
  source: 'held' | 'upload';
  credential_id: string | null;
  file_id: string | null;
  attached_at: DefaultTimestamp;
  removed_at: Date | null;
}

export interface ApplicationLogTable {
  city_id: string;
  application_id: string;
  seq: number;
  kind: string;
  visibility: 'applicant' | 'internal';
  actor_kind: 'citizen' | 'staff' | 'system';
  actor_id: string | null;
  department_id: string | null;
  body: Json<Record<string, unknown>>;
  at: Date;
}

export interface ServiceRatingsTable {
  id: string;
  city_id: string;
  application_id: string;
  service_id: string;
  department_id: string;
  citizen_id: string;
  score: number;
  tags: string[];
  comment: string | null;
  created_at: Date;
}

export interface RectificationsTable {
  id: string;
  city_id: string;
  rating_id: string;
  application_id: string;
  department_id: string;
  due_at: Date;
  status: 'open' | 'done';
  outcome: string | null;
  handled_by: string | null;
  handled_at: Date | null;
  created_at: Date;
}

/** The tables this module owns. */
export type GovernmentTables = {
  service_themes: ServiceThemesTable;
  life_events: LifeEventsTable;
  certificate_types: CertificateTypesTable;
  services: ServicesTable;
  service_versions: ServiceVersionsTable;
  service_bundles: ServiceBundlesTable;
  service_bundle_versions: ServiceBundleVersionsTable;
  bundle_applications: BundleApplicationsTable;
  applications: ApplicationsTable;
  application_materials: ApplicationMaterialsTable;
  application_log: ApplicationLogTable;
  service_ratings: ServiceRatingsTable;
  rectifications: RectificationsTable;
};

/** The platform's database seen with this module's tables too. */
export type GovernmentDatabase = Database & GovernmentTables;

/** `db` with the digital-government tables in its type. */
export function governmentDb(db: Kysely<Database>): Kysely<GovernmentDatabase> {
  return db.withTables<GovernmentTables>();
}
