/**
 * Staff accounts: creation (by an admin or the CLI), sign-in state, and the lockout that stops
 * password and one-time-code guessing. Plain functions over Kysely; callers own transactions.
 */
import type { Kysely, Selectable } from 'kysely';
import { uuidv7 } from 'uuidv7';
import type { AuditEntry } from '../../audit/index.ts';
import type { Database, StaffTable } from '../../db/schema.ts';
import { AppError } from '../../http/errors.ts';
import type { StaffRole } from '../principal.ts';
import { generateInitialPassword, hashPassword } from './passwords.ts';

/** Failed password or one-time-code attempts in a row before the account locks. */
export const MAX_FAILED_ATTEMPTS = 5;
/** How long a locked account stays locked. */
export const LOCKOUT_MS = 15 * 60_000;

/** A staff row as read from the database. */
export type StaffRow = Selectable<StaffTable>;

/** Where a new account belongs, resolved from codes to ids. */
export interface ResolvedStaffTarget {
  cityId: string;
  departmentId: string;
  jurisdiction: string[];
}

/** Resolves a city id, a department code and zone codes (all within that city) to ids. */
export async function resolveStaffTarget(
  db: Kysely<Database>,
  input: { cityId: string; departmentCode: string; jurisdictionCodes: readonly string[] },
): Promise<ResolvedStaffTarget> {
  const city = await db
    .selectFrom('tenants')
    .select('id')
    .where('id', '=', input.cityId)
    .where('kind', '=', 'city')
    .executeTakeFirst();
  if (!city) throw new AppError('CITY_NOT_FOUND', { city: input.cityId });
  const department = await db
    .selectFrom('departments')
    .select('id')
    .where('city_id', '=', city.id)
    .where('code', '=', input.departmentCode)
    .executeTakeFirst();
  if (!department) throw new AppError('DEPARTMENT_NOT_FOUND', { department: input.departmentCode });
  const codes = [...new Set(input.jurisdictionCodes)];
  const zones = codes.length
    ? await db
        .selectFrom('zones')
        .select(['id', 'code'])
        .where('city_id', '=', city.id)
        .where('code', 'in', codes)
        .execute()
    : [];
  const byCode = new Map(zones.map((z) => [z.code, z.id]));
  const missing = codes.find((code) => !byCode.has(code));
  if (missing !== undefined) throw new AppError('ZONE_NOT_FOUND', { zone: missing });
  return { cityId: city.id, departmentId: department.id, jurisdiction: codes.map((code) => byCode.get(code) ?? '') };
}

/** A created account with its one-time initial password. */
export interface CreatedStaffAccount extends ResolvedStaffTarget {
  id: string;
  username: string;
  roles: StaffRole[];
  initialPassword: string;
}

/** Inserts an account that must change its initial password at first sign-in; 409 USERNAME_TAKEN on a clash. */
export async function insertStaff(
  db: Kysely<Database>,
  target: ResolvedStaffTarget,
  input: { username: string; displayName: string; roles: readonly StaffRole[] },
): Promise<CreatedStaffAccount> {
  const initialPassword = generateInitialPassword();
  const id = uuidv7();
  const roles = [...new Set(input.roles)];
  const inserted = await db
    .insertInto('staff')
    .values({
      id,
      city_id: target.cityId,
      department_id: target.departmentId,
      username: input.username,
      display_name: input.displayName,
      password_hash: await hashPassword(initialPassword),
      must_change_password: true,
      roles,
      jurisdiction: target.jurisdiction,
    })
    .onConflict((oc) => oc.column('username').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!inserted) throw new AppError('USERNAME_TAKEN', { username: input.username });
  return { ...target, id, username: input.username, roles, initialPassword };
}

