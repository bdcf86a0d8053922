/**
 * Sessions: a random token in an HttpOnly cookie, only its SHA-256 in the database; idle and
 * absolute time-outs per kind of account; a CSRF token per session; rotation at sign-in and
 * on any change of privilege; sign out here or everywhere.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Config } from '../../config.ts';
import { reusableQuery } from '../db/reusable.ts';
import type { Database } from '../db/schema.ts';

/** The session cookie's name (`__Host-` prefixed when served over HTTPS). */
export function sessionCookieName(config: Config): string {
  return config.http.publicUrl.startsWith('https://') ? '__Host-oc_session' : 'oc_session';
}

/** Whether cookies carry the Secure flag: always, except plain-http hosts other than loopback. */
export function secureCookies(config: Config): boolean {
  const url = new URL(config.http.publicUrl);
  return url.protocol === 'https:' || ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}

/** SHA-256 of a token, as stored. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/** Compares two strings in constant time (for codes and tokens). */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A newly created session: the token goes into the cookie, the CSRF token to the client. */
export interface NewSession {
  token: string;
  tokenHash: string;
  csrfToken: string;
  idleExpiresAt: Date;
  absoluteExpiresAt: Date;
}

/** What a session is for. */
export interface SessionSubject {
  kind: 'citizen' | 'staff';
  id: string;
  method: string;
  secondFactor?: boolean;
  actingFor?: string | null;
}

/** Creates a session (and revokes `replacing`, the one in the caller's cookie, if any). */
export async function createSession(
  db: Kysely<Database>,
  config: Config,
  now: Date,
  subject: SessionSubject,
  replacing?: string | null,
): Promise<NewSession> {
  const limits = config.sessions[subject.kind];
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  const tokenHash = hashToken(token);
  const idleExpiresAt = new Date(now.getTime() + limits.idleMs);
  const absoluteExpiresAt = new Date(now.getTime() + limits.maxMs);
  if (replacing) {
    await db
      .updateTable('sessions')
      .set({ revoked_at: now })
      .where('token_hash', '=', hashToken(replacing))
      .where('revoked_at', 'is', null)
      .execute();
  }
  await db
    .insertInto('sessions')
    .values({
      token_hash: tokenHash,
      principal_kind: subject.kind,
      principal_id: subject.id,
      acting_for: subject.actingFor ?? null,
      csrf_token: csrfToken,
      second_factor: subject.secondFactor ?? false,
      method: subject.method,
      created_at: now,
      last_seen_at: now,
      idle_expires_at: idleExpiresAt > absoluteExpiresAt ? absoluteExpiresAt : idleExpiresAt,
      absolute_expires_at: absoluteExpiresAt,
    })
    .execute();
  return { token, tokenHash, csrfToken, idleExpiresAt, absoluteExpiresAt };
}

/**
 * Replaces the session behind `token` with a new one carrying `changes` (privilege change:
 * second factor passed, acting for an enterprise). The old token stops working at once.
 */
export async function rotateSession(
  db: Kysely<Database>,
  config: Config,
  now: Date,
  token: string,
  changes: { secondFactor?: boolean; actingFor?: string | null; method?: string },
): Promise<NewSession | null> {
  const current = await db
    .selectFrom('sessions')
    .selectAll()
    .where('token_hash', '=', hashToken(token))
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!current) return null;
  const next = await createSession(
    db,
    config,
    now,
    {
      kind: current.principal_kind,
      id: current.principal_id,
      method: changes.method ?? current.method,
      secondFactor: changes.secondFactor ?? current.second_factor,
      actingFor: changes.actingFor === undefined ? current.acting_for : changes.actingFor,
    },
    token,
  );
  // Rotation keeps the absolute limit of the original sign-in.
  await db
    .updateTable('sessions')
    .set({ absolute_expires_at: current.absolute_expires_at })
    .where('token_hash', '=', next.tokenHash)
    .execute();
  return { ...next, absoluteExpiresAt: current.absolute_expires_at };
}

/** A live session as the auth layer needs it. */
export interface LiveSession {
  tokenHash: string;
  kind: 'citizen' | 'staff';
  principalId: string;
  actingFor: string | null;
  csrfToken: string;
  secondFactor: boolean;
}

/** How often a busy session's idle deadline is pushed forward (one write per minute at most). */
const TOUCH_EVERY_MS = 60_000;

/** A citizen's profile as read with their session (what `GET /me` shows, still encrypted). */
export interface SessionCitizen {
  id: string;
  name: string | null;
  national_id_enc: string | null;
  phone_enc: string | null;
  email_enc: string | null;
  address_enc: string | null;
  real_name_verified: boolean;
  passkey_count: number;
}

