import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { describeEachDialect } from '../../testing/db.ts';

/**
 * Tables that are not one city's data. Adding a table here is a decision: every other table
 * belongs to a city and must say which. Plumbing: tenants, events, jobs, idempotency,
 * migrations. Identity is deployment-wide (one sign-in across the province's cities); the
 * audit log records a city per entry where there is one. A payment provider's books are not
 * the city's (the development provider keeps its own in this database).
 */
const NOT_CITY_DATA = [
  'tenants',
  'outbox_events',
  'event_inbox',
  'jobs',
  'idempotency_keys',
  'schema_migrations',
  'citizens',
  'otp_challenges',
  'dev_mailbox',
  'passkeys',
  'webauthn_challenges',
  'sessions',
  'enterprises',
  'enterprise_members',
  'privacy_notices',
  'consents',
  'audit_log',
  'audit_head',
  'oidc_clients',
  'oidc_payloads',
  'oidc_secrets',
  'rate_limit_counters',
  // The development payment provider's own books, standing in for another company's system.
  'payment_dev_orders',
];

describeEachDialect('tenancy in the schema', (ctx) => {
  it('gives every domain table a mandatory city_id that refers to a tenant', async () => {
    const { rows: tables } = await sql<{ name: string }>`
      SELECT table_name AS name FROM information_schema.tables
      WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name`.execute(ctx.handle().db);
    const { rows: cityColumns } = await sql<{ name: string; nullable: string }>`
      SELECT table_name AS name, is_nullable AS nullable FROM information_schema.columns
      WHERE table_schema = 'public' AND column_name = 'city_id'`.execute(ctx.handle().db);
    const { rows: references } = await sql<{ name: string }>`
      SELECT tc.table_name AS name
      FROM information_schema.table_constraints tc
      JOIN information_schema.key_column_usage kcu ON kcu.constraint_name = tc.constraint_name
      JOIN information_schema.constraint_column_usage ccu ON ccu.constraint_name = tc.constraint_name
      WHERE tc.constraint_type = 'FOREIGN KEY' AND kcu.column_name = 'city_id' AND ccu.table_name = 'tenants'`.execute(
      ctx.handle().db,
    );
    const domain = tables.map((t) => t.name).filter((t) => !NOT_CITY_DATA.includes(t));
    expect(domain.length).toBeGreaterThan(0);
    for (const table of domain) {
      const column = cityColumns.find((c) => c.name === table);
      expect(column, `${table} has no city_id`).toBeDefined();
      expect(column?.nullable, `${table}.city_id must be NOT NULL`).toBe('NO');
      expect(
        references.some((r) => r.name === table),
        `${table}.city_id must reference tenants`,
      ).toBe(true);
    }
  });
});
