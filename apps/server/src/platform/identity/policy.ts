/**
 * Access policy: the finer decisions that route declarations cannot make alone (this citizen's
 * record, this department, this enterprise). Services call these named functions so that each
 * rule lives in one place, with the reason for it beside it.
 */
import type { EnterpriseRole, StaffPrincipal, StaffRole } from './principal.ts';

/** Staff roles whose work involves reading a citizen's record (window clerks, their supervisors and admins). */
export const CITIZEN_READER_ROLES: readonly StaffRole[] = ['clerk', 'supervisor', 'department_admin'];

/**
 * Whether `staff` may read the record of a citizen. For now: any staff member holding a reader
 * role, in any city of the deployment. Accounts belong to the deployment (the province), not
 * to one city, so a citizen of one city is served at another city's window just the same; and
 * there is no link yet between a citizen and a case in a department's queue that could narrow
 * the rule. The safeguard meanwhile is accountability: every read states a purpose, is audited
 * with the citizen as the person concerned, and shows in the citizen's "who accessed my data".
 * When applications and work orders exist, narrow this to staff handling a case of the citizen.
 */
export function staffMayReadCitizen(staff: StaffPrincipal, _citizenId: string): boolean {
  return staff.roles.some((role) => CITIZEN_READER_ROLES.includes(role));
}

/** What a new staff account would be: where it belongs and what it may do. */
export interface StaffAccountTarget {
  cityId: string;
  departmentId: string;
  roles: readonly StaffRole[];
}

/**
 * Whether `staff` may create the account `target`. Platform admins (the data bureau) create any
 * account. A department admin creates accounts in their own department only, and never a
 * platform admin: a department must not be able to raise its own people above itself.
 */
export function staffMayCreateStaff(staff: StaffPrincipal, target: StaffAccountTarget): boolean {
  if (staff.roles.includes('platform_admin')) return true;
  if (!staff.roles.includes('department_admin')) return false;
  return (
    target.cityId === staff.cityId &&
    target.departmentId === staff.departmentId &&
    !target.roles.includes('platform_admin')
  );
}

/** Whether a member with `role` may add or remove an enterprise's members (the legal representative and admins). */
export function mayManageEnterpriseMembers(role: EnterpriseRole | null): boolean {
  return role === 'legal_rep' || role === 'admin';
}
