/**
 * Staff sign-in: password, then (at first sign-in) a new password, then TOTP (enrolment at
 * first sign-in). Until the second factor passes, the session reaches only these routes. Each
 * step that raises privilege replaces the session (a new cookie and CSRF token); five failed
 * passwords or codes in a row lock the account for fifteen minutes; every outcome is audited.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  StaffPasswordChangeRequest,
  StaffProfile,
  StaffSignInRequest,
  StaffSignInState,
  TotpEnrollment,
  TotpVerifyRequest,
} from '#contracts';
import { audit } from '../../audit/index.ts';
import { AppError } from '../../http/errors.ts';
import { access } from '../access.ts';
import { clearSessionCookie, sessionTokenOf, setSessionCookie, staffOf } from '../auth.ts';
import type { StaffRole } from '../principal.ts';
import { createSession, hashToken, revokeSession, rotateSession, sessionCookieName } from '../sessions.ts';
import {
  dummyPasswordCheck,
  hashPassword,
  PASSWORD_MIN_LENGTH,
  passwordAcceptable,
  verifyPassword,
} from './passwords.ts';
import { phantomFailure, phantomLockedMinutes } from './phantom-lockout.ts';
import {
  clearFailedAttempts,
  findStaffById,
  findStaffByUsername,
  LOCKOUT_MS,
  lockedError,
  lockedMinutes,
  nextStep,
  recordFailedAttempt,
  type StaffRow,
} from './service.ts';
import { checkTotp, newTotpSecret, totpUri } from './totp.ts';

const LOCKOUT_MINUTES = LOCKOUT_MS / 60_000;

/** Registers the staff sign-in routes (mounted under /api/v1). */
export async function staffAuthRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db, config, clock, pii } = app.platform;

  /** Records a failed password or code for `row` (and the lock it may cause), then answers with `code` or 423. */
  async function failAttempt(
    request: FastifyRequest,
    row: StaffRow,
    action: string,
    reason: string,
    code: 'SIGN_IN_FAILED' | 'PASSWORD_INCORRECT' | 'TOTP_CODE_INVALID',
  ): Promise<never> {
    const now = clock.now();
    const locked = await db.transaction().execute(async (trx) => {
      const lockedNow = await recordFailedAttempt(trx, row.id, now);
      const subject = { subjectKind: 'staff', subjectId: row.id, cityId: row.city_id };
      await audit(trx, request, { action, ...subject, outcome: 'failure', details: { reason } });
      if (lockedNow) {
        await audit(trx, request, {
          action: 'staff.lock',
          ...subject,
          details: { minutes: LOCKOUT_MINUTES, after: action },
        });
      }
      return lockedNow;
    });
    throw locked ? lockedError(LOCKOUT_MINUTES) : new AppError(code);
  }

  /** Refuses (and audits) a request on a locked account. */
  async function refuseIfLocked(request: FastifyRequest, row: StaffRow, action: string): Promise<void> {
    const minutes = lockedMinutes(row, clock.now());
    if (!minutes) return;
    await db.transaction().execute((trx) =>
      audit(trx, request, {
        action,
        subjectKind: 'staff',
        subjectId: row.id,
        cityId: row.city_id,
        outcome: 'denied',
        details: { reason: 'locked' },
      }),
    );
    throw lockedError(minutes);
  }

  async function currentRow(request: FastifyRequest): Promise<StaffRow> {
    const row = await findStaffById(db, staffOf(request).id);
    if (!row) throw new AppError('UNAUTHENTICATED');
    return row;
  }

  r.post(
    '/staff/sign-in',
    {
      config: { access: access.public(), replay: false },
      schema: {
        tags: ['identity'],
        summary: 'Staff sign-in with user name and password; the answer says what comes next',
        description:
          'Starts a session that reaches only the sign-in routes until the second factor passes. An unknown user ' +
          'name and a wrong password get the same answer (401 SIGN_IN_FAILED). Five failures in a row lock the ' +
          'account for 15 minutes (423 ACCOUNT_LOCKED).',
        body: StaffSignInRequest,
        response: { 200: StaffSignInState },
      },
    },
    async (request, reply) => {
      const now = clock.now();
      const { username, password } = request.body;
      const row = await findStaffByUsername(db, username);
      if (row?.status !== 'active') {
        // Same work, the same answer and the same lockout as a real account with a wrong
        // password: nobody learns which names exist.
        const key = config.secrets.blindIndexKey;
        const minutes = await phantomLockedMinutes(db, key, username, now);
        await dummyPasswordCheck(password);
        if (minutes) throw lockedError(minutes);
        const lockedNow = await phantomFailure(db, key, username, now);
        await db.transaction().execute((trx) =>
          audit(trx, request, {
            action: 'staff.sign_in',
            outcome: 'failure',
            ...(row ? { subjectKind: 'staff', subjectId: row.id, cityId: row.city_id } : {}),
            details: { reason: row ? 'disabled' : 'unknown_account' },
          }),
        );
        throw lockedNow ? lockedError(LOCKOUT_MINUTES) : new AppError('SIGN_IN_FAILED');
      }
      await refuseIfLocked(request, row, 'staff.sign_in');
      if (!(await verifyPassword(row.password_hash, password))) {
        await failAttempt(request, row, 'staff.sign_in', 'wrong_password', 'SIGN_IN_FAILED');
      }
      const session = await db.transaction().execute(async (trx) => {
        await clearFailedAttempts(trx, row.id);
        const created = await createSession(
          trx,
          config,
          now,
          { kind: 'staff', id: row.id, method: 'password', secondFactor: false },
          request.cookies[sessionCookieName(config)] ?? null,
        );
        await audit(trx, request, {
          action: 'staff.sign_in',
          subjectKind: 'staff',
          subjectId: row.id,
          cityId: row.city_id,
        });
        return created;
      });
      setSessionCookie(request, reply, session);
      return {
        next: nextStep(row, false),
        csrfToken: session.csrfToken,
        expiresAt: session.absoluteExpiresAt.toISOString(),
      };
    },
  );

  r.get(
    '/staff/session',
    {
      config: { access: access.staffSigningIn() },
      schema: {
        tags: ['identity'],
        summary: "The current staff session's next step and CSRF token (to resume a sign-in after a reload)",
        response: { 200: StaffSignInState },
      },
    },
    async (request) => {
      const me = staffOf(request);
      const row = await currentRow(request);
      const session = await db
        .selectFrom('sessions')
        .select(['csrf_token', 'absolute_expires_at'])
        .where('token_hash', '=', hashToken(sessionTokenOf(request)))
        .executeTakeFirstOrThrow();
      return {
        next: nextStep(row, me.secondFactor),
        csrfToken: session.csrf_token,
        expiresAt: session.absolute_expires_at.toISOString(),
      };
    },
  );

  r.post(
    '/staff/password',
    {
      config: { access: access.staffSigningIn(), replay: false },
      schema: {
        tags: ['identity'],
        summary: 'Change the password (required at first sign-in); signs out every other session',
        description: `The new password needs at least ${PASSWORD_MIN_LENGTH} characters and must differ from the user name and the current password.`,
        body: StaffPasswordChangeRequest,
        response: { 200: StaffSignInState },
      },
    },
    async (request, reply) => {
      const me = staffOf(request);
      const token = sessionTokenOf(request);
      const row = await currentRow(request);
      await refuseIfLocked(request, row, 'staff.password_change');
      const { current, next } = request.body;
      if (!(await verifyPassword(row.password_hash, current))) {
        await failAttempt(request, row, 'staff.password_change', 'wrong_password', 'PASSWORD_INCORRECT');
      }
      if (!passwordAcceptable(next, { username: row.username, current })) {
        throw new AppError('PASSWORD_TOO_WEAK', { min: PASSWORD_MIN_LENGTH });
      }
      const passwordHash = await hashPassword(next);
      const now = clock.now();
      const session = await db.transaction().execute(async (trx) => {
        await trx
          .updateTable('staff')
          .set({ password_hash: passwordHash, must_change_password: false, failed_attempts: 0, updated_at: now })
          .where('id', '=', row.id)
          .execute();
        const rotated = await rotateSession(trx, config, now, token, {});
        if (!rotated) throw new AppError('UNAUTHENTICATED');
        // Whoever else held a session with the old password is signed out.
        await trx
          .updateTable('sessions')
          .set({ revoked_at: now })
          .where('principal_kind', '=', 'staff')
          .where('principal_id', '=', row.id)
          .where('token_hash', '!=', rotated.tokenHash)
          .where('revoked_at', 'is', null)
          .execute();
        await audit(trx, request, {
          action: 'staff.password_change',
          subjectKind: 'staff',
          subjectId: row.id,
          cityId: row.city_id,
          details: { initial: row.must_change_password },
        });
        return rotated;
      });
      setSessionCookie(request, reply, session);
      return {
        next: nextStep({ must_change_password: false, totp_enabled: row.totp_enabled }, me.secondFactor),
        csrfToken: session.csrfToken,
        expiresAt: session.absoluteExpiresAt.toISOString(),
      };
    },
  );

  r.post(
    '/staff/totp/enroll',
    {
      config: { access: access.staffSigningIn(), replay: false },
      schema: {
        tags: ['identity'],
        summary: 'Set up an authenticator app: returns the TOTP secret, which is never shown again once verified',
        description:
          'Calling it again before the first code is verified replaces the secret. With an authenticator already ' +
          'set up: 409 TOTP_ALREADY_ENROLLED.',
        response: { 200: TotpEnrollment },
      },
    },
    async (request) => {
      const me = staffOf(request);
      // The one who sets up the second factor must be the one who knows the new password.
      if (me.mustChangePassword) throw new AppError('PASSWORD_CHANGE_REQUIRED');
      const row = await currentRow(request);
      if (row.totp_enabled) throw new AppError('TOTP_ALREADY_ENROLLED');
      const secret = newTotpSecret();
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable('staff')
          .set({ totp_secret_enc: pii.encrypt(secret), totp_last_step: null, updated_at: clock.now() })
          .where('id', '=', row.id)
          .execute();
        await audit(trx, request, {
          action: 'staff.totp_enroll',
          subjectKind: 'staff',
          subjectId: row.id,
          cityId: row.city_id,
        });
      });
      return { secret, otpauthUri: totpUri(secret, row.username) };
    },
  );

  r.post(
    '/staff/totp/verify',
    {
      config: { access: access.staffSigningIn(), replay: false },
      schema: {
        tags: ['identity'],
        summary: 'Pass the second factor with a TOTP code (completes enrolment the first time)',
        description:
          'On success the session is replaced by one with full access. A code is accepted once: a replayed or ' +
          'older code is refused (400 TOTP_CODE_INVALID) and counts as a failed attempt.',
        body: TotpVerifyRequest,
        response: { 200: StaffSignInState },
      },
    },
    async (request, reply) => {
      const me = staffOf(request);
      if (me.mustChangePassword) throw new AppError('PASSWORD_CHANGE_REQUIRED');
      const token = sessionTokenOf(request);
      const row = await currentRow(request);
      await refuseIfLocked(request, row, 'staff.totp_verify');
      if (!row.totp_secret_enc) throw new AppError('TOTP_NOT_ENROLLED');
      const now = clock.now();
      const step = await checkTotp(pii.decrypt(row.totp_secret_enc), request.body.code, now, row.totp_last_step);
      const session =
        step === null
          ? null
          : await db.transaction().execute(async (trx) => {
              // Claiming the step in the same statement that checks it: two requests racing with one code cannot both pass.
              const claimed = await trx
                .updateTable('staff')
                .set({ totp_last_step: step, totp_enabled: true, failed_attempts: 0, updated_at: now })
                .where('id', '=', row.id)
                .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
                .executeTakeFirst();
              if (Number(claimed.numUpdatedRows) === 0) return null;
              const rotated = await rotateSession(trx, config, now, token, {
                secondFactor: true,
                method: 'password+totp',
              });
              if (!rotated) throw new AppError('UNAUTHENTICATED');
              await audit(trx, request, {
                action: 'staff.totp_verify',
                subjectKind: 'staff',
                subjectId: row.id,
                cityId: row.city_id,
                details: { enrolled: !row.totp_enabled },
              });
              return rotated;
            });
      if (!session) return failAttempt(request, row, 'staff.totp_verify', 'wrong_code', 'TOTP_CODE_INVALID');
      setSessionCookie(request, reply, session);
      return {
        next: nextStep({ must_change_password: false, totp_enabled: true }, true),
        csrfToken: session.csrfToken,
        expiresAt: session.absoluteExpiresAt.toISOString(),
      };
    },
  );

  r.post(
    '/staff/sign-out',
    {
      config: { access: access.staffSigningIn() },
      schema: { tags: ['identity'], summary: 'End this staff session', response: { 204: z.null() } },
    },
    async (request, reply) => {
      const me = staffOf(request);
      const token = sessionTokenOf(request);
      await db.transaction().execute(async (trx) => {
        await revokeSession(trx, clock.now(), hashToken(token));
        await audit(trx, request, {
          action: 'staff.sign_out',
          subjectKind: 'staff',
          subjectId: me.id,
          cityId: me.cityId,
        });
      });
      clearSessionCookie(request, reply);
      return reply.code(204).send(null);
    },
  );

  r.get(
    '/staff/me',
    {
      config: { access: access.staff() },
      schema: { tags: ['identity'], summary: 'The signed-in staff member', response: { 200: StaffProfile } },
    },
    async (request) => {
      const row = await currentRow(request);
      return {
        id: row.id,
        username: row.username,
        displayName: row.display_name,
        cityId: row.city_id,
        departmentId: row.department_id,
        roles: row.roles as StaffRole[],
        jurisdiction: row.jurisdiction,
      };
    },
  );
}
