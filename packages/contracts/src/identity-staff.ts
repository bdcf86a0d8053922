/** Identity for staff, machine clients and enterprises: staff accounts and sign-in, API keys, enterprise membership. */
import { z } from 'zod';

/** Staff roles (the server's `StaffRoles` list; a test keeps the two equal). */
export const StaffRoleName = z.enum([
  'clerk',
  'supervisor',
  'field_crew',
  'department_admin',
  'platform_admin',
  'operations_viewer',
]);
/** One staff role. */
export type StaffRoleName = z.infer<typeof StaffRoleName>;

/** A staff sign-in name: lower-case letters, digits, `.`, `_`, `-`; 3 to 64 characters. */
export const StaffUsername = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9._-]{2,63}$/)
  .describe('Lower-case letters, digits, `.`, `_` and `-`, 3 to 64 characters');
/** A staff sign-in name. */
export type StaffUsername = z.infer<typeof StaffUsername>;

/** `POST /api/v1/admin/staff`. */
export const CreateStaffRequest = z.object({
  city: z.string().min(1).max(64).optional().describe("The staff member's city; the caller's own city when absent"),
  departmentCode: z.string().min(1).max(64).describe('Department code within the city, e.g. `urban-management`'),
  username: StaffUsername,
  displayName: z.string().trim().min(1).max(100),
  roles: z.array(StaffRoleName).min(1).max(StaffRoleName.options.length),
  jurisdiction: z
    .array(z.string().min(1).max(64))
    .max(500)
    .default([])
    .describe('Zone codes of the city the staff member covers (with everything inside them), e.g. `LN-01`'),
});
/** `POST /api/v1/admin/staff`. */
export type CreateStaffRequest = z.infer<typeof CreateStaffRequest>;

/** `POST /api/v1/admin/staff` answer: the initial password is shown this once and must be changed at first sign-in. */
export const CreatedStaff = z.object({
  id: z.uuid(),
  username: z.string(),
  cityId: z.string(),
  departmentId: z.uuid(),
  roles: z.array(StaffRoleName),
  jurisdiction: z.array(z.uuid()).describe('Zone ids'),
  initialPassword: z.string().describe('Shown once; the staff member must change it at first sign-in'),
});
/** `POST /api/v1/admin/staff` answer. */
export type CreatedStaff = z.infer<typeof CreatedStaff>;

/** What a staff member signing in must do next. */
export const StaffNextStep = z.enum(['password_change', 'totp_enroll', 'totp', 'done']);
/** What a staff member signing in must do next. */
export type StaffNextStep = z.infer<typeof StaffNextStep>;

/** `POST /api/v1/staff/sign-in`. */
export const StaffSignInRequest = z.object({
  username: z.string().trim().toLowerCase().min(1).max(64),
  password: z.string().min(1).max(1024),
});
/** `POST /api/v1/staff/sign-in`. */
export type StaffSignInRequest = z.infer<typeof StaffSignInRequest>;

/** The state of a staff sign-in: the session's CSRF token (send it as `X-CSRF-Token` on writes) and the next step. */
export const StaffSignInState = z.object({
  next: StaffNextStep,
  csrfToken: z.string(),
  expiresAt: z.iso.datetime().describe('The absolute end of this session'),
});
/** The state of a staff sign-in. */
export type StaffSignInState = z.infer<typeof StaffSignInState>;

/** `POST /api/v1/staff/password`. */
export const StaffPasswordChangeRequest = z.object({
  current: z.string().min(1).max(1024),
  next: z.string().min(1).max(1024).describe('At least 12 characters, not the user name, not the current password'),
});
/** `POST /api/v1/staff/password`. */
export type StaffPasswordChangeRequest = z.infer<typeof StaffPasswordChangeRequest>;

/** `POST /api/v1/staff/totp/enroll` answer: the secret, shown until the first code is verified. */
export const TotpEnrollment = z.object({
  secret: z.string().describe('Base32 secret for manual entry'),
  otpauthUri: z.string().describe('`otpauth://totp/…` URI for a QR code'),
});
/** `POST /api/v1/staff/totp/enroll` answer. */
export type TotpEnrollment = z.infer<typeof TotpEnrollment>;

/** `POST /api/v1/staff/totp/verify`. */
export const TotpVerifyRequest = z.object({ code: z.string().regex(/^\d{6}$/) });
/** `POST /api/v1/staff/totp/verify`. */
export type TotpVerifyRequest = z.infer<typeof TotpVerifyRequest>;

/** `GET /api/v1/staff/me`: the signed-in staff member. */
export const StaffProfile = z.object({
  id: z.uuid(),
  username: z.string(),
  displayName: z.string(),
  cityId: z.string(),
  departmentId: z.uuid(),
  roles: z.array(StaffRoleName),
  jurisdiction: z.array(z.uuid()),
});
/** `GET /api/v1/staff/me`. */
export type StaffProfile = z.infer<typeof StaffProfile>;

/** An API key scope, e.g. `open311.write`. */
export const ApiKeyScope = z.string().regex(/^[a-z0-9][a-z0-9_.:-]{0,63}$/);
/** An API key scope. */
export type ApiKeyScope = z.infer<typeof ApiKeyScope>;

