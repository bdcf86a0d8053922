/**
 * E-certificates (电子证照): credentials signed with each city's Ed25519 key as compact JWS in
 * the W3C Verifiable Credentials 2.0 data model; issued inside the caller's transaction,
 * revoked by the issuing department, published with a key set and a signed revocation list,
 * verified online and offline by one pure function, rendered as a page and a PDF with a QR code.
 */
export {
  type CredentialContext,
  credentialContext,
  issuerId,
  jwksUrl,
  revocationListUrl,
  verificationPageUrl,
} from './context.ts';
export {
  type CredentialRecord,
  type CredentialState,
  CredentialStates,
  credentialState,
  findHeldCredentials,
  getCredential,
  type HeldCredential,
  type HolderRef,
  type IssuedCredential,
  type IssueInput,
  issueCredential,
  listHeldBy,
  listIssuedBy,
  MAX_CLAIMS_BYTES,
  type OpenedCredential,
  openCredential,
} from './issue.ts';
export { currentSigningKey, type KeyInfo, listKeys, publishedKeySet, rotateKey, withdrawKey } from './keys.ts';
export { type StoredVerification, verifyPresented, verifyStored } from './online.ts';
export { REVOKER_ROLES, staffMayRevokeCredential } from './present.ts';
export { qrDataUrl, qrPng, qrSvg, renderCertificateHtml, renderCertificatePdf } from './render.ts';
export {
  currentRevocationList,
  type RevokeInput,
  rebuildRevocationList,
  revokeCredential,
  type SignedRevocationList,
} from './revocation.ts';
export { credentialLimits, credentialRoutes } from './routes.ts';
export type { ClaimLabels } from './schema.ts';
export { maskHolderName, type RevocationReason, RevocationReasons } from './texts.ts';
export {
  type ClaimValue,
  type KeySet,
  type RevocationEntry,
  type VerificationFailure,
  VerificationFailures,
  type VerificationResult,
  type VerifiedCredential,
  type VerifiedRevocationList,
  verifyCredential,
  verifyRevocationList,
} from './verify.ts';
