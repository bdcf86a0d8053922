/** Identity for citizens: sign-in by one-time code or passkey, profile, consent, and "my data". */
import { z } from 'zod';

/** Where a one-time code is sent. */
export const OtpChannel = z.enum(['sms', 'email']);
/** Where a one-time code is sent. */
export type OtpChannel = z.infer<typeof OtpChannel>;

/** What a one-time code is for: signing in (or up), or proving a new phone number / e-mail address. */
export const OtpPurpose = z.enum(['sign_in', 'verify_contact']);
/** What a one-time code is for. */
export type OtpPurpose = z.infer<typeof OtpPurpose>;

const Destination = z
  .string()
  .trim()
  .min(3)
  .max(254)
  .describe('A mainland mobile number (`13800138000`, `+86 138 0013 8000`) or an e-mail address');

/** `POST /api/v1/auth/otp`. */
export const OtpRequest = z.object({
  channel: OtpChannel,
  destination: Destination,
  purpose: OtpPurpose.default('sign_in'),
});
/** `POST /api/v1/auth/otp`. */
export type OtpRequest = z.infer<typeof OtpRequest>;

/** `POST /api/v1/auth/otp` answer: the same whether or not an account exists. */
export const OtpRequested = z.object({
  accepted: z.literal(true),
  expiresInSeconds: z.number().int(),
});
/** `POST /api/v1/auth/otp` answer. */
export type OtpRequested = z.infer<typeof OtpRequested>;

/** `POST /api/v1/auth/otp/verify`. */
export const OtpVerifyRequest = z.object({
  channel: OtpChannel,
  destination: Destination,
  code: z
    .string()
    .regex(/^\d{6}$/)
    .describe('The six digits that were sent'),
});
/** `POST /api/v1/auth/otp/verify`. */
export type OtpVerifyRequest = z.infer<typeof OtpVerifyRequest>;

/** The enterprise a citizen is acting for, if any. */
export const CitizenActingFor = z.object({ enterpriseId: z.uuid(), role: z.string() }).nullable();

/** A citizen as they see themself: personal data masked unless revealed. */
export const CitizenProfile = z.object({
  id: z.uuid(),
  name: z.string().nullable(),
  nationalId: z.string().nullable().describe('Masked (`4401**********1234`) unless `reveal=true`'),
  phone: z.string().nullable().describe('Masked (`138****5678`) unless `reveal=true`'),
  email: z.string().nullable().describe('Masked (`z***@example.com`) unless `reveal=true`'),
  address: z.string().nullable().describe('Shortened unless `reveal=true`'),
  revealed: z.boolean(),
  realNameVerified: z.boolean(),
  passkeys: z.number().int().describe('How many passkeys the citizen has registered'),
  actingFor: CitizenActingFor,
});
/** A citizen as they see themself. */
export type CitizenProfile = z.infer<typeof CitizenProfile>;

/** `GET /api/v1/me` query. */
export const ProfileQuery = z.object({
  reveal: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true')
    .describe('Show the values in clear (the person sees their own data)'),
});

/** `PATCH /api/v1/me`: a new phone number or e-mail address needs a code sent to it (purpose `verify_contact`). */
export const ProfileUpdate = z.object({
  name: z.string().trim().min(1).max(100).optional(),
  nationalId: z.string().trim().max(32).optional().describe('Resident identity card number (GB 11643)'),
  phone: z.string().trim().max(32).optional(),
  phoneCode: z
    .string()
    .regex(/^\d{6}$/)
    .optional()
    .describe('The code sent to the new phone number'),
  email: z.string().trim().max(254).optional(),
  emailCode: z
    .string()
    .regex(/^\d{6}$/)
    .optional()
    .describe('The code sent to the new e-mail address'),
  address: z.string().trim().max(500).optional(),
});
/** `PATCH /api/v1/me`. */
export type ProfileUpdate = z.infer<typeof ProfileUpdate>;

