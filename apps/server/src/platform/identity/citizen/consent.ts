/**
 * Privacy notices and consent. A consent names the notice version the citizen agreed to and
 * when; withdrawing takes effect for the very next request, because every check reads the
 * table (nothing is cached in the session). Granting again closes the previous record, so at
 * most one consent of a kind is active and the history stays readable.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely, Selectable } from 'kysely';
import { uuidv7 } from 'uuidv7';
import { z } from 'zod';
import { Consent, ConsentGrant, ConsentKind, ConsentList, PrivacyNoticeList } from '#contracts';
import { audit } from '../../audit/index.ts';
import type { ConsentsTable, Database } from '../../db/schema.ts';
import { AppError } from '../../http/errors.ts';
import { access } from '../access.ts';
import { citizenOf } from '../auth.ts';

/** Whether `citizenId` currently consents to the latest version of notice `kind`. */
export async function hasConsent(db: Kysely<Database>, citizenId: string, kind: ConsentKind): Promise<boolean> {
  const row = await db
    .selectFrom('consents')
    .select('id')
    .where('citizen_id', '=', citizenId)
    .where('kind', '=', kind)
    .where('withdrawn_at', 'is', null)
    .where('version', '=', (eb) =>
      eb
        .selectFrom('privacy_notices')
        .select((n) => n.fn.max('version').as('v'))
        .where('kind', '=', kind),
    )
    .executeTakeFirst();
  return !!row;
}

/** Throws 403 CONSENT_REQUIRED unless the citizen consents to the latest notice of `kind`. */
export async function requireConsent(db: Kysely<Database>, citizenId: string, kind: ConsentKind): Promise<void> {
  if (!(await hasConsent(db, citizenId, kind))) throw new AppError('CONSENT_REQUIRED', { kind });
}

/** A consent row as the API shows it. */
export function presentConsent(row: Selectable<ConsentsTable>): Consent {
  return {
    id: row.id,
    kind: row.kind,
    version: row.version,
    grantedAt: row.granted_at.toISOString(),
    withdrawnAt: row.withdrawn_at?.toISOString() ?? null,
    active: row.withdrawn_at === null,
  };
}

/** Every consent record of a citizen, newest first. */
export async function listConsents(db: Kysely<Database>, citizenId: string): Promise<Consent[]> {
  const rows = await db
    .selectFrom('consents')
    .selectAll()
    .where('citizen_id', '=', citizenId)
    .orderBy('granted_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  return rows.map(presentConsent);
}

/** Registers the privacy notice and consent routes (mounted under /api/v1). */
export async function consentRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db, clock } = app.platform;

  r.get(
    '/privacy/notices',
    {
      config: { access: access.public() },
      schema: {
        tags: ['identity'],
        summary: 'The latest version of each privacy notice (privacy, location, biometric), in zh-CN and en',
        response: { 200: PrivacyNoticeList },
      },
    },
    async () => {
      const rows = await db
        .selectFrom('privacy_notices')
        .selectAll()
        .orderBy('kind')
        .orderBy('version', 'desc')
        .execute();
      const latest = rows.filter((row, i) => i === 0 || rows[i - 1]?.kind !== row.kind);
      return {
        items: latest.map((n) => ({
          kind: n.kind,
          version: n.version,
          titleZh: n.title_zh,
          titleEn: n.title_en,
          bodyZh: n.body_zh,
          bodyEn: n.body_en,
          publishedAt: n.published_at.toISOString(),
        })),
      };
    },
  );

  r.get(
    '/me/consents',
    {
      config: { access: access.citizen() },
      schema: {
        tags: ['identity'],
        summary: 'My consents, newest first, with the notice version and when each was given and withdrawn',
        response: { 200: ConsentList },
      },
    },
    async (request) => ({ items: await listConsents(db, citizenOf(request).id) }),
  );

  r.post(
    '/me/consents',
    {
      config: { access: access.citizen() },
      schema: {
        tags: ['identity'],
        summary: 'Agree to a version of a privacy notice (201)',
        body: ConsentGrant,
        response: { 201: Consent },
      },
    },
    async (request, reply) => {
      const me = citizenOf(request);
      const { kind, version } = request.body;
      const now = clock.now();
      const consent = await db.transaction().execute(async (trx) => {
        const notice = await trx
          .selectFrom('privacy_notices')
          .select('version')
          .where('kind', '=', kind)
          .where('version', '=', version)
          .executeTakeFirst();
        if (!notice) throw new AppError('PRIVACY_NOTICE_NOT_FOUND', { kind, version });
        await trx
          .updateTable('consents')
          .set({ withdrawn_at: now })
          .where('citizen_id', '=', me.id)
          .where('kind', '=', kind)
          .where('withdrawn_at', 'is', null)
          .execute();
        const row = await trx
          .insertInto('consents')
          .values({ id: uuidv7(), citizen_id: me.id, kind, version, granted_at: now, withdrawn_at: null })
          .returningAll()
          .executeTakeFirstOrThrow();
        await audit(trx, request, {
          action: 'consent.granted',
          subjectKind: 'consent',
          subjectId: row.id,
          personId: me.id,
          details: { kind, version },
        });
        return row;
      });
      return reply.status(201).send(presentConsent(consent));
    },
  );

  r.delete(
    '/me/consents/:kind',
    {
      config: { access: access.citizen() },
      schema: {
        tags: ['identity'],
        summary: 'Withdraw my consent of this kind; it takes effect at once (204)',
        params: z.object({ kind: ConsentKind }),
      },
    },
    async (request, reply) => {
      const me = citizenOf(request);
      const { kind } = request.params;
      await db.transaction().execute(async (trx) => {
        const withdrawn = await trx
          .updateTable('consents')
          .set({ withdrawn_at: clock.now() })
          .where('citizen_id', '=', me.id)
          .where('kind', '=', kind)
          .where('withdrawn_at', 'is', null)
          .executeTakeFirst();
        if (Number(withdrawn.numUpdatedRows) > 0) {
          await audit(trx, request, {
            action: 'consent.withdrawn',
            subjectKind: 'citizen',
            subjectId: me.id,
            personId: me.id,
            details: { kind },
          });
        }
      });
      return reply.status(204).send();
    },
  );
}
