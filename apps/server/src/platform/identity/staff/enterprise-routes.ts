/**
 * Enterprises and the citizens who act for them: a citizen registers an enterprise (becoming
 * its legal representative), adds and removes admins and agents, and switches the session
 * between acting for themself and acting for an enterprise (a privilege change: new session).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { uuidv7 } from 'uuidv7';
import { z } from 'zod';
import {
  ActingFor,
  ActingForRequest,
  AddEnterpriseMemberRequest,
  CreateEnterpriseRequest,
  EnterpriseMember,
  MyEnterprise,
  MyEnterpriseList,
} from '#contracts';
import { audit } from '../../audit/index.ts';
import type { Database } from '../../db/schema.ts';
import { AppError } from '../../http/errors.ts';
import { access } from '../access.ts';
import { citizenOf, sessionTokenOf, setSessionCookie } from '../auth.ts';
import { isValidUscc, normalisePhone } from '../pii.ts';
import { mayManageEnterpriseMembers } from '../policy.ts';
import type { EnterpriseRole } from '../principal.ts';
import { rotateSession } from '../sessions.ts';

const EnterpriseParams = z.object({ id: z.uuid() });

/** The enterprise `enterpriseId` with `citizenId`'s role in it, or undefined when they are not a member. */
function membership(db: Kysely<Database>, enterpriseId: string, citizenId: string) {
  return db
    .selectFrom('enterprise_members as m')
    .innerJoin('enterprises as e', 'e.id', 'm.enterprise_id')
    .select(['e.id', 'e.uscc', 'e.name', 'm.role'])
    .where('m.enterprise_id', '=', enterpriseId)
    .where('m.citizen_id', '=', citizenId)
    .executeTakeFirst();
}

