/**
 * A city with a few departments, and the actors of a workflow, for the engine's database tests:
 * staff and applicants are plain values (the engine takes the actor from its caller).
 */
import type { Kysely, Transaction } from 'kysely';
import { uuidv7 } from 'uuidv7';
import type { Database } from '../db/schema.ts';
import { insertDepartments } from '../org/repository.ts';
import { insertTenants } from '../tenancy/repository.ts';
import type { WorkflowDefinitionInput } from './definition.ts';
import type { WorkflowCitizen, WorkflowStaff } from './policy.ts';

/** The test city. */
export const CITY = 'wf-city';

/** The test city's departments: code and id. */
export const DEPARTMENTS = {
  service: { code: 'wf-market', id: uuidv7() },
  planning: { code: 'wf-planning', id: uuidv7() },
  fire: { code: 'wf-fire', id: uuidv7() },
  water: { code: 'wf-water', id: uuidv7() },
} as const;

/** Creates the province, the city (Asia/Shanghai) and its departments. */
export async function createWorkflowCity(db: Kysely<Database>): Promise<void> {
  const center = { lat: 23.1, lon: 113.3 };
  await insertTenants(db, [
    {
      id: 'wf-province',
      kind: 'province',
      parentId: null,
      adminCode: '980000',
      nameZh: '流程省',
      nameEn: 'Workflow Province',
      timeZone: 'Asia/Shanghai',
      center,
    },
    {
      id: CITY,
      kind: 'city',
      parentId: 'wf-province',
      adminCode: '980100',
      nameZh: '流程市',
      nameEn: 'Workflow City',
      timeZone: 'Asia/Shanghai',
      center,
    },
  ]);
  await insertDepartments(
    db,
    Object.values(DEPARTMENTS).map((d) => ({
      id: d.id,
      cityId: CITY,
      code: d.code,
      nameZh: d.code,
      nameEn: d.code,
      shortZh: d.code,
      shortEn: d.code,
      hotline: null,
    })),
  );
}

/** A staff member of the test city. */
export function staffOf(department: keyof typeof DEPARTMENTS, roles: string[], id = uuidv7()): WorkflowStaff {
  return { kind: 'staff', id, cityId: CITY, departmentId: DEPARTMENTS[department].id, roles };
}

/** A citizen. */
export function citizenActor(id = uuidv7(), enterpriseId?: string): WorkflowCitizen {
  return { kind: 'citizen', id, actingFor: enterpriseId ? { enterpriseId } : null };
}

/** 受理 → 规划、消防并联会签 → 审核决定, with step limits. */
export const countersignDefinition: WorkflowDefinitionInput = {
  code: 'countersign-decide',
  name: { zh: '受理—并联会签—决定', en: 'Accept, countersign in parallel, then decide' },
  steps: [
    { code: 'accept', name: { zh: '受理', en: 'Accept' }, department: 'service', role: 'clerk', limitDays: 1 },
    {
      code: 'countersign-planning',
      name: { zh: '会签（规划）', en: 'Countersign (planning)' },
      department: 'other:wf-planning',
      role: 'clerk',
      parallelGroup: 'countersign',
      limitDays: 5,
    },
    {
      code: 'countersign-fire',
      name: { zh: '会签（消防）', en: 'Countersign (fire)' },
      department: 'other:wf-fire',
      role: 'clerk',
      parallelGroup: 'countersign',
      limitDays: 5,
    },
    {
      code: 'decide',
      name: { zh: '审核决定', en: 'Review and decide' },
      department: 'service',
      role: 'supervisor',
      limitDays: 2,
    },
  ],
};

/** Runs `fn` in a transaction of its own. */
export function inTransaction<T>(db: Kysely<Database>, fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  return db.transaction().execute(fn);
}

/** What a rejected promise rejected with (fails when it resolved). */
export async function failure(
  promise: Promise<unknown>,
): Promise<{ code?: string; status?: number; extensions?: Record<string, unknown> }> {
  try {
    await promise;
  } catch (error) {
    return error as { code?: string; status?: number; extensions?: Record<string, unknown> };
  }
  throw new Error('expected a failure, but it succeeded');
}