/** Sign-in answer: who is signed in, and the token every write must carry as `X-CSRF-Token`. */
export const CitizenSignedIn = z.object({
  citizen: CitizenProfile,
  csrfToken: z.string(),
  newAccount: z.boolean(),
});
/** Sign-in answer. */
export type CitizenSignedIn = z.infer<typeof CitizenSignedIn>;

/** `GET /api/v1/session`: the signed-in person, whoever they are. */
export const SessionInfo = z.object({
  principal: z.object({
    kind: z.enum(['citizen', 'staff']),
    id: z.uuid(),
    actingFor: CitizenActingFor.optional(),
    cityId: z.string().optional(),
    departmentId: z.uuid().optional(),
    roles: z.array(z.string()).optional(),
    secondFactor: z.boolean().optional(),
  }),
  csrfToken: z.string(),
});
/** `GET /api/v1/session`. */
export type SessionInfo = z.infer<typeof SessionInfo>;

/** `POST /api/v1/auth/sign-out-everywhere` answer. */
export const SignedOutEverywhere = z.object({ revokedSessions: z.number().int() });
/** `POST /api/v1/auth/sign-out-everywhere` answer. */
export type SignedOutEverywhere = z.infer<typeof SignedOutEverywhere>;

/** A WebAuthn ceremony's options (PublicKeyCredentialCreationOptionsJSON / RequestOptionsJSON). */
export const WebAuthnOptions = z.record(z.string(), z.unknown());

/** A WebAuthn credential as the browser serialises it (RegistrationResponseJSON / AuthenticationResponseJSON). */
export const WebAuthnResponse = z.object({
  id: z.string().min(1).max(1024),
  rawId: z.string().min(1).max(1024),
  type: z.literal('public-key'),
  response: z.record(z.string(), z.unknown()),
  authenticatorAttachment: z.string().optional(),
  clientExtensionResults: z.record(z.string(), z.unknown()).default({}),
});
/** A WebAuthn credential as the browser serialises it. */
export type WebAuthnResponse = z.infer<typeof WebAuthnResponse>;

/** `POST /api/v1/me/passkeys/register/verify`. */
export const PasskeyRegisterRequest = z.object({
  name: z.string().trim().min(1).max(64).describe('What the citizen calls this device, e.g. "My phone"'),
  credential: WebAuthnResponse,
});
/** `POST /api/v1/me/passkeys/register/verify`. */
export type PasskeyRegisterRequest = z.infer<typeof PasskeyRegisterRequest>;

/** `POST /api/v1/auth/passkey/verify`. */
export const PasskeySignInRequest = z.object({ credential: WebAuthnResponse });
/** `POST /api/v1/auth/passkey/verify`. */
export type PasskeySignInRequest = z.infer<typeof PasskeySignInRequest>;

/** One registered passkey (never its key material). */
export const Passkey = z.object({
  id: z.uuid(),
  name: z.string(),
  deviceType: z.string().nullable(),
  backedUp: z.boolean(),
  createdAt: z.iso.datetime(),
  lastUsedAt: z.iso.datetime().nullable(),
});
/** One registered passkey. */
export type Passkey = z.infer<typeof Passkey>;

/** `GET /api/v1/me/passkeys`. */
export const PasskeyList = z.object({ items: z.array(Passkey) });
/** `GET /api/v1/me/passkeys`. */
export type PasskeyList = z.infer<typeof PasskeyList>;

/** `PATCH /api/v1/me/passkeys/{id}`. */
export const PasskeyRename = z.object({ name: z.string().trim().min(1).max(64) });
/** `PATCH /api/v1/me/passkeys/{id}`. */
export type PasskeyRename = z.infer<typeof PasskeyRename>;

/** What a citizen can consent to. */
export const ConsentKind = z.enum(['privacy', 'location', 'biometric']);
/** What a citizen can consent to. */
export type ConsentKind = z.infer<typeof ConsentKind>;

