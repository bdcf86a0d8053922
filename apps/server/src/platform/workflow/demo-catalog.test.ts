/**
 * The demo service catalog's workflows run on the engine: every service's steps make a valid
 * definition (countersigning departments in one parallel stage), and one service of each
 * workflow definition goes from submission to approval in the demo city.
 */
import { describe, expect, it } from 'vitest';
import { demoServices, demoWorkflowDefinitions, type ServiceSpec } from '../../../../../demo/services.ts';
import { describeEachDialect } from '../../testing/db.ts';
import { ManualClock } from '../time/clock.ts';
import { stagesOf, validateDefinition, type WorkflowDefinitionInput } from './definition.ts';
import { actOnTask, startWorkflow, type WorkflowResult } from './engine.ts';
import { publishDefinition } from './repository.ts';
import { inTransaction } from './test-support.ts';

/** A service's workflow as an engine definition: its own department is `service`, others are named by code. */
function definitionOf(service: ServiceSpec): WorkflowDefinitionInput {
  return {
    code: `service:${service.code}`,
    name: service.name,
    steps: service.workflow.steps.map((s) => ({
      code: s.code,
      name: s.name,
      department: s.departmentCode === service.departmentCode ? 'service' : `other:${s.departmentCode}`,
      role: s.role,
      parallelGroup: s.parallelGroup ?? null,
    })),
  };
}

describe('the demo catalog’s workflows as engine definitions', () => {
  it('are all valid, with countersigning departments in one parallel stage', () => {
    for (const service of demoServices) {
      const definition = definitionOf(service);
      expect(validateDefinition(definition), service.code).toEqual([]);
      const stages = stagesOf(definition.steps);
      const countersigners = definition.steps.filter((s) => s.parallelGroup === 'countersign').length;
      expect(stages.length, service.code).toBe(definition.steps.length - Math.max(0, countersigners - 1));
    }
  });
});

describeEachDialect(
  'the demo catalog’s workflows on the engine',
  (ctx) => {
    const clock = new ManualClock('2026-03-02T01:00:00Z');
    const deps = { clock };
    const city = 'lingnan';

    it('takes one service of every workflow definition from submission to approval', async () => {
      const db = ctx.handle().db;
      const departments = new Map(
        (await db.selectFrom('departments').select(['id', 'code']).where('city_id', '=', city).execute()).map((d) => [
          d.code,
          d.id,
        ]),
      );
      for (const { code } of demoWorkflowDefinitions) {
        // The service with the most steps that follows the definition (several countersigners if any).
        const service = demoServices
          .filter((s) => s.workflow.code === code && !s.variantOf)
          .sort((a, b) => b.workflow.steps.length - a.workflow.steps.length)[0];
        if (!service) throw new Error(`no demo service follows ${code}`);
        const definition = definitionOf(service);
        await publishDefinition(db, clock, city, definition);
        let result: WorkflowResult = await inTransaction(db, (trx) =>
          startWorkflow(trx, deps, {
            cityId: city,
            definition: { code: definition.code },
            subject: { type: 'application', id: `demo-${service.code}` },
            applicant: { kind: service.audience === 'enterprise' ? 'enterprise' : 'citizen', id: 'demo-applicant' },
            departments: { service: departments.get(service.departmentCode) ?? '' },
            limits: { promisedDays: service.promisedDays, legalDays: service.legalDays },
          }),
        );
        const approved: string[] = [];
        const openedTogether: number[] = [result.openedTasks.length];
        while (!result.completed) {
          const task = result.tasks.find((t) => t.status === 'open');
          if (!task) throw new Error(`${service.code}: no open task`);
          const actor = {
            kind: 'staff' as const,
            id: `staff-${task.departmentId}`,
            cityId: city,
            departmentId: task.departmentId,
            roles: [task.step.role],
          };
          result = await inTransaction(db, (trx) =>
            actOnTask(trx, deps, { cityId: city, taskId: task.id, actor, action: 'approve' }),
          );
          approved.push(task.step.code);
          if (result.openedTasks.length) openedTogether.push(result.openedTasks.length);
        }
        expect(result.completed, service.code).toBe('approved');
        expect([...approved].sort(), service.code).toEqual(service.workflow.steps.map((s) => s.code).sort());
        expect(openedTogether, service.code).toEqual(stagesOf(definition.steps).map((stage) => stage.length));
        const departmentOf = new Map(result.tasks.map((t) => [t.step.code, t.departmentId]));
        for (const step of service.workflow.steps) {
          expect(departmentOf.get(step.code), `${service.code} ${step.code}`).toBe(
            departments.get(step.departmentCode),
          );
        }
      }
    });
  },
  'demo',
);
