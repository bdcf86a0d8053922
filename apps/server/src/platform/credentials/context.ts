/** What issuing, revoking and key changes need besides the transaction: keys, time, links, and who acts. */
import type { Config } from '../../config.ts';
import type { PiiVault } from '../identity/pii.ts';
import type { Principal } from '../identity/principal.ts';
import type { Clock } from '../time/clock.ts';

/** The platform services and the actor behind a credential change. */
export interface CredentialContext {
  /** Encrypts signing keys and the signed credentials at rest. */
  pii: PiiVault;
  clock: Clock;
  /** The server's public base URL: issuer ids, revocation list and verification page links. */
  publicUrl: string;
  /** Key of the audit chain. */
  auditKey: Buffer;
  /** Who acts (a staff member approving, the system, an operator at the command line). */
  principal: Principal;
  requestId?: string;
}

/** Builds a {@link CredentialContext} from the platform (`app.platform`) and the acting principal. */
export function credentialContext(
  platform: { config: Pick<Config, 'http' | 'secrets'>; pii: PiiVault; clock: Clock },
  principal: Principal,
  requestId?: string,
): CredentialContext {
  return {
    pii: platform.pii,
    clock: platform.clock,
    publicUrl: platform.config.http.publicUrl,
    auditKey: platform.config.secrets.auditKey,
    principal,
    ...(requestId === undefined ? {} : { requestId }),
  };
}

/** The issuer id of a city's credentials (its public API resource). */
export function issuerId(publicUrl: string, cityId: string): string {
  return `${publicUrl}/api/v1/cities/${encodeURIComponent(cityId)}`;
}

/** Where a city publishes its key set. */
export function jwksUrl(publicUrl: string, cityId: string): string {
  return `${issuerId(publicUrl, cityId)}/credentials/jwks`;
}

/** Where a city publishes its signed revocation list. */
export function revocationListUrl(publicUrl: string, cityId: string): string {
  return `${issuerId(publicUrl, cityId)}/credentials/revocations`;
}

/** The public, human verification page of one credential (what its QR code holds). */
export function verificationPageUrl(publicUrl: string, credentialId: string): string {
  return `${publicUrl}/verify/${encodeURIComponent(credentialId)}`;
}
