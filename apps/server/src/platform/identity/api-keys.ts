/**
 * API keys for machine clients (Open311 clients, device gateways, other departments' systems):
 * `ock_<prefix>_<secret>`, shown once at creation; the database keeps the prefix (for lookup)
 * and a SHA-256 of the secret. Scoped, tied to a city (and optionally a department), revocable.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { uuidv7 } from 'uuidv7';
import type { Database } from '../db/schema.ts';
import type { ApiKeyPrincipal } from './principal.ts';
import { safeEqual } from './sessions.ts';

const KEY = /^ock_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{43})$/;
const TOUCH_EVERY_MS = 60_000;

function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('base64url');
}

/** Creates a key; the returned `key` is the only time the secret is visible. */
export async function createApiKey(
  db: Kysely<Database>,
  input: { cityId: string; name: string; scopes: string[]; departmentId?: string | null; createdBy?: string | null },
): Promise<{ id: string; key: string; prefix: string }> {
  const prefix = randomBytes(9).toString('base64url').replace(/[-_]/g, 'x').slice(0, 12);
  const secret = randomBytes(32).toString('base64url');
  const id = uuidv7();
  await db
    .insertInto('api_keys')
    .values({
      id,
      city_id: input.cityId,
      name: input.name,
      prefix,
      secret_hash: hashSecret(secret),
      scopes: input.scopes,
      department_id: input.departmentId ?? null,
      created_by: input.createdBy ?? null,
    })
    .execute();
  return { id, key: `ock_${prefix}_${secret}`, prefix };
}

/** The principal of a presented key, or null when it is malformed, unknown, wrong or revoked. */
export async function findApiKey(db: Kysely<Database>, now: Date, presented: string): Promise<ApiKeyPrincipal | null> {
  const match = KEY.exec(presented);
  if (!match) return null;
  const [, prefix = '', secret = ''] = match;
  const row = await db.selectFrom('api_keys').selectAll().where('prefix', '=', prefix).executeTakeFirst();
  if (!row || row.revoked_at || !safeEqual(row.secret_hash, hashSecret(secret))) return null;
  if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() > TOUCH_EVERY_MS) {
    await db.updateTable('api_keys').set({ last_used_at: now }).where('id', '=', row.id).execute();
  }
  return { kind: 'api_key', id: row.id, cityId: row.city_id, departmentId: row.department_id, scopes: row.scopes };
}

/** Revokes a key at once. */
export async function revokeApiKey(db: Kysely<Database>, now: Date, id: string): Promise<boolean> {
  const result = await db
    .updateTable('api_keys')
    .set({ revoked_at: now })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
