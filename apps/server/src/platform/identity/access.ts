/**
 * Route access, deny by default: every `/api/` route declares who may call it in
 * `config.access`, and a route without a declaration stops the app from booting. The check runs
 * before validation, so a caller who may not use a route learns nothing about its input.
 * Finer decisions (this citizen's own report, this department's queue, this jurisdiction) are
 * the policy functions in policy.ts, called by services — never ad-hoc checks in handlers.
 */
import type { FastifyRequest, RouteOptions } from 'fastify';
import { AppError } from '../http/errors.ts';
import type { Principal, StaffRole } from './principal.ts';

/** Who may call a route. */
export type Access =
  | { kind: 'public' }
  | {
      kind: 'signed_in';
      principals: ReadonlyArray<'citizen' | 'staff' | 'api_key'>;
      /** Staff must hold one of these roles (any role when absent). */
      roles?: readonly StaffRole[];
      /** API keys must hold one of these scopes (any scope when absent). */
      scopes?: readonly string[];
      /** Staff who have not passed their second factor yet may call it (the MFA routes themselves). */
      beforeSecondFactor?: boolean;
      /** Staff who must change their password may call it (the password route itself). */
      beforePasswordChange?: boolean;
    };

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
}

/** Ready-made access declarations. */
export const access = {
  /** Anyone, signed in or not. */
  public: (): Access => ({ kind: 'public' }),
  /** A signed-in citizen (acting for themself or for an enterprise). */
  citizen: (): Access => ({ kind: 'signed_in', principals: ['citizen'] }),
  /** Staff with one of `roles` (any role when none is given), past their second factor. */
  staff: (...roles: StaffRole[]): Access => ({ kind: 'signed_in', principals: ['staff'], roles }),
  /** Staff in the middle of signing in: password accepted, second factor pending. */
  staffSigningIn: (): Access => ({
    kind: 'signed_in',
    principals: ['staff'],
    beforeSecondFactor: true,
    beforePasswordChange: true,
  }),
  /** Staff who must change their password (the password route). */
  staffChangingPassword: (): Access => ({ kind: 'signed_in', principals: ['staff'], beforePasswordChange: true }),
  /** Any signed-in person (citizen or staff). */
  person: (): Access => ({ kind: 'signed_in', principals: ['citizen', 'staff'] }),
  /** A machine client holding one of `scopes`. */
  apiKey: (...scopes: string[]): Access => ({ kind: 'signed_in', principals: ['api_key'], scopes }),
} as const;

/** Throws unless `principal` may call a route declared with `rule`. */
export function enforceAccess(rule: Access, principal: Principal): void {
  if (rule.kind === 'public') return;
  if (principal.kind === 'anonymous') throw new AppError('UNAUTHENTICATED');
  // Operators act at the command line, never through a route.
  if (principal.kind === 'operator' || !rule.principals.includes(principal.kind)) throw new AppError('FORBIDDEN');
  if (principal.kind === 'staff') {
    if (!principal.secondFactor && !rule.beforeSecondFactor) throw new AppError('SECOND_FACTOR_REQUIRED');
    if (principal.mustChangePassword && !rule.beforePasswordChange) throw new AppError('PASSWORD_CHANGE_REQUIRED');
    if (rule.roles?.length && !rule.roles.some((r) => principal.roles.includes(r))) throw new AppError('FORBIDDEN');
  }
  if (principal.kind === 'api_key' && rule.scopes?.length) {
    if (!rule.scopes.some((s) => principal.scopes.includes(s))) throw new AppError('FORBIDDEN');
  }
}

/** Raised at boot for an API route without an access declaration. */
export class MissingAccessError extends Error {
  override name = 'MissingAccessError';
}

/** `onRoute` check: every `/api/` route declares its access. */
export function requireAccessDeclaration(route: RouteOptions): void {
  if (!route.url.startsWith('/api/')) return;
  if (!route.config?.access) {
    const methods = Array.isArray(route.method) ? route.method.join(',') : route.method;
    throw new MissingAccessError(
      `${methods} ${route.url} declares no config.access: every API route must say who may call it`,
    );
  }
}

/** The access rule of the route `request` matched (public for non-API routes such as /healthz and /docs). */
export function accessOf(request: FastifyRequest): Access {
  return request.routeOptions.config.access ?? { kind: 'public' };
}