/** The account behind a live session, read in the same query as the session. */
export interface SessionAccount {
  status: string | null;
  /** Citizens: their profile columns, so that reading one's own profile needs no second query. */
  citizen: SessionCitizen | null;
  /** Citizens acting for an enterprise: their current role there (null when no longer a member). */
  memberRole: 'legal_rep' | 'admin' | 'agent' | null;
  staff: {
    cityId: string;
    departmentId: string;
    roles: string[];
    jurisdiction: string[];
    mustChangePassword: boolean;
  } | null;
}

/** The session row joined with its account: citizen status, or staff details, and enterprise role. */
const sessionWithAccount = reusableQuery(1, (db, tokenHash) =>
  db
    .selectFrom('sessions as s')
    .leftJoin('citizens as c', (join) =>
      join.on('s.principal_kind', '=', 'citizen').onRef('c.id', '=', 's.principal_id'),
    )
    .leftJoin('staff as st', (join) => join.on('s.principal_kind', '=', 'staff').onRef('st.id', '=', 's.principal_id'))
    .leftJoin('enterprise_members as em', (join) =>
      join.onRef('em.enterprise_id', '=', 's.acting_for').onRef('em.citizen_id', '=', 's.principal_id'),
    )
    .select([
      's.principal_kind',
      's.principal_id',
      's.acting_for',
      's.csrf_token',
      's.second_factor',
      's.last_seen_at',
      's.idle_expires_at',
      's.absolute_expires_at',
      'c.status as citizen_status',
      'c.name as citizen_name',
      'c.national_id_enc',
      'c.phone_enc',
      'c.email_enc',
      'c.address_enc',
      'c.real_name_verified',
      'st.status as staff_status',
      'st.city_id',
      'st.department_id',
      'st.roles',
      'st.jurisdiction',
      'st.must_change_password',
      'em.role as member_role',
    ])
    .select((eb) =>
      eb
        .selectFrom('passkeys as p')
        .select(eb.fn.countAll<number>().as('n'))
        .whereRef('p.owner_kind', '=', 's.principal_kind')
        .whereRef('p.owner_id', '=', 's.principal_id')
        .as('passkey_count'),
    )
    .where('s.token_hash', '=', tokenHash ?? '')
    .where('s.revoked_at', 'is', null),
);

/**
 * The live session behind `token` with its account, in one round trip (every authenticated
 * request pays for this), extending the idle deadline at most once a minute; null when the
 * session is unknown, revoked or expired.
 */
export async function findSession(
  db: Kysely<Database>,
  config: Config,
  now: Date,
  token: string,
): Promise<(LiveSession & { account: SessionAccount }) | null> {
  const tokenHash = hashToken(token);
  const [row] = await sessionWithAccount(db, tokenHash);
  if (!row) return null;
  if (row.idle_expires_at <= now || row.absolute_expires_at <= now) return null;
  if (now.getTime() - row.last_seen_at.getTime() >= TOUCH_EVERY_MS) {
    const idle = new Date(now.getTime() + config.sessions[row.principal_kind].idleMs);
    await db
      .updateTable('sessions')
      .set({ last_seen_at: now, idle_expires_at: idle > row.absolute_expires_at ? row.absolute_expires_at : idle })
      .where('token_hash', '=', tokenHash)
      .execute();
  }
  const isStaff = row.principal_kind === 'staff';
  return {
    tokenHash,
    kind: row.principal_kind,
    principalId: row.principal_id,
    actingFor: row.acting_for,
    csrfToken: row.csrf_token,
    secondFactor: row.second_factor,
    account: {
      status: isStaff ? row.staff_status : row.citizen_status,
      citizen: isStaff
        ? null
        : {
            id: row.principal_id,
            name: row.citizen_name,
            national_id_enc: row.national_id_enc,
            phone_enc: row.phone_enc,
            email_enc: row.email_enc,
            address_enc: row.address_enc,
            real_name_verified: row.real_name_verified ?? false,
            passkey_count: Number(row.passkey_count ?? 0),
          },
      memberRole: row.member_role,
      staff:
        isStaff && row.city_id && row.department_id
          ? {
              cityId: row.city_id,
              departmentId: row.department_id,
              roles: row.roles ?? [],
              jurisdiction: row.jurisdiction ?? [],
              mustChangePassword: row.must_change_password ?? false,
            }
          : null,
    },
  };
}

/** Revokes one session. */
export async function revokeSession(db: Kysely<Database>, now: Date, tokenHash: string): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ revoked_at: now })
    .where('token_hash', '=', tokenHash)
    .where('revoked_at', 'is', null)
    .execute();
}

/** Revokes every session of one account ("sign out everywhere"); returns how many. */
export async function revokeAllSessions(
  db: Kysely<Database>,
  now: Date,
  kind: 'citizen' | 'staff',
  principalId: string,
): Promise<number> {
  const result = await db
    .updateTable('sessions')
    .set({ revoked_at: now })
    .where('principal_kind', '=', kind)
    .where('principal_id', '=', principalId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
