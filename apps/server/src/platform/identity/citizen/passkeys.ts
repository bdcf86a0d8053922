/**
 * Passkeys ("刷脸登录"): WebAuthn with discoverable credentials and user verification required,
 * so the device checks the face or fingerprint and OneCity only ever sees a signature. Both
 * ceremonies need the citizen's current consent to the biometric notice. A challenge is stored
 * for five minutes and deleted when it comes back, before anything else is checked, so that a
 * response can be tried only once.
 */
import {
  type AuthenticationResponseJSON,
  generateAuthenticationOptions,
  generateRegistrationOptions,
  type RegistrationResponseJSON,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
} from '@simplewebauthn/server';
import { decodeClientDataJSON, isoBase64URL } from '@simplewebauthn/server/helpers';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Kysely, Selectable } from 'kysely';
import { uuidv7 } from 'uuidv7';
import { z } from 'zod';
import {
  CitizenSignedIn,
  Passkey,
  PasskeyList,
  PasskeyRegisterRequest,
  PasskeyRename,
  PasskeySignInRequest,
  WebAuthnOptions,
  type WebAuthnResponse,
} from '#contracts';
import { audit } from '../../audit/index.ts';
import type { Database, PasskeysTable } from '../../db/schema.ts';
import { AppError } from '../../http/errors.ts';
import { access } from '../access.ts';
import { citizenOf } from '../auth.ts';
import { maskEmail, maskPhone } from '../pii.ts';
import { findCitizen, finishSignIn, profileOf, signInCitizen } from './citizens.ts';
import { requireConsent } from './consent.ts';
import { hit, ipKey, limits } from './rate-limit.ts';

/** How long a WebAuthn challenge is valid. */
export const WEBAUTHN_TTL_MS = 5 * 60_000;

/**
 * EdDSA, ES256, RS256: what platform authenticators use. Named here rather than left to the
 * library's default, which probes experimental post-quantum Web Crypto support at every call.
 */
const ALGORITHMS = [-8, -7, -257];

function presentPasskey(row: Selectable<PasskeysTable>): Passkey {
  return {
    id: row.id,
    name: row.name,
    deviceType: row.device_type,
    backedUp: row.backed_up,
    createdAt: row.created_at.toISOString(),
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
  };
}

