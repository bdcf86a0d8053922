/**
 * `onecity credentials verify <file> --keys <jwks.json> [--revocations <file>]`: verifies a
 * certificate offline, with nothing but files a verifier downloaded earlier (the city's key
 * set and, if they want revocations checked, its signed revocation list). Needs no database
 * and no configuration.
 */
import { readFile } from 'node:fs/promises';
import { systemClock } from '../time/clock.ts';
import { maskHolderName } from './texts.ts';
import { type KeySet, type VerificationResult, verifyCredential } from './verify.ts';

/** A mistake on the command line, said to the operator as it is. */
export class CredentialsUsageError extends Error {
  override name = 'CredentialsUsageError';
}

async function readText(path: string, what: string): Promise<string> {
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch (error) {
    throw new CredentialsUsageError(`cannot read the ${what} file ${path}: ${(error as Error).message}`);
  }
}

/**
 * A compact JWS from a file's text: the JWS itself, or JSON that carries it (`jws` as in the
 * wallet and the revocation list route, `credential` as in the verify API's body).
 */
export function jwsFromText(content: string): string {
  if (!content.startsWith('{')) return content;
  try {
    const parsed = JSON.parse(content) as Record<string, unknown>;
    const found = parsed.jws ?? parsed.credential;
    return typeof found === 'string' ? found.trim() : content;
  } catch {
    return content;
  }
}

/** The verification result as the command prints it. */
export function formatResult(result: VerificationResult): string {
  const lines: string[] = [];
  const c = result.credential;
  if (result.valid) lines.push('VALID');
  else lines.push(`INVALID (${result.reason}): ${result.detail}`);
  if (c) {
    lines.push(
      `  certificate  ${c.type.name.zh} / ${c.type.name.en} (${c.type.code})`,
      `  id           ${c.id}`,
      `  issuer       ${c.issuer.id}${c.issuer.department ? ` — ${c.issuer.department.name.zh} / ${c.issuer.department.name.en}` : ''}`,
      `  holder       ${maskHolderName(c.holder.kind, c.holder.name)}`,
      `  valid        ${c.validFrom} → ${c.validUntil ?? 'no expiry'}`,
      `  signed by    ${c.kid}`,
    );
  }
  if (result.valid) {
    lines.push(
      result.revocationChecked
        ? `  revocation   not revoked (list signed ${result.revocationListIssuedAt ?? 'by the issuer'})`
        : '  revocation   NOT checked: give --revocations with the city’s signed revocation list',
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Runs the command; `ok` is false when the credential does not verify. */
export async function credentialsVerifyCommand(options: {
  file: string | undefined;
  keys: string | undefined;
  revocations: string | undefined;
  now?: Date;
}): Promise<{ ok: boolean; text: string }> {
  if (!options.file || !options.keys) {
    throw new CredentialsUsageError(
      'onecity credentials verify: usage: onecity credentials verify <file-with-jws> --keys <jwks.json> [--revocations <file>]',
    );
  }
  const jws = jwsFromText(await readText(options.file, 'credential'));
  let keys: KeySet;
  try {
    keys = JSON.parse(await readText(options.keys, 'key set')) as KeySet;
  } catch (error) {
    if (error instanceof CredentialsUsageError) throw error;
    throw new CredentialsUsageError(`the key set file ${options.keys} is not JSON`);
  }
  if (!keys || !Array.isArray(keys.keys)) {
    throw new CredentialsUsageError(`the key set file ${options.keys} is not a JWKS ({ "keys": [...] })`);
  }
  const revocations = options.revocations
    ? jwsFromText(await readText(options.revocations, 'revocation list'))
    : undefined;
  const result = await verifyCredential(jws, {
    keys,
    ...(revocations === undefined ? {} : { revocations }),
    now: options.now ?? systemClock.now(),
  });
  return { ok: result.valid, text: formatResult(result) };
}
