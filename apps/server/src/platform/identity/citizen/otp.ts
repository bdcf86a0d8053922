/**
 * One-time codes: six random digits, stored only as an HMAC (keyed, because a bare hash of six
 * digits is reversed by trying all of them), valid five minutes, five tries, used once. Only the
 * newest code of a destination and purpose counts: asking for a new code retires the old one.
 */
import { createHmac, randomInt } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { uuidv7 } from 'uuidv7';
import type { OtpChannel, OtpPurpose } from '#contracts';
import { audit } from '../../audit/index.ts';
import type { Database } from '../../db/schema.ts';
import { AppError } from '../../http/errors.ts';
import { requestLocale } from '../../http/problem.ts';
import { safeEqual } from '../sessions.ts';
import { codeMessage, destinationKind, type NotificationChannel } from './notify.ts';

/** How long a code is valid. */
export const OTP_TTL_MS = 5 * 60_000;
/** How many guesses one code allows. */
export const OTP_MAX_ATTEMPTS = 5;

function hashCode(key: Buffer, challengeId: string, code: string): string {
  return createHmac('sha256', key).update(`otp\u0000${challengeId}\u0000${code}`).digest('base64url');
}

/** Creates a code for `destination` (normalised) and sends it through `channel`. */
export async function issueCode(
  request: FastifyRequest,
  channel: NotificationChannel,
  input: { channel: OtpChannel; destination: string; purpose: OtpPurpose },
): Promise<void> {
  const { db, pii, clock, config } = request.server.platform;
  const now = clock.now();
  const id = uuidv7();
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('otp_challenges')
      .values({
        id,
        channel: input.channel,
        destination_bidx: pii.blindIndex(destinationKind(input.channel), input.destination),
        destination_enc: pii.encrypt(input.destination),
        purpose: input.purpose,
        code_hash: hashCode(config.secrets.blindIndexKey, id, code),
        expires_at: new Date(now.getTime() + OTP_TTL_MS),
        created_at: now,
      })
      .execute();
    // Who asked for a code is not known yet, so the entry names no person.
    await audit(trx, request, {
      action: 'otp.issued',
      subjectKind: 'otp_challenge',
      subjectId: id,
      details: { channel: input.channel, purpose: input.purpose },
    });
  });
  const text = codeMessage(requestLocale(request), input.purpose, code, OTP_TTL_MS / 60_000);
  await channel.send({ channel: input.channel, destination: input.destination, ...text });
}

/**
 * Checks `code` against the newest code sent to the destination with blind index `bidx` for
 * `purpose`; returns the challenge id for {@link consumeCode}. A try is counted (in its own
 * statement, so that it sticks even when the caller's transaction fails) before the comparison.
 */
export async function checkCode(
  db: Kysely<Database>,
  key: Buffer,
  now: Date,
  input: { channel: OtpChannel; bidx: string; purpose: OtpPurpose; code: string },
): Promise<string> {
  const challenge = await db
    .selectFrom('otp_challenges')
    .select(['id', 'code_hash', 'expires_at', 'consumed_at'])
    .where('destination_bidx', '=', input.bidx)
    .where('channel', '=', input.channel)
    .where('purpose', '=', input.purpose)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!challenge || challenge.consumed_at) {
    // Same work as a real comparison, so that "no code" and "wrong code" take the same time.
    safeEqual(hashCode(key, uuidv7(), input.code), hashCode(key, uuidv7(), input.code));
    throw new AppError('OTP_INVALID');
  }
  if (challenge.expires_at <= now) throw new AppError('OTP_EXPIRED');
  const counted = await db
    .updateTable('otp_challenges')
    .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
    .where('id', '=', challenge.id)
    .where('attempts', '<', OTP_MAX_ATTEMPTS)
    .where('consumed_at', 'is', null)
    .returning('attempts')
    .executeTakeFirst();
  if (!counted) throw new AppError('OTP_ATTEMPTS_EXHAUSTED');
  if (!safeEqual(hashCode(key, challenge.id, input.code), challenge.code_hash)) throw new AppError('OTP_INVALID');
  return challenge.id;
}

/** Marks a checked code used, in the transaction of what it authorises; fails if it was used meanwhile. */
export async function consumeCode(trx: Kysely<Database>, challengeId: string, now: Date): Promise<void> {
  const used = await trx
    .updateTable('otp_challenges')
    .set({ consumed_at: now })
    .where('id', '=', challengeId)
    .where('consumed_at', 'is', null)
    .returning('id')
    .executeTakeFirst();
  if (!used) throw new AppError('OTP_INVALID');
}