/** The audit entry of a created account (the same whether an admin or the command line created it). */
export function staffCreatedEntry(account: CreatedStaffAccount): AuditEntry {
  return {
    action: 'staff.create',
    subjectKind: 'staff',
    subjectId: account.id,
    cityId: account.cityId,
    details: { departmentId: account.departmentId, roles: account.roles, jurisdiction: account.jurisdiction },
  };
}

/** Creates an account from codes (what the CLI does): resolve, then insert. */
export async function createStaff(
  db: Kysely<Database>,
  input: {
    cityId: string;
    departmentCode: string;
    username: string;
    displayName: string;
    roles: readonly StaffRole[];
    jurisdictionCodes?: readonly string[];
  },
): Promise<CreatedStaffAccount> {
  const target = await resolveStaffTarget(db, {
    cityId: input.cityId,
    departmentCode: input.departmentCode,
    jurisdictionCodes: input.jurisdictionCodes ?? [],
  });
  return insertStaff(db, target, input);
}

/** Finds an account by user name (already normalised to lower case). */
export function findStaffByUsername(db: Kysely<Database>, username: string): Promise<StaffRow | undefined> {
  return db.selectFrom('staff').selectAll().where('username', '=', username).executeTakeFirst();
}

/** Finds an account by id. */
export function findStaffById(db: Kysely<Database>, id: string): Promise<StaffRow | undefined> {
  return db.selectFrom('staff').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Whole minutes (at least one) until a locked account opens again; 0 when it is not locked. */
export function lockedMinutes(row: Pick<StaffRow, 'locked_until'>, now: Date): number {
  if (!row.locked_until || row.locked_until <= now) return 0;
  return Math.max(1, Math.ceil((row.locked_until.getTime() - now.getTime()) / 60_000));
}

/** The 423 ACCOUNT_LOCKED error for `minutes`, with Retry-After. */
export function lockedError(minutes: number): AppError {
  return new AppError('ACCOUNT_LOCKED', { minutes }, { headers: { 'retry-after': String(minutes * 60) } });
}

/**
 * Counts one failed attempt. At {@link MAX_FAILED_ATTEMPTS} the account locks for
 * {@link LOCKOUT_MS}, the count starts again, and every session of the account ends (a
 * half-signed-in session must not keep guessing codes). Returns whether it locked now.
 */
export async function recordFailedAttempt(db: Kysely<Database>, staffId: string, now: Date): Promise<boolean> {
  const row = await db
    .updateTable('staff')
    .set((eb) => ({ failed_attempts: eb('failed_attempts', '+', 1) }))
    .where('id', '=', staffId)
    .returning('failed_attempts')
    .executeTakeFirst();
  if (!row || row.failed_attempts < MAX_FAILED_ATTEMPTS) return false;
  await db
    .updateTable('staff')
    .set({ failed_attempts: 0, locked_until: new Date(now.getTime() + LOCKOUT_MS), updated_at: now })
    .where('id', '=', staffId)
    .execute();
  await db
    .updateTable('sessions')
    .set({ revoked_at: now })
    .where('principal_kind', '=', 'staff')
    .where('principal_id', '=', staffId)
    .where('revoked_at', 'is', null)
    .execute();
  return true;
}

/** Clears the failure count after a success. */
export async function clearFailedAttempts(db: Kysely<Database>, staffId: string): Promise<void> {
  await db
    .updateTable('staff')
    .set({ failed_attempts: 0, locked_until: null })
    .where('id', '=', staffId)
    .where((eb) => eb.or([eb('failed_attempts', '>', 0), eb('locked_until', 'is not', null)]))
    .execute();
}

/** What the staff member must do next, given the account and whether the session passed its second factor. */
export function nextStep(
  row: Pick<StaffRow, 'must_change_password' | 'totp_enabled'>,
  secondFactor: boolean,
): 'password_change' | 'totp_enroll' | 'totp' | 'done' {
  if (row.must_change_password) return 'password_change';
  if (!secondFactor) return row.totp_enabled ? 'totp' : 'totp_enroll';
  return 'done';
}
