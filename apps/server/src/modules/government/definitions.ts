/**
 * A service's workflow as a platform workflow definition: the steps of the service version,
 * its own department as the key `service`, other departments by code. Saving a service
 * publishes its definition (a new version only when the steps changed); submission finds it,
 * and publishes only if a service saved before definitions existed has none yet.
 */

import type { Kysely } from 'kysely';
import type { ServiceSpec } from '#contracts';
import type { Database } from '../../platform/db/schema.ts';
import type { Clock } from '../../platform/time/clock.ts';
import { contentHash, findDefinition, publishDefinition } from '../../platform/workflow/index.ts';

/** The workflow definition code of a service. */
export function definitionCode(serviceCode: string): string {
  return `service.${serviceCode}`;
}

/** The service's steps as a workflow definition: its own department is `service`, others by code. */
export function definitionOf(spec: ServiceSpec) {
  // Each stage gets an equal share of the promised limit (at least one working day), so that a
  // step that sits too long escalates by itself before the whole promise is broken.
  const stages = spec.workflow.steps.filter(
    (s, i, all) => !s.parallelGroup || s.parallelGroup !== all[i - 1]?.parallelGroup,
  ).length;
  const limitDays = Math.max(1, Math.floor(Math.ceil(spec.promisedDays) / stages));
  return {
    code: definitionCode(spec.code),
    name: spec.name,
    steps: spec.workflow.steps.map((s) => ({
      code: s.code,
      name: s.name,
      department: s.departmentCode === spec.departmentCode ? 'service' : `other:${s.departmentCode}`,
      role: s.role,
      parallelGroup: s.parallelGroup ?? null,
      limitDays,
    })),
  };
}

/** The published definition of the service version's workflow, publishing it when it is missing or stale. */
export async function definitionFor(db: Kysely<Database>, clock: Clock, cityId: string, spec: ServiceSpec) {
  const wanted = definitionOf(spec);
  const found = await findDefinition(db, cityId, wanted.code);
  if (found && found.contentHash === contentHash(wanted)) return found;
  return (await publishDefinition(db, clock, cityId, wanted)).definition;
}
