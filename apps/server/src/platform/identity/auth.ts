/**
 * Authentication for every request: the session cookie (citizens, staff) or an API key
 * (machine clients) becomes `request.principal`; then the route's declared access is enforced,
 * and cookie-authenticated writes must carry the session's CSRF token.
 */
import cookie from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../http/errors.ts';
import { type Access, accessOf, enforceAccess, requireAccessDeclaration } from './access.ts';
import { findApiKey } from './api-keys.ts';
import { anonymous, type CitizenPrincipal, type Principal, type StaffPrincipal, type StaffRole } from './principal.ts';
import {
  findSession,
  type NewSession,
  type SessionCitizen,
  safeEqual,
  secureCookies,
  sessionCookieName,
} from './sessions.ts';

/** One registered API route and who may call it (for the authorization matrix and the fuzzer). */
export interface CatalogRoute {
  method: string;
  url: string;
  access: Access;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every `/api/` route with its declared access, in registration order. */
    routeCatalog: CatalogRoute[];
  }
  interface FastifyRequest {
    principal: Principal;
    /** The raw session token from the cookie, when a live session was found. */
    sessionToken: string | null;
    /** The CSRF token of the live session. */
    csrfToken: string | null;
    /** A signed-in citizen's own profile row, read with the session (null for everyone else). */
    sessionCitizen: SessionCitizen | null;
  }
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Puts a new session into the response's cookie. */
export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, session: NewSession): void {
  const config = request.server.platform.config;
  reply.setCookie(sessionCookieName(config), session.token, {
    path: '/',
    httpOnly: true,
    secure: secureCookies(config),
    sameSite: 'lax',
    expires: session.absoluteExpiresAt,
  });
}

/** Removes the session cookie. */
export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  const config = request.server.platform.config;
  reply.clearCookie(sessionCookieName(config), {
    path: '/',
    httpOnly: true,
    secure: secureCookies(config),
    sameSite: 'lax',
  });
}

async function principalFromSession(request: FastifyRequest, token: string): Promise<Principal | null> {
  const { db, config, clock } = request.server.platform;
  const session = await findSession(db, config, clock.now(), token);
  if (session?.account.status !== 'active') return null;
  request.sessionToken = token;
  request.csrfToken = session.csrfToken;
  if (session.kind === 'citizen') {
    // Membership withdrawn since the switch: the session falls back to acting for themself.
    const role = session.account.memberRole;
    const actingFor = session.actingFor && role ? { enterpriseId: session.actingFor, role } : null;
    request.sessionCitizen = session.account.citizen;
    return { kind: 'citizen', id: session.principalId, sessionId: session.tokenHash, actingFor };
  }
  const staff = session.account.staff;
  if (!staff) return null;
  return {
    kind: 'staff',
    id: session.principalId,
    sessionId: session.tokenHash,
    cityId: staff.cityId,
    departmentId: staff.departmentId,
    roles: staff.roles as StaffRole[],
    jurisdiction: staff.jurisdiction,
    secondFactor: session.secondFactor,
    mustChangePassword: staff.mustChangePassword,
  };
}

function apiKeyFrom(request: FastifyRequest): string | null {
  const header = request.headers['x-api-key'];
  if (typeof header === 'string') return header;
  const auth = request.headers.authorization;
  if (typeof auth === 'string' && auth.startsWith('Bearer ock_')) return auth.slice('Bearer '.length);
  return null;
}

/** Installs authentication, access enforcement and CSRF protection for the whole app. */
export const authPlugin = fp(
  async (app: FastifyInstance) => {
    await app.register(cookie);
    // Set for every request in onRequest below (Fastify forbids object defaults on decorators).
    app.decorateRequest('principal', null as never);
    app.decorateRequest('sessionToken', null);
    app.decorateRequest('csrfToken', null);
    app.decorateRequest('sessionCitizen', null);
    app.decorate('routeCatalog', [] as CatalogRoute[]);
    app.addHook('onRoute', (route) => {
      requireAccessDeclaration(route);
      if (!route.url.startsWith('/api/') || !route.config?.access) return;
      for (const method of Array.isArray(route.method) ? route.method : [route.method]) {
        if (method === 'HEAD') continue;
        app.routeCatalog.push({ method, url: route.url, access: route.config.access });
      }
    });

    app.addHook('onRequest', async (request, reply) => {
      request.principal = anonymous;
      const key = apiKeyFrom(request);
      if (key) {
        const found = await findApiKey(app.platform.db, app.platform.clock.now(), key);
        if (!found) throw new AppError('API_KEY_INVALID');
        request.principal = found;
        return;
      }
      const token = request.cookies[sessionCookieName(app.platform.config)];
      if (!token) return;
      const principal = await principalFromSession(request, token);
      if (principal) request.principal = principal;
      else clearSessionCookie(request, reply);
    });

    app.addHook('preValidation', async (request) => {
      enforceAccess(accessOf(request), request.principal);
      if (UNSAFE.has(request.method) && request.sessionToken) {
        const sent = request.headers['x-csrf-token'];
        if (typeof sent !== 'string' || !request.csrfToken || !safeEqual(sent, request.csrfToken)) {
          throw new AppError('CSRF_TOKEN_INVALID');
        }
      }
    });
  },
  { name: 'onecity-auth', dependencies: ['onecity-idempotency'] },
);

/** The staff principal of a route declared for staff only. */
export function staffOf(request: FastifyRequest): StaffPrincipal {
  const p = request.principal;
  if (p.kind !== 'staff') throw new AppError('FORBIDDEN');
  return p;
}

/** The signed-in staff member, who must belong to `cityId`: staff act only in their own city. */
export function staffOfCity(request: FastifyRequest, cityId: string): StaffPrincipal {
  const staff = staffOf(request);
  if (staff.cityId !== cityId) throw new AppError('FORBIDDEN');
  return staff;
}

/** The signed-in citizen (a route declared `access.citizen()` always has one). */
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
