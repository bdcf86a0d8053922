/**
 * oidc-provider's storage in the database (`oidc_payloads`), so that every process sees the
 * same sessions, interactions, grants, codes and tokens. Clients are not stored here: the
 * `Client` model reads the registered clients from `oidc_clients` (see clients.ts).
 */
import type { Kysely } from 'kysely';
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { Database } from '../../db/schema.ts';
import type { Clock } from '../../time/clock.ts';
import type { PiiVault } from '../pii.ts';
import { clientMetadata } from './clients.ts';

/** Models whose artefacts belong to a grant and go when the grant is revoked. */
const GRANTABLE = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
]);

/** An adapter factory for oidc-provider's `adapter` setting. */
export function databaseAdapter(db: Kysely<Database>, clock: Clock, vault: PiiVault) {
  return (kind: string): Adapter => (kind === 'Client' ? clientAdapter(db, vault) : payloadAdapter(db, clock, kind));
}

function payloadAdapter(db: Kysely<Database>, clock: Clock, kind: string): Adapter {
  const findWhere = async (column: 'id' | 'uid' | 'user_code', value: string) => {
    const row = await db
      .selectFrom('oidc_payloads')
      .select(['payload', 'expires_at', 'consumed_at'])
      .where('kind', '=', kind)
      .where(column, '=', value)
      .executeTakeFirst();
    if (!row || (row.expires_at && row.expires_at <= clock.now())) return undefined;
    const payload = row.payload as AdapterPayload;
    return row.consumed_at ? { ...payload, consumed: Math.floor(row.consumed_at.getTime() / 1000) } : payload;
  };
  return {
    async upsert(id, payload, expiresIn) {
      const expiresAt = typeof expiresIn === 'number' ? new Date(clock.now().getTime() + expiresIn * 1000) : null;
      const row = {
        kind,
        id,
        payload: JSON.stringify(payload),
        grant_id: GRANTABLE.has(kind) && typeof payload.grantId === 'string' ? payload.grantId : null,
        user_code: typeof payload.userCode === 'string' ? payload.userCode : null,
        uid: typeof payload.uid === 'string' ? payload.uid : null,
        expires_at: expiresAt,
      };
      await db
        .insertInto('oidc_payloads')
        .values(row)
        .onConflict((oc) =>
          oc.columns(['kind', 'id']).doUpdateSet({
            payload: row.payload,
            grant_id: row.grant_id,
            user_code: row.user_code,
            uid: row.uid,
            expires_at: row.expires_at,
          }),
        )
        .execute();
    },
    find: (id) => findWhere('id', id),
    findByUid: (uid) => findWhere('uid', uid),
    findByUserCode: (userCode) => findWhere('user_code', userCode),
    async consume(id) {
      await db
        .updateTable('oidc_payloads')
        .set({ consumed_at: clock.now() })
        .where('kind', '=', kind)
        .where('id', '=', id)
        .execute();
    },
    async destroy(id) {
      await db.deleteFrom('oidc_payloads').where('kind', '=', kind).where('id', '=', id).execute();
    },
    async revokeByGrantId(grantId) {
      await db.deleteFrom('oidc_payloads').where('grant_id', '=', grantId).execute();
    },
  };
}

/** Read-only: clients are created by an administrator, never by the provider itself. */
function clientAdapter(db: Kysely<Database>, vault: PiiVault): Adapter {
  const none = async () => undefined;
  return {
    async find(id) {
      const row = await db
        .selectFrom('oidc_clients')
        .selectAll()
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return row ? (clientMetadata(row, vault) as unknown as AdapterPayload) : undefined;
    },
    findByUid: none,
    findByUserCode: none,
    upsert: async () => {},
    consume: async () => {},
    destroy: async () => {},
    revokeByGrantId: async () => {},
  };
}

/** Deletes expired provider artefacts; returns how many (for the housekeeping job). */
export async function pruneOidcPayloads(db: Kysely<Database>, now: Date): Promise<number> {
  const result = await db.deleteFrom('oidc_payloads').where('expires_at', '<', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}