/** A citizen's passkeys, oldest first. */
export async function listPasskeys(db: Kysely<Database>, citizenId: string): Promise<Passkey[]> {
  const rows = await db
    .selectFrom('passkeys')
    .selectAll()
    .where('owner_kind', '=', 'citizen')
    .where('owner_id', '=', citizenId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(presentPasskey);
}

async function storeChallenge(
  db: Kysely<Database>,
  now: Date,
  purpose: 'register' | 'authenticate',
  challenge: string,
  ownerId: string | null,
) {
  // Abandoned ceremonies are cleared as new ones start.
  await db.deleteFrom('webauthn_challenges').where('expires_at', '<=', now).execute();
  await db
    .insertInto('webauthn_challenges')
    .values({
      id: uuidv7(),
      purpose,
      owner_kind: ownerId ? 'citizen' : null,
      owner_id: ownerId,
      challenge,
      expires_at: new Date(now.getTime() + WEBAUTHN_TTL_MS),
      created_at: now,
    })
    .execute();
}

/** Takes (deletes) the challenge a response answers; throws unless it was issued for this purpose and owner and is still valid. */
async function takeChallenge(
  db: Kysely<Database>,
  now: Date,
  purpose: 'register' | 'authenticate',
  credential: WebAuthnResponse,
  ownerId: string | null,
): Promise<string> {
  const clientData = credential.response.clientDataJSON;
  if (typeof clientData !== 'string') throw new AppError('PASSKEY_VERIFICATION_FAILED');
  let challenge: string;
  try {
    challenge = decodeClientDataJSON(clientData).challenge;
  } catch (error) {
    throw new AppError('PASSKEY_VERIFICATION_FAILED', {}, { cause: error });
  }
  if (typeof challenge !== 'string' || !challenge) throw new AppError('PASSKEY_VERIFICATION_FAILED');
  let query = db
    .deleteFrom('webauthn_challenges')
    .where('challenge', '=', challenge)
    .where('purpose', '=', purpose)
    .returning(['expires_at']);
  query = ownerId
    ? query.where('owner_kind', '=', 'citizen').where('owner_id', '=', ownerId)
    : query.where('owner_id', 'is', null);
  const taken = await query.executeTakeFirst();
  if (!taken || taken.expires_at <= now) throw new AppError('PASSKEY_VERIFICATION_FAILED');
  return challenge;
}

/** Registers passkey routes: the signed-in citizen's passkeys, and signing in with one (mounted under /api/v1). */
export async function passkeyRoutes(app: FastifyInstance) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const { db, pii, clock, config } = app.platform;
  const { rpId, rpName, origin } = config.webauthn;
  const PasskeyParams = z.object({ id: z.uuid() });

  r.post(
    '/me/passkeys/register/options',
    {
      config: { access: access.citizen() },
      schema: {
        tags: ['identity'],
        summary: 'Start adding a passkey (needs consent to the biometric notice); pass the options to the browser',
        response: { 200: WebAuthnOptions },
      },
    },
    async (request) => {
      const me = citizenOf(request);
      await requireConsent(db, me.id, 'biometric');
      const citizen = await findCitizen(db, me.id);
      if (!citizen) throw new AppError('UNAUTHENTICATED');
      const existing = await db
        .selectFrom('passkeys')
        .select(['credential_id', 'transports'])
        .where('owner_kind', '=', 'citizen')
        .where('owner_id', '=', me.id)
        .execute();
      // The name on the device's passkey list: masked, since others may see the screen.
      const phone = citizen.phone_enc ? maskPhone(pii.decrypt(citizen.phone_enc)) : null;
      const email = citizen.email_enc ? maskEmail(pii.decrypt(citizen.email_enc)) : null;
      const options = await generateRegistrationOptions({
        rpName,
        rpID: rpId,
        userName: phone ?? email ?? me.id,
        userDisplayName: citizen.name ?? phone ?? email ?? '',
        userID: new TextEncoder().encode(me.id),
        attestationType: 'none',
        excludeCredentials: existing.map((p) => ({ id: p.credential_id, transports: p.transports })),
        authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
        timeout: WEBAUTHN_TTL_MS,
        supportedAlgorithmIDs: ALGORITHMS,
      });
      await storeChallenge(db, clock.now(), 'register', options.challenge, me.id);
      return options as unknown as Record<string, unknown>;
    },
  );

  r.post(
    '/me/passkeys/register/verify',
    {
      config: { access: access.citizen() },
      schema: {
        tags: ['identity'],
        summary: "Finish adding a passkey with the browser's answer and a name for it (201)",
        body: PasskeyRegisterRequest,
        response: { 201: Passkey },
      },
    },
    async (request, reply) => {
      const me = citizenOf(request);
      const now = clock.now();
      await requireConsent(db, me.id, 'biometric');
      const challenge = await takeChallenge(db, now, 'register', request.body.credential, me.id);
      let verified: Awaited<ReturnType<typeof verifyRegistrationResponse>>;
      try {
        verified = await verifyRegistrationResponse({
          response: request.body.credential as unknown as RegistrationResponseJSON,
          expectedChallenge: challenge,
          expectedOrigin: origin,
          expectedRPID: rpId,
          requireUserVerification: true,
          supportedAlgorithmIDs: ALGORITHMS,
        });
      } catch (error) {
        throw new AppError('PASSKEY_VERIFICATION_FAILED', {}, { cause: error });
      }
      if (!verified.verified) throw new AppError('PASSKEY_VERIFICATION_FAILED');
      const info = verified.registrationInfo;
      const row = await db.transaction().execute(async (trx) => {
        const inserted = await trx
          .insertInto('passkeys')
          .values({
            id: uuidv7(),
            owner_kind: 'citizen',
            owner_id: me.id,
            credential_id: info.credential.id,
            public_key: info.credential.publicKey,
            counter: info.credential.counter,
            transports: info.credential.transports ?? [],
            device_type: info.credentialDeviceType,
            backed_up: info.credentialBackedUp,
            name: request.body.name,
            created_at: now,
            last_used_at: null,
          })
          .onConflict((oc) => oc.column('credential_id').doNothing())
          .returningAll()
          .executeTakeFirst();
        if (!inserted) throw new AppError('CONFLICT');
        await audit(trx, request, {
          action: 'passkey.registered',
          subjectKind: 'passkey',
          subjectId: inserted.id,
          personId: me.id,
        });
        return inserted;
      });
      return reply.status(201).send(presentPasskey(row));
    },
  );

  r.get(
    '/me/passkeys',
    {
      config: { access: access.citizen() },
      schema: { tags: ['identity'], summary: 'My passkeys', response: { 200: PasskeyList } },
    },
    async (request) => ({ items: await listPasskeys(db, citizenOf(request).id) }),
  );

  r.patch(
    '/me/passkeys/:id',
    {
      config: { access: access.citizen() },
      schema: {
        tags: ['identity'],
        summary: 'Rename one of my passkeys',
        params: PasskeyParams,
        body: PasskeyRename,
        response: { 200: Passkey },
      },
    },
    async (request) => {
      const me = citizenOf(request);
      const row = await db.transaction().execute(async (trx) => {
        const updated = await trx
          .updateTable('passkeys')
          .set({ name: request.body.name })
          .where('id', '=', request.params.id)
          .where('owner_kind', '=', 'citizen')
          .where('owner_id', '=', me.id)
          .returningAll()
          .executeTakeFirst();
        if (!updated) throw new AppError('PASSKEY_NOT_FOUND');
        await audit(trx, request, {
          action: 'passkey.renamed',
          subjectKind: 'passkey',
          subjectId: updated.id,
          personId: me.id,
        });
        return updated;
      });
      return presentPasskey(row);
    },
  );

  r.delete(
    '/me/passkeys/:id',
    {
      config: { access: access.citizen() },
      schema: { tags: ['identity'], summary: 'Remove one of my passkeys (204)', params: PasskeyParams },
    },
    async (request, reply) => {
      const me = citizenOf(request);
      await db.transaction().execute(async (trx) => {
        const deleted = await trx
          .deleteFrom('passkeys')
          .where('id', '=', request.params.id)
          .where('owner_kind', '=', 'citizen')
          .where('owner_id', '=', me.id)
          .returning('id')
          .executeTakeFirst();
        if (!deleted) throw new AppError('PASSKEY_NOT_FOUND');
        await audit(trx, request, {
          action: 'passkey.removed',
          subjectKind: 'passkey',
          subjectId: deleted.id,
          personId: me.id,
        });
      });
      return reply.status(204).send();
    },
  );

  r.post(
    '/auth/passkey/options',
    {
      config: { access: access.public() },
      schema: {
        tags: ['identity'],
        summary: 'Start signing in with a passkey (the device offers its own passkeys for this site)',
        response: { 200: WebAuthnOptions },
      },
    },
    async (request) => {
      const now = clock.now();
      await hit(db, now, limits.passkeyPerIp, ipKey(request));
      const options = await generateAuthenticationOptions({
        rpID: rpId,
        userVerification: 'required',
        timeout: WEBAUTHN_TTL_MS,
      });
      await storeChallenge(db, now, 'authenticate', options.challenge, null);
      return options as unknown as Record<string, unknown>;
    },
  );

  r.post(
    '/auth/passkey/verify',
    {
      config: { access: access.public(), replay: false },
      schema: {
        tags: ['identity'],
        summary: "Sign in with the browser's passkey answer; sets the session cookie",
        body: PasskeySignInRequest,
        response: { 200: CitizenSignedIn },
      },
    },
    async (request, reply) => {
      const now = clock.now();
      await hit(db, now, limits.passkeyPerIp, ipKey(request));
      const { credential } = request.body;
      const challenge = await takeChallenge(db, now, 'authenticate', credential, null);
      const passkey = await db
        .selectFrom('passkeys')
        .selectAll()
        .where('credential_id', '=', credential.id)
        .where('owner_kind', '=', 'citizen')
        .executeTakeFirst();
      if (!passkey) throw new AppError('PASSKEY_VERIFICATION_FAILED');
      const userHandle = credential.response.userHandle;
      if (typeof userHandle === 'string' && isoBase64URL.toUTF8String(userHandle) !== passkey.owner_id) {
        throw new AppError('PASSKEY_VERIFICATION_FAILED');
      }
      let verified: Awaited<ReturnType<typeof verifyAuthenticationResponse>>;
      try {
        verified = await verifyAuthenticationResponse({
          response: credential as unknown as AuthenticationResponseJSON,
          expectedChallenge: challenge,
          expectedOrigin: origin,
          expectedRPID: rpId,
          credential: {
            id: passkey.credential_id,
            publicKey: new Uint8Array(passkey.public_key),
            counter: passkey.counter,
            transports: passkey.transports,
          },
          requireUserVerification: true,
        });
      } catch (error) {
        throw new AppError('PASSKEY_VERIFICATION_FAILED', {}, { cause: error });
      }
      if (!verified.verified) throw new AppError('PASSKEY_VERIFICATION_FAILED');
      // Checked after the signature, so that the answer reveals nothing to someone without the device.
      await requireConsent(db, passkey.owner_id, 'biometric');
      const result = await db.transaction().execute(async (trx) => {
        const citizen = await findCitizen(trx, passkey.owner_id);
        if (citizen?.status !== 'active') throw new AppError('PASSKEY_VERIFICATION_FAILED');
        // Only move forward: a concurrent use of the same signature cannot roll the counter back.
        const moved = await trx
          .updateTable('passkeys')
          .set({ counter: verified.authenticationInfo.newCounter, last_used_at: now })
          .where('id', '=', passkey.id)
          .where('counter', '=', passkey.counter)
          .returning('id')
          .executeTakeFirst();
        if (!moved) throw new AppError('PASSKEY_VERIFICATION_FAILED');
        const session = await signInCitizen(trx, request, citizen.id, 'passkey');
        const profile = await profileOf(trx, pii, citizen, { reveal: false, actingFor: null });
        return { session, profile };
      });
      finishSignIn(request, reply, result.session);
      return { citizen: result.profile, csrfToken: result.session.csrfToken, newAccount: false };
    },
  );
}
