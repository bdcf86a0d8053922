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

/**
 * preHandler for routes whose answer must never be replayed from the Idempotency-Key store:
 * answers that carry a secret shown once (an initial password, an API key, a TOTP secret) would
 * otherwise sit in clear in `idempotency_keys` for a day, and answers that set a session cookie
 * cannot be replayed (the cookie is not kept). A repeat of such a request simply runs again.
 */
export async function noReplay(request: FastifyRequest): Promise<void> {
  const reservation = request.idempotencyReservation;
  if (!reservation) return;
  request.idempotencyReservation = null;
  await request.server.platform.db
    .deleteFrom('idempotency_keys')
    .where('scope', '=', reservation.scope)
    .where('key', '=', reservation.key)
    .execute();
}
