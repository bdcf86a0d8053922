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
  bundle_id: string;
  version: number;
  spec: Json<Record<string, unknown>>;
  spec_hash: string;
  note: string;
  created_by: string | null;
  created_at: DefaultTimestamp;
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
};

/** The platform's database seen with this module's tables too. */
export type GovernmentDatabase = Database & GovernmentTables;

/** `db` with the digital-government tables in its type. */
export function governmentDb(db: Kysely<Database>): Kysely<GovernmentDatabase> {
  return db.withTables<GovernmentTables>();
}