/** A privacy notice in both languages. */
export const PrivacyNotice = z.object({
  kind: ConsentKind,
  version: z.number().int(),
  titleZh: z.string(),
  titleEn: z.string(),
  bodyZh: z.string(),
  bodyEn: z.string(),
  publishedAt: z.iso.datetime(),
});
/** A privacy notice in both languages. */
export type PrivacyNotice = z.infer<typeof PrivacyNotice>;

/** `GET /api/v1/privacy/notices`: the latest version of each notice. */
export const PrivacyNoticeList = z.object({ items: z.array(PrivacyNotice) });
/** `GET /api/v1/privacy/notices`. */
export type PrivacyNoticeList = z.infer<typeof PrivacyNoticeList>;

/** `POST /api/v1/me/consents`: agree to version `version` of notice `kind`. */
export const ConsentGrant = z.object({ kind: ConsentKind, version: z.number().int().min(1) });
/** `POST /api/v1/me/consents`. */
export type ConsentGrant = z.infer<typeof ConsentGrant>;

/** One consent: when it was given, to which version, and when it was withdrawn (or superseded). */
export const Consent = z.object({
  id: z.uuid(),
  kind: ConsentKind,
  version: z.number().int(),
  grantedAt: z.iso.datetime(),
  withdrawnAt: z.iso.datetime().nullable(),
  active: z.boolean(),
});
/** One consent. */
export type Consent = z.infer<typeof Consent>;

/** `GET /api/v1/me/consents`: newest first. */
export const ConsentList = z.object({ items: z.array(Consent) });
/** `GET /api/v1/me/consents`. */
export type ConsentList = z.infer<typeof ConsentList>;

/** One read or change of my personal data by someone else. */
export const DataAccess = z.object({
  at: z.iso.datetime(),
  actorKind: z.string(),
  department: z
    .object({ id: z.uuid(), cityId: z.string(), nameZh: z.string(), nameEn: z.string() })
    .nullable()
    .describe('The department of the staff member who accessed it'),
  action: z.string(),
  purpose: z.string().nullable(),
});
/** One access to my personal data by someone else. */
export type DataAccess = z.infer<typeof DataAccess>;

/** `GET /api/v1/me/data-access`. */
export const DataAccessList = z.object({ items: z.array(DataAccess) });
/** `GET /api/v1/me/data-access`. */
export type DataAccessList = z.infer<typeof DataAccessList>;

/** `GET /api/v1/me/data-access` query. */
export const DataAccessQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  before: z.iso.datetime().optional().describe('Only entries before this time (paging)'),
});

/** A signed-in session of mine, without its secrets. */
export const SessionRecord = z.object({
  method: z.string(),
  createdAt: z.iso.datetime(),
  lastSeenAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
  revokedAt: z.iso.datetime().nullable(),
  current: z.boolean(),
});

/** `GET /api/v1/me/export`: everything OneCity holds about me. */
export const CitizenExport = z.object({
  exportedAt: z.iso.datetime(),
  profile: CitizenProfile.extend({ createdAt: z.iso.datetime(), updatedAt: z.iso.datetime(), status: z.string() }),
  consents: z.array(Consent),
  passkeys: z.array(Passkey),
  sessions: z.array(SessionRecord),
  dataAccess: z.array(DataAccess),
});
/** `GET /api/v1/me/export`. */
export type CitizenExport = z.infer<typeof CitizenExport>;

/** One message in the development mailbox. */
export const DevMessage = z.object({
  id: z.uuid(),
  channel: z.string(),
  destination: z.string().describe('Masked'),
  subject: z.string(),
  body: z.string(),
  createdAt: z.iso.datetime(),
});

/** `GET /api/v1/dev/mailbox` (development and test only). */
export const DevMailbox = z.object({ items: z.array(DevMessage) });
/** `GET /api/v1/dev/mailbox`. */
export type DevMailbox = z.infer<typeof DevMailbox>;