/** Registers the enterprise routes (mounted under /api/v1). */
export async function enterpriseRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db, config, clock, pii } = app.platform;

  /** 404 for an unknown enterprise; 403 unless the caller is its legal representative or an admin. */
  async function requireManager(request: FastifyRequest, enterpriseId: string): Promise<EnterpriseRole> {
    const me = citizenOf(request);
    const enterprise = await db
      .selectFrom('enterprises')
      .select('id')
      .where('id', '=', enterpriseId)
      .executeTakeFirst();
    if (!enterprise) throw new AppError('ENTERPRISE_NOT_FOUND');
    const mine = await membership(db, enterpriseId, me.id);
    if (!mine) throw new AppError('NOT_ENTERPRISE_MEMBER');
    if (!mayManageEnterpriseMembers(mine.role)) throw new AppError('ENTERPRISE_ROLE_REQUIRED');
    return mine.role;
  }

  r.post(
    '/enterprises',
    {
      config: { access: access.citizen() },
      schema: {
        tags: ['identity'],
        summary: 'Register an enterprise; the signed-in citizen becomes its legal representative',
        description:
          '400 USCC_INVALID for a code that fails the GB 32100 check; 409 ENTERPRISE_EXISTS for a code already registered.',
        body: CreateEnterpriseRequest,
        response: { 201: MyEnterprise },
      },
    },
    async (request, reply) => {
      const me = citizenOf(request);
      const { uscc, name } = request.body;
      if (!isValidUscc(uscc)) throw new AppError('USCC_INVALID');
      const id = uuidv7();
      await db.transaction().execute(async (trx) => {
        const inserted = await trx
          .insertInto('enterprises')
          .values({ id, uscc, name, legal_rep_citizen_id: me.id })
          .onConflict((oc) => oc.column('uscc').doNothing())
          .returning('id')
          .executeTakeFirst();
        if (!inserted) throw new AppError('ENTERPRISE_EXISTS');
        await trx
          .insertInto('enterprise_members')
          .values({ enterprise_id: id, citizen_id: me.id, role: 'legal_rep' })
          .execute();
        await audit(trx, request, { action: 'enterprise.create', subjectKind: 'enterprise', subjectId: id });
      });
      reply.code(201);
      return { id, uscc, name, role: 'legal_rep' as const };
    },
  );

  r.get(
    '/me/enterprises',
    {
      config: { access: access.citizen() },
      schema: {
        tags: ['identity'],
        summary: 'The enterprises the signed-in citizen belongs to, and the one the session acts for',
        response: { 200: MyEnterpriseList },
      },
    },
    async (request) => {
      const me = citizenOf(request);
      const items = await db
        .selectFrom('enterprise_members as m')
        .innerJoin('enterprises as e', 'e.id', 'm.enterprise_id')
        .select(['e.id', 'e.uscc', 'e.name', 'm.role'])
        .where('m.citizen_id', '=', me.id)
        .orderBy('e.name')
        .execute();
      return { items, actingFor: me.actingFor?.enterpriseId ?? null };
    },
  );

  r.post(
    '/enterprises/:id/members',
    {
      config: { access: access.citizen() },
      schema: {
        tags: ['identity'],
        summary: 'Add a citizen (by id or phone number) as admin or agent, or change their role',
        description: "Only the enterprise's legal representative or an admin may do this.",
        params: EnterpriseParams,
        body: AddEnterpriseMemberRequest,
        response: { 200: EnterpriseMember },
      },
    },
    async (request) => {
      const enterpriseId = request.params.id;
      await requireManager(request, enterpriseId);
      const { citizenId, phone, role } = request.body;
      let target: { id: string } | undefined;
      if (citizenId !== undefined) {
        target = await db.selectFrom('citizens').select('id').where('id', '=', citizenId).executeTakeFirst();
      } else {
        const normalised = normalisePhone(phone ?? '');
        target = normalised
          ? await db
              .selectFrom('citizens')
              .select('id')
              .where('phone_bidx', '=', pii.blindIndex('phone', normalised))
              .executeTakeFirst()
          : undefined;
      }
      if (!target) throw new AppError('CITIZEN_NOT_FOUND');
      const targetId = target.id;
      await db.transaction().execute(async (trx) => {
        const existing = await membership(trx, enterpriseId, targetId);
        if (existing?.role === 'legal_rep') throw new AppError('LEGAL_REP_CANNOT_CHANGE');
        await trx
          .insertInto('enterprise_members')
          .values({ enterprise_id: enterpriseId, citizen_id: targetId, role })
          .onConflict((oc) => oc.columns(['enterprise_id', 'citizen_id']).doUpdateSet({ role }))
          .execute();
        await audit(trx, request, {
          action: 'enterprise.member_add',
          subjectKind: 'enterprise',
          subjectId: enterpriseId,
          details: { citizenId: targetId, role, previousRole: existing?.role ?? null },
        });
      });
      return { citizenId: targetId, role };
    },
  );

  r.delete(
    '/enterprises/:id/members/:citizenId',
    {
      config: { access: access.citizen() },
      schema: {
        tags: ['identity'],
        summary: 'Remove a member (the legal representative cannot be removed)',
        description: 'The legal representative or an admin may remove anyone else; any member may remove themself.',
        params: EnterpriseParams.extend({ citizenId: z.uuid() }),
        response: { 204: z.null() },
      },
    },
    async (request, reply) => {
      const me = citizenOf(request);
      const { id: enterpriseId, citizenId } = request.params;
      if (citizenId !== me.id) await requireManager(request, enterpriseId);
      await db.transaction().execute(async (trx) => {
        const existing = await membership(trx, enterpriseId, citizenId);
        if (!existing) throw new AppError(citizenId === me.id ? 'NOT_ENTERPRISE_MEMBER' : 'NOT_FOUND');
        if (existing.role === 'legal_rep') throw new AppError('LEGAL_REP_CANNOT_CHANGE');
        await trx
          .deleteFrom('enterprise_members')
          .where('enterprise_id', '=', enterpriseId)
          .where('citizen_id', '=', citizenId)
          .execute();
        // Sessions acting for the enterprise fall back to the citizen themself (auth checks membership on each request).
        await audit(trx, request, {
          action: 'enterprise.member_remove',
          subjectKind: 'enterprise',
          subjectId: enterpriseId,
          details: { citizenId, role: existing.role },
        });
      });
      return reply.code(204).send(null);
    },
  );

  r.post(
    '/me/acting-for',
    {
      config: { access: access.citizen(), replay: false },
      schema: {
        tags: ['identity'],
        summary: 'Act for an enterprise (or, with null, for oneself again); replaces the session',
        description: '403 NOT_ENTERPRISE_MEMBER unless the citizen is a member of the enterprise.',
        body: ActingForRequest,
        response: { 200: ActingFor },
      },
    },
    async (request, reply) => {
      const me = citizenOf(request);
      const token = sessionTokenOf(request);
      const { enterpriseId } = request.body;
      const target = enterpriseId === null ? null : await membership(db, enterpriseId, me.id);
      if (enterpriseId !== null && !target) {
        await db.transaction().execute((trx) =>
          audit(trx, request, {
            action: 'enterprise.acting_for',
            subjectKind: 'enterprise',
            subjectId: enterpriseId,
            outcome: 'denied',
          }),
        );
        throw new AppError('NOT_ENTERPRISE_MEMBER');
      }
      const session = await db.transaction().execute(async (trx) => {
        const rotated = await rotateSession(trx, config, clock.now(), token, { actingFor: enterpriseId });
        if (!rotated) throw new AppError('UNAUTHENTICATED');
        await audit(trx, request, {
          action: 'enterprise.acting_for',
          subjectKind: enterpriseId ? 'enterprise' : 'citizen',
          subjectId: enterpriseId ?? me.id,
          details: { from: me.actingFor?.enterpriseId ?? null, to: enterpriseId },
        });
        return rotated;
      });
      setSessionCookie(request, reply, session);
      return { actingFor: target ?? null, csrfToken: session.csrfToken };
    },
  );
}
