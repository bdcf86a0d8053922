/**
 * Signing in with a one-time code, the session, signing out, and (outside production) the
 * development mailbox. The code request answers the same whether or not an account exists:
 * nothing in it depends on the account, so neither the answer nor its timing tells.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  CitizenSignedIn,
  DevMailbox,
  OtpRequest,
  OtpRequested,
  OtpVerifyRequest,
  SessionInfo,
  SignedOutEverywhere,
} from '#contracts';
import { audit } from '../../audit/index.ts';
import { AppError } from '../../http/errors.ts';
import { access } from '../access.ts';
import { clearSessionCookie } from '../auth.ts';
import { normaliseEmail, normalisePhone } from '../pii.ts';
import { revokeAllSessions, revokeSession } from '../sessions.ts';
import { findOrCreateCitizen, finishSignIn, profileOf, signInCitizen } from './citizens.ts';
import { fieldError, normaliseDestination, throwIfAny } from './fields.ts';
import { destinationKind, notificationChannelFor, unconfiguredChannel } from './notify.ts';
import { checkCode, consumeCode, issueCode, OTP_TTL_MS } from './otp.ts';
import { hit, ipKey, limits } from './rate-limit.ts';

/** Registers code sign-in, session and sign-out routes (mounted under /api/v1). */
export async function signInRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { config, db, pii, clock } = app.platform;
  const channel = notificationChannelFor(config, db, pii, clock);
  if (channel === unconfiguredChannel) {
    app.log.warn(
      'no SMS or e-mail provider is configured: sign-in codes cannot be sent (503 OTP_DELIVERY_UNAVAILABLE)',
    );
  }

  r.post(
    '/auth/otp',
    {
      config: { access: access.public() },
      schema: {
        tags: ['identity'],
        summary: 'Send a one-time code by SMS or e-mail (202 whether or not an account exists; rate-limited)',
        body: OtpRequest,
        response: { 202: OtpRequested },
      },
    },
    async (request, reply) => {
      const { channel: via, purpose } = request.body;
      const destination = normaliseDestination(request, via, request.body.destination);
      // Refused before anything is written: no challenge for a code that cannot be delivered.
      if (channel === unconfiguredChannel) throw new AppError('OTP_DELIVERY_UNAVAILABLE');
      const now = clock.now();
      await hit(db, now, limits.otpPerIp, ipKey(request));
      await hit(db, now, limits.otpPerDestination, pii.blindIndex(destinationKind(via), destination));
      await issueCode(request, channel, { channel: via, destination, purpose });
      return reply.status(202).send({ accepted: true as const, expiresInSeconds: OTP_TTL_MS / 1000 });
    },
  );

  r.post(
    '/auth/otp/verify',
    {
      config: { access: access.public(), replay: false },
      schema: {
        tags: ['identity'],
        summary: 'Sign in (or sign up, on first use) with a one-time code; sets the session cookie',
        body: OtpVerifyRequest,
        response: { 200: CitizenSignedIn },
      },
    },
    async (request, reply) => {
      const { channel: via, code } = request.body;
      const destination = normaliseDestination(request, via, request.body.destination);
      const kind = destinationKind(via);
      const now = clock.now();
      await hit(db, now, limits.verifyPerIp, ipKey(request));
      const challengeId = await checkCode(db, config.secrets.blindIndexKey, now, {
        channel: via,
        bidx: pii.blindIndex(kind, destination),
        purpose: 'sign_in',
        code,
      });
      const result = await db.transaction().execute(async (trx) => {
        await consumeCode(trx, challengeId, now);
        const { citizen, created } = await findOrCreateCitizen(trx, pii, now, kind, destination);
        if (citizen.status !== 'active') throw new AppError('FORBIDDEN');
        const method = via === 'sms' ? 'otp_sms' : 'otp_email';
        const session = await signInCitizen(trx, request, citizen.id, method, created);
        const profile = await profileOf(trx, pii, citizen, { reveal: false, actingFor: null });
        return { session, profile, created };
      });
      finishSignIn(request, reply, result.session);
      return { citizen: result.profile, csrfToken: result.session.csrfToken, newAccount: result.created };
    },
  );

  r.get(
    '/session',
    {
      config: { access: access.person() },
      schema: {
        tags: ['identity'],
        summary: 'Who is signed in, and the CSRF token every write must carry as X-CSRF-Token',
        response: { 200: SessionInfo },
      },
    },
    async (request) => {
      const p = request.principal;
      const csrfToken = request.csrfToken ?? '';
      if (p.kind === 'citizen') return { principal: { kind: p.kind, id: p.id, actingFor: p.actingFor }, csrfToken };
      if (p.kind === 'staff') {
        return {
          principal: {
            kind: p.kind,
            id: p.id,
            cityId: p.cityId,
            departmentId: p.departmentId,
            roles: p.roles,
            secondFactor: p.secondFactor,
          },
          csrfToken,
        };
      }
      throw new AppError('UNAUTHENTICATED');
    },
  );

  r.post(
    '/auth/sign-out',
    {
      config: { access: access.person() },
      schema: { tags: ['identity'], summary: 'Sign out of this session (204)' },
    },
    async (request, reply) => {
      const p = request.principal;
      if (p.kind !== 'citizen' && p.kind !== 'staff') throw new AppError('UNAUTHENTICATED');
      await db.transaction().execute(async (trx) => {
        await revokeSession(trx, clock.now(), p.sessionId);
        await audit(trx, request, {
          action: 'session.signed_out',
          subjectKind: p.kind,
          subjectId: p.id,
          ...(p.kind === 'citizen' ? { personId: p.id } : {}),
        });
      });
      clearSessionCookie(request, reply);
      return reply.status(204).send();
    },
  );

  r.post(
    '/auth/sign-out-everywhere',
    {
      config: { access: access.person() },
      schema: {
        tags: ['identity'],
        summary: 'Sign out of every session of this account, on every device',
        response: { 200: SignedOutEverywhere },
      },
    },
    async (request, reply) => {
      const p = request.principal;
      if (p.kind !== 'citizen' && p.kind !== 'staff') throw new AppError('UNAUTHENTICATED');
      const revoked = await db.transaction().execute(async (trx) => {
        const count = await revokeAllSessions(trx, clock.now(), p.kind, p.id);
        await audit(trx, request, {
          action: 'session.signed_out_everywhere',
          subjectKind: p.kind,
          subjectId: p.id,
          ...(p.kind === 'citizen' ? { personId: p.id } : {}),
          details: { sessions: count },
        });
        return count;
      });
      clearSessionCookie(request, reply);
      return { revokedSessions: revoked };
    },
  );

  if (config.env !== 'production') {
    r.get(
      '/dev/mailbox',
      {
        config: { access: access.public() },
        schema: {
          tags: ['identity'],
          summary: 'Development only: the messages "sent" to a phone number or e-mail address, newest first',
          querystring: z.object({ destination: z.string().trim().min(3).max(254) }),
          response: { 200: DevMailbox },
        },
      },
      async (request) => {
        const phone = normalisePhone(request.query.destination);
        const email = phone ? null : normaliseEmail(request.query.destination);
        if (!phone && !email) throwIfAny([fieldError(request, 'querystring.destination', 'PHONE_INVALID')]);
        const bidx = phone ? pii.blindIndex('phone', phone) : pii.blindIndex('email', email as string);
        const rows = await db
          .selectFrom('dev_mailbox')
          .selectAll()
          .where('destination_bidx', '=', bidx)
          .orderBy('created_at', 'desc')
          .orderBy('id', 'desc')
          .limit(50)
          .execute();
        return {
          items: rows.map((m) => ({
            id: m.id,
            channel: m.channel,
            destination: m.destination_mask,
            subject: m.subject,
            body: m.body,
            createdAt: m.created_at.toISOString(),
          })),
        };
      },
    );
  }
}
