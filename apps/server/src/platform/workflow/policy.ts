/**
 * Who may act on a workflow: staff of a task's department holding the step's role (a
 * supervisor may also do a clerk's step), the applicant on their own instance, and the system
 * (timers). The caller passes the actor; these functions turn it into parties for the tables.
 */
import type { WorkflowRole } from './definition.ts';
import type { WorkflowParty } from './model.ts';

/** A staff member as the engine needs them (a StaffPrincipal fits). */
export interface WorkflowStaff {
  kind: 'staff';
  id: string;
  cityId: string;
  departmentId: string;
  roles: readonly string[];
}

/** A citizen, possibly acting for an enterprise (a CitizenPrincipal fits). */
export interface WorkflowCitizen {
  kind: 'citizen';
  id: string;
  actingFor?: { enterpriseId: string } | null;
}

/** Timers and other work the platform does by itself. */
export interface WorkflowSystem {
  kind: 'system';
}

/** Whoever acts on a workflow. */
export type WorkflowActor = WorkflowStaff | WorkflowCitizen | WorkflowSystem;

/** Who an instance is for. */
export interface Applicant {
  kind: 'citizen' | 'enterprise';
  id: string;
}

/** The system actor (shared, immutable). */
export const systemActor: WorkflowSystem = Object.freeze({ kind: 'system' });

/** The step roles a staff member may act in: a supervisor does clerk steps too. */
export function stepRolesOf(roles: readonly string[]): WorkflowRole[] {
  if (roles.includes('supervisor')) return ['clerk', 'supervisor'];
  if (roles.includes('clerk')) return ['clerk'];
  return [];
}

/** Whether `staff` may work on a task of `departmentId` for a step with `role` in `cityId`. */
export function mayHandleTask(
  staff: WorkflowStaff,
  task: { cityId: string; departmentId: string; role: WorkflowRole },
): boolean {
  return (
    staff.cityId === task.cityId &&
    staff.departmentId === task.departmentId &&
    stepRolesOf(staff.roles).includes(task.role)
  );
}

/** Whether `actor` is the applicant of an instance (an enterprise acts through a member acting for it). */
export function isApplicant(actor: WorkflowActor, applicant: Applicant): boolean {
  if (actor.kind !== 'citizen') return false;
  if (applicant.kind === 'citizen') return actor.id === applicant.id;
  return actor.actingFor?.enterpriseId === applicant.id;
}

/** The parties `actor` plays for a task (empty: none). */
export function taskParties(
  actor: WorkflowActor,
  task: { cityId: string; departmentId: string; role: WorkflowRole },
): Set<WorkflowParty> {
  if (actor.kind === 'system') return new Set(['system']);
  if (actor.kind === 'staff' && mayHandleTask(actor, task)) return new Set(['handler']);
  return new Set();
}

/** The parties `actor` plays for an instance as a whole (empty: none). */
export function instanceParties(actor: WorkflowActor, applicant: Applicant): Set<WorkflowParty> {
  if (actor.kind === 'system') return new Set(['system']);
  if (isApplicant(actor, applicant)) return new Set(['applicant']);
  return new Set();
}
