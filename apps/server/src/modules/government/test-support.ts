/** Test support for the digital-government module: certificates the city already holds for a citizen. */
import type { FastifyInstance } from 'fastify';
import { credentialContext, issueCredential } from '../../platform/credentials/index.ts';
import { operator } from '../../platform/identity/principal.ts';

/** Issues `citizenId` a resident ID card from the public security bureau, as its records would hold it. */
export async function holdIdCard(app: FastifyInstance, citizenId: string, name: string, cityId = 'lingnan') {
  const db = app.platform.db;
  const police = await db
    .selectFrom('departments')
    .select('id')
    .where('city_id', '=', cityId)
    .where('code', '=', 'public-security')
    .executeTakeFirstOrThrow();
  return db.transaction().execute((trx) =>
    issueCredential(trx, credentialContext(app.platform, operator()), {
      cityId,
      typeCode: 'resident-id-card',
      typeName: { zh: '居民身份证', en: 'Resident identity card' },
      issuerDepartmentId: police.id,
      holder: { kind: 'citizen', id: citizenId, name },
      claims: { name },
      validFrom: new Date('2020-01-01T00:00:00Z'),
      validUntil: new Date('2040-01-01T00:00:00Z'),
      source: { kind: 'records', id: 'police-register' },
    }),
  );
}
