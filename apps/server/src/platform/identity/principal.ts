/**
 * Who is making a request. Every request has exactly one principal: anonymous, a citizen
 * (possibly acting for an enterprise), a staff member, or a machine client with an API key.
 */
import { userInfo } from 'node:os';

/** Staff roles, from the window clerk to the platform administrator. */
export const StaffRoles = [
  'clerk',
  'supervisor',
  'field_crew',
  'department_admin',
  'platform_admin',
  'operations_viewer',
] as const;
/** One of {@link StaffRoles}. */
export type StaffRole = (typeof StaffRoles)[number];

/** Roles a citizen can hold in an enterprise. */
export const EnterpriseRoles = ['legal_rep', 'admin', 'agent'] as const;
/** One of {@link EnterpriseRoles}. */
export type EnterpriseRole = (typeof EnterpriseRoles)[number];

/** A citizen's signed-in identity; `actingFor` is set while they act for an enterprise. */
export interface CitizenPrincipal {
  kind: 'citizen';
  id: string;
  sessionId: string;
  actingFor: { enterpriseId: string; role: EnterpriseRole } | null;
}

/** A staff member; `secondFactor` is false until they pass TOTP or a passkey. */
export interface StaffPrincipal {
  kind: 'staff';
  id: string;
  sessionId: string;
  cityId: string;
  departmentId: string;
  roles: StaffRole[];
  /** Zone ids the staff member's jurisdiction covers (with everything inside them). */
  jurisdiction: string[];
  secondFactor: boolean;
  mustChangePassword: boolean;
}

/** A machine client (Open311 client, device gateway, another department's system). */
export interface ApiKeyPrincipal {
  kind: 'api_key';
  id: string;
  cityId: string;
  departmentId: string | null;
  scopes: string[];
}

/** Nobody signed in. */
export interface AnonymousPrincipal {
  kind: 'anonymous';
}

/** Someone at the server's command line (`onecity staff create` …); `id` is the operating-system user. */
export interface OperatorPrincipal {
  kind: 'operator';
  id: string;
}

/** Every kind of caller. Operators never come through HTTP: they only appear in audit entries. */
export type Principal = AnonymousPrincipal | CitizenPrincipal | StaffPrincipal | ApiKeyPrincipal | OperatorPrincipal;

/** The operator running the current command. */
export function operator(): OperatorPrincipal {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // No passwd entry for the uid (some containers): the audit entry still says it was the CLI.
  }
  return { kind: 'operator', id: user };
}

/** The anonymous principal (shared, immutable). */
export const anonymous: AnonymousPrincipal = Object.freeze({ kind: 'anonymous' });

/** The actor fields an audit entry records for `principal`. */
export function actorOf(principal: Principal): { kind: string; id: string | null; actingFor: string | null } {
  switch (principal.kind) {
    case 'anonymous':
      return { kind: 'anonymous', id: null, actingFor: null };
    case 'citizen':
      return { kind: 'citizen', id: principal.id, actingFor: principal.actingFor?.enterpriseId ?? null };
    case 'staff':
      return { kind: 'staff', id: principal.id, actingFor: null };
    case 'api_key':
      return { kind: 'api_key', id: principal.id, actingFor: null };
    case 'operator':
      return { kind: 'operator', id: principal.id, actingFor: null };
  }
}
