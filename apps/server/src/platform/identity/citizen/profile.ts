/**
 * A citizen's own data: the profile (masked unless they ask to see it), changes to it, who else
 * has accessed it (the Estonian "data tracker"), and a download of everything held about them.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely, Updateable } from 'kysely';
import {
  CitizenExport,
  CitizenProfile,
  type DataAccess,
  DataAccessList,
  DataAccessQuery,
  ProfileQuery,
  ProfileUpdate,
} from '#contracts';
import { audit } from '../../audit/index.ts';
import type { CitizensTable, Database } from '../../db/schema.ts';
import { AppError, type FieldError } from '../../http/errors.ts';
import { access } from '../access.ts';
import { citizenOf } from '../auth.ts';
import { isValidNationalId, normaliseEmail, normaliseNationalId, normalisePhone } from '../pii.ts';
import { findCitizen, findCitizenWithPasskeys, profileOf } from './citizens.ts';
import { listConsents } from './consent.ts';
import { fieldError, throwIfAny } from './fields.ts';
import { checkCode, consumeCode } from './otp.ts';
import { listPasskeys } from './passkeys.ts';
import { hit, ipKey, limits } from './rate-limit.ts';

/** Accesses to `citizenId`'s personal data by anyone but themself, newest first. */
export async function dataAccessOf(
  db: Kysely<Database>,
  citizenId: string,
  options: { limit: number; before?: Date },
): Promise<DataAccess[]> {
  let query = db
    .selectFrom('audit_log')
    .select(['at', 'actor_kind', 'actor_id', 'action', 'purpose'])
    .where('person_id', '=', citizenId)
    .where((eb) =>
      eb.or([eb('actor_kind', '!=', 'citizen'), eb('actor_id', 'is', null), eb('actor_id', '!=', citizenId)]),
    )
    .orderBy('at', 'desc')
    .orderBy('seq', 'desc')
    .limit(options.limit);
  if (options.before) query = query.where('at', '<', options.before);
  const rows = await query.execute();
  const staffIds = [
    ...new Set(rows.filter((r) => r.actor_kind === 'staff' && r.actor_id).map((r) => r.actor_id as string)),
  ];
  const departments = new Map<string, { id: string; cityId: string; nameZh: string; nameEn: string }>();
  if (staffIds.length) {
    const staff = await db
      .selectFrom('staff')
      .innerJoin('departments', 'departments.id', 'staff.department_id')
      .select([
        'staff.id as staffId',
        'departments.id as id',
        'departments.city_id as cityId',
        'departments.name_zh as nameZh',
        'departments.name_en as nameEn',
      ])
      .where('staff.id', 'in', staffIds)
      .execute();
    for (const s of staff)
      departments.set(s.staffId, { id: s.id, cityId: s.cityId, nameZh: s.nameZh, nameEn: s.nameEn });
  }
  return rows.map((row) => ({
    at: row.at.toISOString(),
    actorKind: row.actor_kind,
    department: (row.actor_kind === 'staff' && row.actor_id && departments.get(row.actor_id)) || null,
    action: row.action,
    purpose: row.purpose,
  }));
}

