/** Small helpers the staff, admin and enterprise routes share. */
import type { FastifyRequest } from 'fastify';
import { AppError } from '../../http/errors.ts';
import type { CitizenPrincipal, StaffPrincipal } from '../principal.ts';

/** The staff principal of a route declared for staff only. */
export function staffOf(request: FastifyRequest): StaffPrincipal {
  const p = request.principal;
  if (p.kind !== 'staff') throw new AppError('FORBIDDEN');
  return p;
}

/** The citizen principal of a route declared for citizens only. */
export function citizenOf(request: FastifyRequest): CitizenPrincipal {
  const p = request.principal;
  if (p.kind !== 'citizen') throw new AppError('FORBIDDEN');
  return p;
}

/** The session token of a cookie-authenticated request (routes that rotate the session). */
export function sessionTokenOf(request: FastifyRequest): string {
  if (!request.sessionToken) throw new AppError('UNAUTHENTICATED');
  return request.sessionToken;
}