/** `POST /api/v1/admin/api-keys`. */
export const CreateApiKeyRequest = z.object({
  name: z.string().trim().min(1).max(100),
  scopes: z.array(ApiKeyScope).min(1).max(50),
  city: z.string().min(1).max(64).optional().describe("The key's city; the caller's own city when absent"),
  departmentCode: z.string().min(1).max(64).optional(),
});
/** `POST /api/v1/admin/api-keys`. */
export type CreateApiKeyRequest = z.infer<typeof CreateApiKeyRequest>;

/** An API key without its secret. */
export const ApiKeyInfo = z.object({
  id: z.uuid(),
  name: z.string(),
  prefix: z.string().describe('The public part of the key (`ock_<prefix>_…`)'),
  cityId: z.string(),
  departmentId: z.uuid().nullable(),
  scopes: z.array(z.string()),
  createdAt: z.iso.datetime(),
  lastUsedAt: z.iso.datetime().nullable(),
  revokedAt: z.iso.datetime().nullable(),
});
/** An API key without its secret. */
export type ApiKeyInfo = z.infer<typeof ApiKeyInfo>;

/** `POST /api/v1/admin/api-keys` answer: the key is shown this once. */
export const CreatedApiKey = ApiKeyInfo.extend({
  key: z.string().describe('`ock_<prefix>_<secret>`: shown once, send as `Authorization: Bearer …`'),
});
/** `POST /api/v1/admin/api-keys` answer. */
export type CreatedApiKey = z.infer<typeof CreatedApiKey>;

/** `GET /api/v1/admin/api-keys`. */
export const ApiKeyList = z.object({ items: z.array(ApiKeyInfo) });
/** `GET /api/v1/admin/api-keys`. */
export type ApiKeyList = z.infer<typeof ApiKeyList>;

/** A citizen's role in an enterprise. */
export const EnterpriseRoleName = z.enum(['legal_rep', 'admin', 'agent']);
/** A citizen's role in an enterprise. */
export type EnterpriseRoleName = z.infer<typeof EnterpriseRoleName>;

/** `POST /api/v1/enterprises`. */
export const CreateEnterpriseRequest = z.object({
  uscc: z.string().trim().toUpperCase().min(1).max(32).describe('Unified social credit code (统一社会信用代码)'),
  name: z.string().trim().min(1).max(200),
});
/** `POST /api/v1/enterprises`. */
export type CreateEnterpriseRequest = z.infer<typeof CreateEnterpriseRequest>;

/** An enterprise as one of its members sees it. */
export const MyEnterprise = z.object({
  id: z.uuid(),
  uscc: z.string(),
  name: z.string(),
  role: EnterpriseRoleName,
});
/** An enterprise as one of its members sees it. */
export type MyEnterprise = z.infer<typeof MyEnterprise>;

/** `GET /api/v1/me/enterprises`. */
export const MyEnterpriseList = z.object({
  items: z.array(MyEnterprise),
  actingFor: z.uuid().nullable().describe('The enterprise the session acts for, or null'),
});
/** `GET /api/v1/me/enterprises`. */
export type MyEnterpriseList = z.infer<typeof MyEnterpriseList>;

/** `POST /api/v1/enterprises/{id}/members`: name the citizen by id or by phone number. */
export const AddEnterpriseMemberRequest = z
  .object({
    citizenId: z.uuid().optional(),
    phone: z.string().min(5).max(20).optional(),
    role: z.enum(['admin', 'agent']),
  })
  .refine((v) => (v.citizenId === undefined) !== (v.phone === undefined), {
    message: 'give exactly one of citizenId and phone',
  });
/** `POST /api/v1/enterprises/{id}/members`. */
export type AddEnterpriseMemberRequest = z.infer<typeof AddEnterpriseMemberRequest>;

/** A member of an enterprise. */
export const EnterpriseMember = z.object({ citizenId: z.uuid(), role: EnterpriseRoleName });
/** A member of an enterprise. */
export type EnterpriseMember = z.infer<typeof EnterpriseMember>;

/** `POST /api/v1/me/acting-for`: an enterprise id, or null to act for oneself again. */
export const ActingForRequest = z.object({ enterpriseId: z.uuid().nullable() });
/** `POST /api/v1/me/acting-for`. */
export type ActingForRequest = z.infer<typeof ActingForRequest>;

/** `POST /api/v1/me/acting-for` answer: the new session's CSRF token. */
export const ActingFor = z.object({
  actingFor: MyEnterprise.nullable(),
  csrfToken: z.string(),
});
/** `POST /api/v1/me/acting-for` answer. */
export type ActingFor = z.infer<typeof ActingFor>;

/** `GET /api/v1/citizens/{id}` for staff: why they read it (recorded, shown to the citizen). */
export const CitizenReadQuery = z.object({
  purpose: z.string().trim().min(5).max(200).describe('Why this record is read; shown to the citizen'),
});
/** `GET /api/v1/citizens/{id}` query. */
export type CitizenReadQuery = z.infer<typeof CitizenReadQuery>;

/** A citizen's record as staff see it: identifiers masked. */
export const MaskedCitizen = z.object({
  id: z.uuid(),
  name: z.string().nullable(),
  nationalId: z.string().nullable().describe('Masked, e.g. `4401**********1234`'),
  phone: z.string().nullable().describe('Masked, e.g. `138****5678`'),
  email: z.string().nullable().describe('Masked, e.g. `z***@example.com`'),
  realNameVerified: z.boolean(),
  status: z.enum(['active', 'suspended']),
});
/** A citizen's record as staff see it. */
export type MaskedCitizen = z.infer<typeof MaskedCitizen>;
