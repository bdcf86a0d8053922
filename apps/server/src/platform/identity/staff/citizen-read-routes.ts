/**
 * Staff reading a citizen's record: only with a stated purpose, only masked, and never without
 * an audit entry naming the citizen and the purpose (what the citizen's "who accessed my data"
 * shows). The entry commits before the data leaves the server.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CitizenReadQuery, MaskedCitizen } from '#contracts';
import { audit } from '../../audit/index.ts';
import { AppError } from '../../http/errors.ts';
import { access } from '../access.ts';
import { staffOf } from '../auth.ts';
import { maskEmail, maskNationalId, maskPhone } from '../pii.ts';
import { CITIZEN_READER_ROLES, staffMayReadCitizen } from '../policy.ts';

/** Registers the staff citizen-record route (mounted under /api/v1). */
export async function citizenReadRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db, pii } = app.platform;

  r.get(
    '/citizens/:id',
    {
      config: { access: access.staff(...CITIZEN_READER_ROLES) },
      schema: {
        tags: ['identity'],
        summary: "A citizen's record for staff, masked; the read and its purpose are shown to the citizen",
        description: 'The `purpose` (at least 5 characters) is required and recorded in the audit log.',
        params: z.object({ id: z.uuid() }),
        querystring: CitizenReadQuery,
        response: { 200: MaskedCitizen },
      },
    },
    async (request) => {
      const me = staffOf(request);
      const { id } = request.params;
      const { purpose } = request.query;
      if (!staffMayReadCitizen(me, id)) {
        await db.transaction().execute((trx) =>
          audit(trx, request, {
            action: 'citizen.read',
            subjectKind: 'citizen',
            subjectId: id,
            personId: id,
            purpose,
            cityId: me.cityId,
            outcome: 'denied',
          }),
        );
        throw new AppError('FORBIDDEN');
      }
      const row = await db.selectFrom('citizens').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) throw new AppError('CITIZEN_NOT_FOUND');
      const masked = {
        id: row.id,
        name: row.name,
        nationalId: row.national_id_enc ? maskNationalId(pii.decrypt(row.national_id_enc)) : null,
        phone: row.phone_enc ? maskPhone(pii.decrypt(row.phone_enc)) : null,
        email: row.email_enc ? maskEmail(pii.decrypt(row.email_enc)) : null,
        realNameVerified: row.real_name_verified,
        status: row.status,
      };
      await db.transaction().execute((trx) =>
        audit(trx, request, {
          action: 'citizen.read',
          subjectKind: 'citizen',
          subjectId: id,
          personId: id,
          purpose,
          cityId: me.cityId,
          details: { fields: ['name', 'nationalId', 'phone', 'email'] },
        }),
      );
      return masked;
    },
  );
}
