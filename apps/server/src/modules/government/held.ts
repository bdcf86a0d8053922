/**
 * The certificates the city already holds for an applicant (免提交): the citizen's own, and
 * those of the enterprise they act for. Applications attach them by reference.
 */
import type { Kysely } from 'kysely';
import { findHeldCredentials } from '../../platform/credentials/index.ts';
import type { Database } from '../../platform/db/schema.ts';
import type { Applicant } from './applications.ts';

/** A valid certificate the city holds, as an application refers to it. */
export interface HeldCredential {
  id: string;
  typeCode: string;
}

/** Valid, unrevoked certificates of `typeCodes` held by the applicant (the enterprise's first, then the citizen's). */
export async function findHeld(
  db: Kysely<Database>,
  applicant: Applicant,
  typeCodes: string[],
  now: Date,
): Promise<HeldCredential[]> {
  if (typeCodes.length === 0) return [];
  const holders = [
    ...(applicant.enterpriseId ? [{ kind: 'enterprise' as const, id: applicant.enterpriseId }] : []),
    { kind: 'citizen' as const, id: applicant.citizenId },
  ];
  const found: HeldCredential[] = [];
  for (const holder of holders) {
    const held = await findHeldCredentials(db, { holder, typeCodes: [...new Set(typeCodes)], now });
    for (const c of held) found.push({ id: c.id, typeCode: c.typeCode });
  }
  return found;
}
