/** Helpers for the identity tests: accounts inserted directly, sessions carried from answer to request. */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { generate } from 'otplib';
import { uuidv7 } from 'uuidv7';
import type { Clock } from '../../time/clock.ts';
import type { StaffRole } from '../principal.ts';
import { createSession, sessionCookieName } from '../sessions.ts';
import { hashPassword } from './passwords.ts';
import { newTotpSecret } from './totp.ts';

/** A browser's view of one session: the cookie and the CSRF token. */
export interface TestSession {
  cookie: string;
  csrf: string;
}

/** The session cookie set by `res`, if any. */
export function sessionCookieOf(app: FastifyInstance, res: LightMyRequestResponse): string | undefined {
  const name = sessionCookieName(app.platform.config);
  return res.cookies.find((c) => c.name === name)?.value;
}

/** Headers carrying `session` (cookie and CSRF token). */
export function sessionHeaders(app: FastifyInstance, session: TestSession): Record<string, string> {
  return { cookie: `${sessionCookieName(app.platform.config)}=${session.cookie}`, 'x-csrf-token': session.csrf };
}

/** What {@link insertTestStaff} inserted. */
export interface TestStaff {
  id: string;
  username: string;
  password: string;
  totpSecret: string | null;
  cityId: string;
  departmentId: string;
}

/** Inserts a staff account in lingnan's first department (or `departmentCode`) with a known password. */
export async function insertTestStaff(
  app: FastifyInstance,
  options: {
    username?: string;
    password?: string;
    roles?: StaffRole[];
    mustChangePassword?: boolean;
    totp?: boolean;
    cityId?: string;
    departmentCode?: string;
  } = {},
): Promise<TestStaff> {
  const { db, pii } = app.platform;
  const cityId = options.cityId ?? 'lingnan';
  const department = await db
    .selectFrom('departments')
    .select('id')
    .where('city_id', '=', cityId)
    .$if(options.departmentCode !== undefined, (q) => q.where('code', '=', options.departmentCode ?? ''))
    .orderBy('code')
    .executeTakeFirstOrThrow();
  const username = options.username ?? `staff-${uuidv7().slice(-12)}`;
  const password = options.password ?? 'correct horse battery';
  const totpSecret = options.totp ? newTotpSecret() : null;
  const id = uuidv7();
  await db
    .insertInto('staff')
    .values({
      id,
      city_id: cityId,
      department_id: department.id,
      username,
      display_name: username,
      password_hash: await hashPassword(password),
      must_change_password: options.mustChangePassword ?? false,
      totp_secret_enc: totpSecret ? pii.encrypt(totpSecret) : null,
      totp_enabled: !!totpSecret,
      roles: options.roles ?? ['clerk'],
    })
    .execute();
  return { id, username, password, totpSecret, cityId, departmentId: department.id };
}

/** The TOTP code for `secret` at the clock's time (plus `offsetSeconds`). */
export function totpCode(secret: string, clock: Clock, offsetSeconds = 0): Promise<string> {
  return generate({ secret, epoch: Math.floor(clock.now().getTime() / 1000) + offsetSeconds });
}

/** Signs in with user name and password; throws unless it succeeds. */
export async function staffSignIn(app: FastifyInstance, username: string, password: string): Promise<TestSession> {
  const res = await app.inject({ method: 'POST', url: '/api/v1/staff/sign-in', payload: { username, password } });
  const cookie = sessionCookieOf(app, res);
  if (res.statusCode !== 200 || !cookie) throw new Error(`sign-in failed: ${res.statusCode} ${res.body}`);
  return { cookie, csrf: res.json().csrfToken };
}

/** Signs in an account with TOTP set up ({@link insertTestStaff} with `totp: true`) all the way to full access. */
export async function staffFullSignIn(app: FastifyInstance, staff: TestStaff, clock: Clock): Promise<TestSession> {
  if (!staff.totpSecret) throw new Error('the account has no TOTP secret');
  const half = await staffSignIn(app, staff.username, staff.password);
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/staff/totp/verify',
    headers: sessionHeaders(app, half),
    payload: { code: await totpCode(staff.totpSecret, clock) },
  });
  const cookie = sessionCookieOf(app, res);
  if (res.statusCode !== 200 || !cookie) throw new Error(`TOTP failed: ${res.statusCode} ${res.body}`);
  return { cookie, csrf: res.json().csrfToken };
}

/** Inserts a citizen (phone encrypted and indexed, optional national ID) and opens a session for them. */
export async function insertTestCitizen(
  app: FastifyInstance,
  options: { name?: string; phone: string; nationalId?: string },
): Promise<{ id: string; session: TestSession }> {
  const { db, pii, config, clock } = app.platform;
  const id = uuidv7();
  await db
    .insertInto('citizens')
    .values({
      id,
      name: options.name ?? null,
      phone_enc: pii.encrypt(options.phone),
      phone_bidx: pii.blindIndex('phone', options.phone),
      national_id_enc: options.nationalId ? pii.encrypt(options.nationalId) : null,
      national_id_bidx: options.nationalId ? pii.blindIndex('national_id', options.nationalId) : null,
    })
    .execute();
  const session = await createSession(db, config, clock.now(), { kind: 'citizen', id, method: 'test' });
  return { id, session: { cookie: session.token, csrf: session.csrfToken } };
}
