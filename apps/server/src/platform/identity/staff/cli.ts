/**
 * The `onecity staff create` and `onecity api-key create|revoke` commands: what an operator
 * with database access runs to make the first platform admin, or a key for a machine client.
 * Each prints its secret once and writes an audit entry (actor: the command line).
 */
import type { Kysely } from 'kysely';
import { StaffUsername } from '#contracts';
import type { Config } from '../../../config.ts';
import { appendAudit } from '../../audit/audit.ts';
import type { Database } from '../../db/schema.ts';
import { AppError } from '../../http/errors.ts';
import { createApiKey, revokeApiKey } from '../api-keys.ts';
import { operator, type StaffRole, StaffRoles } from '../principal.ts';
import { createStaff, staffCreatedEntry } from './service.ts';

/** A command-line mistake (missing or malformed flag); the message says what to fix. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The flags the commands read (strings as parsed by `node:util` parseArgs). */
export interface CliFlags {
  city?: string | undefined;
  department?: string | undefined;
  username?: string | undefined;
  name?: string | undefined;
  roles?: string | undefined;
  jurisdiction?: string | undefined;
  scopes?: string | undefined;
}

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

function required(value: string | undefined, flag: string, command: string): string {
  if (!value?.trim()) throw new UsageError(`${command}: --${flag} is required`);
  return value.trim();
}

function cliAudit(db: Kysely<Database>, config: Config, entry: Parameters<typeof appendAudit>[2]) {
  return appendAudit(
    db,
    config.secrets.auditKey,
    { ...entry, details: { via: 'cli', ...entry.details } },
    {
      principal: operator(),
      at: new Date(),
    },
  );
}

/** `onecity staff create`: creates the account and returns the text to print (with the one-time password). */
export async function staffCreateCommand(db: Kysely<Database>, config: Config, flags: CliFlags): Promise<string> {
  const command = 'onecity staff create';
  const cityId = required(flags.city, 'city', command);
  const departmentCode = required(flags.department, 'department', command);
  const username = StaffUsername.safeParse(required(flags.username, 'username', command));
  if (!username.success) {
    throw new UsageError(`${command}: --username must be 3 to 64 lower-case letters, digits, ".", "_" or "-"`);
  }
  const displayName = required(flags.name, 'name', command);
  const roles = list(flags.roles);
  if (!roles.length)
    throw new UsageError(`${command}: --roles is required (comma-separated: ${StaffRoles.join(', ')})`);
  const unknown = roles.find((r) => !(StaffRoles as readonly string[]).includes(r));
  if (unknown) throw new UsageError(`${command}: unknown role "${unknown}" (one of ${StaffRoles.join(', ')})`);
  const created = await db.transaction().execute(async (trx) => {
    const account = await createStaff(trx, {
      cityId,
      departmentCode,
      username: username.data,
      displayName,
      roles: roles as StaffRole[],
      jurisdictionCodes: list(flags.jurisdiction),
    });
    await cliAudit(trx, config, staffCreatedEntry(account));
    return account;
  });
  return (
    'staff account created (the initial password is shown only now; it must be changed at first sign-in):\n' +
    `  id                ${created.id}\n` +
    `  username          ${created.username}\n` +
    `  roles             ${created.roles.join(', ')}\n` +
    `  initial password  ${created.initialPassword}\n`
  );
}

/** `onecity api-key create`: creates a key and returns the text to print (with the key, shown once). */
export async function apiKeyCreateCommand(db: Kysely<Database>, config: Config, flags: CliFlags): Promise<string> {
  const command = 'onecity api-key create';
  const cityId = required(flags.city, 'city', command);
  const name = required(flags.name, 'name', command);
  const scopes = [...new Set(list(flags.scopes))];
  if (!scopes.length) throw new UsageError(`${command}: --scopes is required (comma-separated, e.g. open311.write)`);
  const bad = scopes.find((s) => !/^[a-z0-9][a-z0-9_.:-]{0,63}$/.test(s));
  if (bad) throw new UsageError(`${command}: "${bad}" is not a scope (lower-case letters, digits, "_", ".", ":", "-")`);
  const made = await db.transaction().execute(async (trx) => {
    const city = await trx
      .selectFrom('tenants')
      .select('id')
      .where('id', '=', cityId)
      .where('kind', '=', 'city')
      .executeTakeFirst();
    if (!city) throw new AppError('CITY_NOT_FOUND', { city: cityId });
    let departmentId: string | null = null;
    if (flags.department) {
      const department = await trx
        .selectFrom('departments')
        .select('id')
        .where('city_id', '=', cityId)
        .where('code', '=', flags.department)
        .executeTakeFirst();
      if (!department) throw new AppError('DEPARTMENT_NOT_FOUND', { department: flags.department });
      departmentId = department.id;
    }
    const key = await createApiKey(trx, { cityId, name, scopes, departmentId });
    await cliAudit(trx, config, {
      action: 'api_key.create',
      subjectKind: 'api_key',
      subjectId: key.id,
      cityId,
      details: { name, scopes, departmentId, prefix: key.prefix },
    });
    return key;
  });
  return (
    'API key created (shown only now; send it as "Authorization: Bearer <key>"):\n' +
    `  id      ${made.id}\n` +
    `  scopes  ${scopes.join(', ')}\n` +
    `  key     ${made.key}\n`
  );
}

/** `onecity api-key revoke <id>`: revokes at once; returns the text to print. */
export async function apiKeyRevokeCommand(
  db: Kysely<Database>,
  config: Config,
  id: string | undefined,
): Promise<string> {
  const command = 'onecity api-key revoke';
  if (!id || !/^[0-9a-f-]{36}$/i.test(id)) throw new UsageError(`${command}: give the key's id, e.g. ${command} <id>`);
  await db.transaction().execute(async (trx) => {
    if (!(await revokeApiKey(trx, new Date(), id))) throw new AppError('API_KEY_NOT_FOUND');
    await cliAudit(trx, config, { action: 'api_key.revoke', subjectKind: 'api_key', subjectId: id });
  });
  return `API key ${id} revoked\n`;
}
