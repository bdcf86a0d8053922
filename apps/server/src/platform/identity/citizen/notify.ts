/**
 * How one-time codes reach people. A channel adapter sends one message to a phone number or an
 * e-mail address. Development and tests use the development mailbox (a table a developer or a
 * browser test reads through `GET /dev/mailbox`); a production deployment needs a real SMS or
 * e-mail provider, and until one is plugged in it refuses to send rather than pretend.
 */
import type { Kysely } from 'kysely';
import { uuidv7 } from 'uuidv7';
import type { Config, Locale } from '../../../config.ts';
import type { Database } from '../../db/schema.ts';
import { AppError } from '../../http/errors.ts';
import { maskEmail, maskPhone, type PiiVault } from '../pii.ts';

/** One message to one destination (already normalised: 11-digit phone number or lower-case e-mail). */
export interface OutgoingMessage {
  channel: 'sms' | 'email';
  destination: string;
  subject: string;
  body: string;
}

/** A way of delivering messages (SMS gateway, e-mail relay, the development mailbox). */
export interface NotificationChannel {
  readonly name: string;
  /** Delivers `message` or throws; never logs the destination or the body. */
  send(message: OutgoingMessage): Promise<void>;
}

/** The blind-index kind of a channel's destinations. */
export function destinationKind(channel: 'sms' | 'email'): 'phone' | 'email' {
  return channel === 'sms' ? 'phone' : 'email';
}

/** A destination masked for display. */
export function maskDestination(channel: 'sms' | 'email', destination: string): string {
  return channel === 'sms' ? maskPhone(destination) : maskEmail(destination);
}

/** The development channel: writes to `dev_mailbox`, the destination only masked and blind-indexed. */
export function devMailboxChannel(db: Kysely<Database>, pii: PiiVault, clock: { now(): Date }): NotificationChannel {
  return {
    name: 'dev-mailbox',
    async send(message) {
      await db
        .insertInto('dev_mailbox')
        .values({
          id: uuidv7(),
          channel: message.channel,
          destination_bidx: pii.blindIndex(destinationKind(message.channel), message.destination),
          destination_mask: maskDestination(message.channel, message.destination),
          subject: message.subject,
          body: message.body,
          created_at: clock.now(),
        })
        .execute();
    },
  };
}

/** Production without a provider: every send fails with a clear error (503 OTP_DELIVERY_UNAVAILABLE). */
export const unconfiguredChannel: NotificationChannel = {
  name: 'unconfigured',
  async send() {
    throw new AppError('OTP_DELIVERY_UNAVAILABLE');
  },
};

/** The channel this deployment delivers codes through. */
export function notificationChannelFor(
  config: Config,
  db: Kysely<Database>,
  pii: PiiVault,
  clock: { now(): Date },
): NotificationChannel {
  // No real SMS or e-mail provider is integrated yet; production must not fall back to a table.
  return config.env === 'production' ? unconfiguredChannel : devMailboxChannel(db, pii, clock);
}

const codeTexts = {
  'zh-CN': {
    sign_in: {
      subject: '一城通登录验证码',
      body: '您的一城通登录验证码是 {code}，{minutes} 分钟内有效。请勿告诉他人。',
    },
    verify_contact: {
      subject: '一城通验证码',
      body: '您正在一城通绑定此号码或邮箱，验证码是 {code}，{minutes} 分钟内有效。如非本人操作，请忽略。',
    },
  },
  en: {
    sign_in: {
      subject: 'Your OneCity sign-in code',
      body: 'Your OneCity sign-in code is {code}. It expires in {minutes} minutes. Never share it.',
    },
    verify_contact: {
      subject: 'Your OneCity verification code',
      body: 'Your code to add this number or address to OneCity is {code}. It expires in {minutes} minutes. If this was not you, ignore it.',
    },
  },
} as const satisfies Record<Locale, Record<string, { subject: string; body: string }>>;

/** The message carrying a one-time code, in `locale`. */
export function codeMessage(
  locale: Locale,
  purpose: 'sign_in' | 'verify_contact',
  code: string,
  minutes: number,
): { subject: string; body: string } {
  const text = codeTexts[locale][purpose];
  return {
    subject: text.subject,
    body: text.body.replace('{code}', code).replace('{minutes}', String(minutes)),
  };
}