/** Registers the profile and "my data" routes (mounted under /api/v1). */
export async function profileRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db, pii, clock, config } = app.platform;

  r.get(
    '/me',
    {
      config: { access: access.citizen() },
      schema: {
        tags: ['identity'],
        summary: 'My profile; national ID, phone, e-mail and address masked unless reveal=true',
        querystring: ProfileQuery,
        response: { 200: CitizenProfile },
      },
    },
    async (request) => {
      const me = citizenOf(request);
      const { reveal } = request.query;
      // The profile came with the session (one round trip per request); a fresh read otherwise.
      const citizen =
        request.sessionCitizen?.id === me.id ? request.sessionCitizen : await findCitizenWithPasskeys(db, me.id);
      if (!citizen) throw new AppError('UNAUTHENTICATED');
      if (reveal) {
        // Showing the values in clear is worth a record: it is how a borrowed session would be misused.
        await db.transaction().execute((trx) =>
          audit(trx, request, {
            action: 'citizen.profile.revealed',
            subjectKind: 'citizen',
            subjectId: me.id,
            personId: me.id,
          }),
        );
      }
      return profileOf(db, pii, citizen, { reveal, actingFor: me.actingFor });
    },
  );

  r.patch(
    '/me',
    {
      config: { access: access.citizen() },
      schema: {
        tags: ['identity'],
        summary: 'Change my profile; a new phone number or e-mail address needs the code sent to it',
        body: ProfileUpdate,
        response: { 200: CitizenProfile },
      },
    },
    async (request) => {
      const me = citizenOf(request);
      const body = request.body;
      const now = clock.now();
      const errors: FieldError[] = [];
      const nationalId = body.nationalId === undefined ? undefined : normaliseNationalId(body.nationalId);
      if (nationalId !== undefined && !isValidNationalId(nationalId)) {
        errors.push(fieldError(request, 'body.nationalId', 'NATIONAL_ID_INVALID'));
      }
      const phone = body.phone === undefined ? undefined : normalisePhone(body.phone);
      if (phone === null) errors.push(fieldError(request, 'body.phone', 'PHONE_INVALID'));
      if (phone && !body.phoneCode) errors.push(fieldError(request, 'body.phoneCode', 'CONTACT_VERIFICATION_REQUIRED'));
      const email = body.email === undefined ? undefined : normaliseEmail(body.email);
      if (email === null) errors.push(fieldError(request, 'body.email', 'EMAIL_INVALID'));
      if (email && !body.emailCode) errors.push(fieldError(request, 'body.emailCode', 'CONTACT_VERIFICATION_REQUIRED'));
      throwIfAny(errors);

      const current = await findCitizen(db, me.id);
      if (!current) throw new AppError('UNAUTHENTICATED');
      const changes: Updateable<CitizensTable> = {};
      const changed: string[] = [];
      const unique: { column: 'national_id_bidx' | 'phone_bidx' | 'email_bidx'; value: string; field: string }[] = [];
      if (body.name !== undefined && body.name !== current.name) {
        changes.name = body.name;
        changed.push('name');
      }
      if (nationalId) {
        const bidx = pii.blindIndex('national_id', nationalId);
        if (bidx !== current.national_id_bidx) {
          changes.national_id_enc = pii.encrypt(nationalId);
          changes.national_id_bidx = bidx;
          unique.push({ column: 'national_id_bidx', value: bidx, field: 'body.nationalId' });
          changed.push('nationalId');
        }
      }
      const codes: string[] = [];
      for (const contact of [
        { kind: 'phone' as const, channel: 'sms' as const, value: phone, code: body.phoneCode, field: 'body.phone' },
        { kind: 'email' as const, channel: 'email' as const, value: email, code: body.emailCode, field: 'body.email' },
      ]) {
        if (!contact.value || !contact.code) continue;
        const bidx = pii.blindIndex(contact.kind, contact.value);
        if (bidx === current[`${contact.kind}_bidx`]) continue;
        await hit(db, now, limits.verifyPerIp, ipKey(request));
        codes.push(
          await checkCode(db, config.secrets.blindIndexKey, now, {
            channel: contact.channel,
            bidx,
            purpose: 'verify_contact',
            code: contact.code,
          }),
        );
        changes[`${contact.kind}_enc`] = pii.encrypt(contact.value);
        changes[`${contact.kind}_bidx`] = bidx;
        unique.push({ column: `${contact.kind}_bidx`, value: bidx, field: contact.field });
        changed.push(contact.kind);
      }
      if (body.address !== undefined) {
        changes.address_enc = pii.encrypt(body.address);
        changed.push('address');
      }
      if (changed.length === 0) return profileOf(db, pii, current, { reveal: false, actingFor: me.actingFor });
      // A verified real name no longer holds once the name or ID number it verified changes.
      if (changed.includes('name') || changed.includes('nationalId')) changes.real_name_verified = false;

      const updated = await db
        .transaction()
        .execute(async (trx) => {
          for (const u of unique) {
            const taken = await trx
              .selectFrom('citizens')
              .select('id')
              .where(u.column, '=', u.value)
              .where('id', '!=', me.id)
              .executeTakeFirst();
            if (taken) {
              throw new AppError(
                'IDENTIFIER_IN_USE',
                {},
                { errors: [fieldError(request, u.field, 'IDENTIFIER_IN_USE')] },
              );
            }
          }
          for (const id of codes) await consumeCode(trx, id, now);
          const row = await trx
            .updateTable('citizens')
            .set({ ...changes, updated_at: now })
            .where('id', '=', me.id)
            .returningAll()
            .executeTakeFirstOrThrow();
          await audit(trx, request, {
            action: 'citizen.profile.updated',
            subjectKind: 'citizen',
            subjectId: me.id,
            personId: me.id,
            details: { fields: changed },
          });
          return row;
        })
        .catch((error: unknown) => {
          // Two accounts claiming the same number at the same moment: the unique index decides.
          if ((error as { code?: string }).code === '23505')
            throw new AppError('IDENTIFIER_IN_USE', {}, { cause: error });
          throw error;
        });
      return profileOf(db, pii, updated, { reveal: false, actingFor: me.actingFor });
    },
  );

  r.get(
    '/me/data-access',
    {
      config: { access: access.citizen() },
      schema: {
        tags: ['identity'],
        summary: 'Who accessed my personal data, when, from which department and why (my own actions left out)',
        querystring: DataAccessQuery,
        response: { 200: DataAccessList },
      },
    },
    async (request) => {
      const me = citizenOf(request);
      const { limit, before } = request.query;
      return { items: await dataAccessOf(db, me.id, { limit, ...(before ? { before: new Date(before) } : {}) }) };
    },
  );

  r.get(
    '/me/export',
    {
      config: { access: access.citizen() },
      schema: {
        tags: ['identity'],
        summary: 'Download everything OneCity holds about me, as JSON',
        response: { 200: CitizenExport },
      },
    },
    async (request, reply) => {
      const me = citizenOf(request);
      const now = clock.now();
      const citizen = await findCitizen(db, me.id);
      if (!citizen) throw new AppError('UNAUTHENTICATED');
      const sessions = await db
        .selectFrom('sessions')
        .select([
          'token_hash',
          'method',
          'created_at',
          'last_seen_at',
          'idle_expires_at',
          'absolute_expires_at',
          'revoked_at',
        ])
        .where('principal_kind', '=', 'citizen')
        .where('principal_id', '=', me.id)
        .orderBy('created_at', 'desc')
        .execute();
      const profile = await profileOf(db, pii, citizen, { reveal: true, actingFor: me.actingFor });
      const body: CitizenExport = {
        exportedAt: now.toISOString(),
        profile: {
          ...profile,
          status: citizen.status,
          createdAt: citizen.created_at.toISOString(),
          updatedAt: citizen.updated_at.toISOString(),
        },
        consents: await listConsents(db, me.id),
        passkeys: await listPasskeys(db, me.id),
        sessions: sessions.map((s) => ({
          method: s.method,
          createdAt: s.created_at.toISOString(),
          lastSeenAt: s.last_seen_at.toISOString(),
          expiresAt: new Date(Math.min(s.idle_expires_at.getTime(), s.absolute_expires_at.getTime())).toISOString(),
          revokedAt: s.revoked_at?.toISOString() ?? null,
          current: s.token_hash === me.sessionId,
        })),
        dataAccess: await dataAccessOf(db, me.id, { limit: 10_000 }),
      };
      await db.transaction().execute((trx) =>
        audit(trx, request, {
          action: 'citizen.data.exported',
          subjectKind: 'citizen',
          subjectId: me.id,
          personId: me.id,
        }),
      );
      reply.header(
        'content-disposition',
        `attachment; filename="onecity-my-data-${now.toISOString().slice(0, 10)}.json"`,
      );
      reply.header('cache-control', 'no-store');
      return body;
    },
  );
}
