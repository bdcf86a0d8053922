/** Citizen accounts: lookup by contact, creation at first sign-in, and how a citizen's own profile is shown. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely, Selectable } from 'kysely';
import { uuidv7 } from 'uuidv7';
import type { CitizenProfile } from '#contracts';
import { audit } from '../../audit/index.ts';
import { reusableQuery } from '../../db/reusable.ts';
import type { CitizensTable, Database } from '../../db/schema.ts';
import { AppError } from '../../http/errors.ts';
import { setSessionCookie } from '../auth.ts';
import { maskEmail, maskNationalId, maskPhone, type PiiVault } from '../pii.ts';
import type { CitizenPrincipal } from '../principal.ts';
import { createSession, type NewSession } from '../sessions.ts';

/** A citizens row. */
export type CitizenRow = Selectable<CitizensTable>;

/** The citizen whose phone number (`phone`) or e-mail address (`email`) has blind index `bidx`. */
export async function findCitizenByContact(
  db: Kysely<Database>,
  kind: 'phone' | 'email',
  bidx: string,
): Promise<CitizenRow | undefined> {
  return db
    .selectFrom('citizens')
    .selectAll()
    .where(kind === 'phone' ? 'phone_bidx' : 'email_bidx', '=', bidx)
    .executeTakeFirst();
}

/** How many passkeys a citizen has registered. */
async function countPasskeys(db: Kysely<Database>, citizenId: string): Promise<number> {
  const { count } = await db
    .selectFrom('passkeys')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('owner_kind', '=', 'citizen')
    .where('owner_id', '=', citizenId)
    .executeTakeFirstOrThrow();
  return Number(count);
}

/** One citizen with the number of their passkeys, compiled once (every profile read runs it). */
const citizenWithPasskeys = reusableQuery(1, (db, id) =>
  db
    .selectFrom('citizens')
    .selectAll()
    .select((eb) =>
      eb
        .selectFrom('passkeys')
        .select(eb.fn.countAll<number>().as('n'))
        .where('owner_kind', '=', 'citizen')
        .whereRef('owner_id', '=', 'citizens.id')
        .as('passkey_count'),
    )
    .where('id', '=', id ?? ''),
);

/** One citizen by id with the number of their passkeys: the profile in one round trip. */
export async function findCitizenWithPasskeys(db: Kysely<Database>, id: string) {
  const [row] = await citizenWithPasskeys(db, id);
  return row;
}

/** One citizen by id. */
export async function findCitizen(db: Kysely<Database>, id: string): Promise<CitizenRow | undefined> {
  return db.selectFrom('citizens').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * The citizen reachable at `destination`, created on first use (signing in with a code to a new
 * number is signing up). Concurrent first sign-ins to one number create one account.
 */
export async function findOrCreateCitizen(
  trx: Kysely<Database>,
  pii: PiiVault,
  now: Date,
  kind: 'phone' | 'email',
  destination: string,
): Promise<{ citizen: CitizenRow; created: boolean }> {
  const bidx = pii.blindIndex(kind, destination);
  const existing = await findCitizenByContact(trx, kind, bidx);
  if (existing) return { citizen: existing, created: false };
  const enc = pii.encrypt(destination);
  const inserted = await trx
    .insertInto('citizens')
    .values({
      id: uuidv7(),
      phone_enc: kind === 'phone' ? enc : null,
      phone_bidx: kind === 'phone' ? bidx : null,
      email_enc: kind === 'email' ? enc : null,
      email_bidx: kind === 'email' ? bidx : null,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) return { citizen: inserted, created: true };
  const raced = await findCitizenByContact(trx, kind, bidx);
  if (!raced) throw new AppError('CONFLICT');
  return { citizen: raced, created: false };
}

function shortenAddress(address: string): string {
  return address.length <= 6 ? '****' : `${address.slice(0, 6)}****`;
}

/** The citizen's profile as they see it: masked unless `reveal`. */
export async function profileOf(
  db: Kysely<Database>,
  pii: PiiVault,
  citizen: Pick<
    CitizenRow,
    'id' | 'name' | 'national_id_enc' | 'phone_enc' | 'email_enc' | 'address_enc' | 'real_name_verified'
  > & { passkey_count?: number | null },
  options: { reveal: boolean; actingFor: CitizenPrincipal['actingFor'] },
): Promise<CitizenProfile> {
  const count = citizen.passkey_count ?? (await countPasskeys(db, citizen.id));
  const open = (value: string | null) => (value === null ? null : pii.decrypt(value));
  const nationalId = open(citizen.national_id_enc);
  const phone = open(citizen.phone_enc);
  const email = open(citizen.email_enc);
  const address = open(citizen.address_enc);
  const { reveal } = options;
  return {
    id: citizen.id,
    name: citizen.name,
    nationalId: nationalId === null ? null : reveal ? nationalId : maskNationalId(nationalId),
    phone: phone === null ? null : reveal ? phone : maskPhone(phone),
    email: email === null ? null : reveal ? email : maskEmail(email),
    address: address === null ? null : reveal ? address : shortenAddress(address),
    revealed: reveal,
    realNameVerified: citizen.real_name_verified,
    passkeys: Number(count),
    actingFor: options.actingFor,
  };
}

/**
 * Signs `citizenId` in within `trx`: a new session replaces the one in the caller's cookie
 * (so a session fixed before sign-in never becomes privileged), the request's principal
 * becomes the citizen, and the sign-up (if `signedUp`) and sign-in are audited. The caller
 * sets the cookie after commit.
 */
export async function signInCitizen(
  trx: Kysely<Database>,
  request: FastifyRequest,
  citizenId: string,
  method: 'otp_sms' | 'otp_email' | 'passkey',
  signedUp = false,
): Promise<NewSession> {
  const { config, clock } = request.server.platform;
  const session = await createSession(
    trx,
    config,
    clock.now(),
    { kind: 'citizen', id: citizenId, method },
    request.sessionToken,
  );
  request.principal = { kind: 'citizen', id: citizenId, sessionId: session.tokenHash, actingFor: null };
  // Recorded as the citizen's own actions, so that "who accessed my data" leaves them out.
  if (signedUp) {
    await audit(trx, request, {
      action: 'citizen.signed_up',
      subjectKind: 'citizen',
      subjectId: citizenId,
      personId: citizenId,
      details: { method },
    });
  }
  await audit(trx, request, {
    action: 'citizen.signed_in',
    subjectKind: 'citizen',
    subjectId: citizenId,
    personId: citizenId,
    details: { method },
  });
  return session;
}

/** Puts the new session into the cookie once its transaction has committed. */
export function finishSignIn(request: FastifyRequest, reply: FastifyReply, session: NewSession): void {
  request.sessionToken = session.token;
  request.csrfToken = session.csrfToken;
  setSessionCookie(request, reply, session);
}
