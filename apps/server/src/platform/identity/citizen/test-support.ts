/** Helpers for the citizen identity tests: sign up by code through the API, read the development mailbox. */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { sessionCookieName } from '../sessions.ts';

/** A signed-in test client: the headers to send with reads and writes. */
export interface CitizenClient {
  id: string;
  cookie: string;
  csrf: string;
  read: Record<string, string>;
  write: Record<string, string>;
}

let ipSeq = 0;
/** A fresh client address, so that per-IP limits of one test do not spill into the next. */
export function freshIp(): string {
  ipSeq += 1;
  return `10.${(ipSeq >> 16) & 255}.${(ipSeq >> 8) & 255}.${ipSeq & 255}`;
}

let phoneSeq = 0;
/** A fresh, valid mainland mobile number. */
export function freshPhone(): string {
  phoneSeq += 1;
  return `139${String(Date.now() % 10_000).padStart(4, '0')}${String(phoneSeq).padStart(4, '0')}`;
}

/** A national ID number with a valid check digit for the 17 digits `body`. */
export function nationalId(body: string): string {
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(body[i]) * (weights[i] ?? 0);
  return body + ('10X98765432'[sum % 11] ?? '');
}

/** The session token a response set, as a `Cookie` header value. */
export function sessionCookie(app: FastifyInstance, res: LightMyRequestResponse): string {
  const name = sessionCookieName(app.platform.config);
  const cookie = res.cookies.find((c) => c.name === name && c.value);
  if (!cookie) throw new Error(`no ${name} cookie in the response`);
  return `${name}=${cookie.value}`;
}

/** The newest code in the development mailbox for `destination`. */
export async function latestCode(app: FastifyInstance, destination: string): Promise<string> {
  const res = await app.inject({ url: `/api/v1/dev/mailbox?destination=${encodeURIComponent(destination)}` });
  const body = res.json() as { items: { body: string }[] };
  const code = body.items[0]?.body.match(/\b(\d{6})\b/)?.[1];
  if (!code) throw new Error(`no code in the mailbox of ${destination}`);
  return code;
}

/** Asks for a code by `channel` (as a fresh address unless `ip` is given). */
export function requestCode(
  app: FastifyInstance,
  destination: string,
  options: {
    channel?: 'sms' | 'email';
    ip?: string;
    purpose?: 'sign_in' | 'verify_contact';
    headers?: Record<string, string>;
  } = {},
) {
  return app.inject({
    method: 'POST',
    url: '/api/v1/auth/otp',
    remoteAddress: options.ip ?? freshIp(),
    headers: options.headers ?? {},
    payload: { channel: options.channel ?? 'sms', destination, purpose: options.purpose ?? 'sign_in' },
  });
}

/** Sends `code` for `destination`. */
export function verifyCode(
  app: FastifyInstance,
  destination: string,
  code: string,
  options: { channel?: 'sms' | 'email'; ip?: string; headers?: Record<string, string> } = {},
) {
  return app.inject({
    method: 'POST',
    url: '/api/v1/auth/otp/verify',
    remoteAddress: options.ip ?? freshIp(),
    headers: options.headers ?? {},
    payload: { channel: options.channel ?? 'sms', destination, code },
  });
}

/** Signs up or in by code through the API and returns the signed-in client. */
export async function signInByCode(
  app: FastifyInstance,
  destination: string,
  channel: 'sms' | 'email' = 'sms',
): Promise<CitizenClient> {
  const requested = await requestCode(app, destination, { channel });
  if (requested.statusCode !== 202) throw new Error(`code request failed: ${requested.body}`);
  const res = await verifyCode(app, destination, await latestCode(app, destination), { channel });
  if (res.statusCode !== 200) throw new Error(`sign-in failed: ${res.body}`);
  const cookie = sessionCookie(app, res);
  const { citizen, csrfToken } = res.json() as { citizen: { id: string }; csrfToken: string };
  return {
    id: citizen.id,
    cookie,
    csrf: csrfToken,
    read: { cookie },
    write: { cookie, 'x-csrf-token': csrfToken },
  };
}
