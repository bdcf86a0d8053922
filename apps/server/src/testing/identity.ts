/**
 * Signed-in people for tests: rows inserted directly and sessions created the way sign-in
 * creates them, so that tests of other flows need not replay the whole sign-in.
 */
import type { Kysely } from 'kysely';
import { uuidv7 } from 'uuidv7';
import type { Config } from '../config.ts';
import type { Database } from '../platform/db/schema.ts';
import { createPiiVault } from '../platform/identity/pii.ts';
import type { StaffRole } from '../platform/identity/principal.ts';
import { createSession, sessionCookieName } from '../platform/identity/sessions.ts';
import type { Clock } from '../platform/time/clock.ts';

/** A signed-in test account: what to send with requests. */
export interface TestSignIn {
  id: string;
  /** `Cookie` header value. */
  cookie: string;
  csrf: string;
  /** Headers for a read and for a write. */
  read: Record<string, string>;
  write: Record<string, string>;
}

function signIn(config: Config, id: string, session: { token: string; csrfToken: string }): TestSignIn {
  const cookie = `${sessionCookieName(config)}=${session.token}`;
  return {
    id,
    cookie,
    csrf: session.csrfToken,
    read: { cookie },
    write: { cookie, 'x-csrf-token': session.csrfToken },
  };
}

/** Creates a citizen (e-mail only unless given more) and signs them in. */
export async function signedInCitizen(
  db: Kysely<Database>,
  config: Config,
  clock: Clock,
  options: { email?: string; phone?: string; name?: string; actingFor?: string } = {},
): Promise<TestSignIn> {
  const vault = createPiiVault(config.secrets);
  const id = uuidv7();
  const email = options.email ?? `${id}@example.test`;
  await db
    .insertInto('citizens')
    .values({
      id,
      name: options.name ?? null,
      email_enc: vault.encrypt(email),
      email_bidx: vault.blindIndex('email', email),
      phone_enc: options.phone ? vault.encrypt(options.phone) : null,
      phone_bidx: options.phone ? vault.blindIndex('phone', options.phone) : null,
    })
    .execute();
  const session = await createSession(db, config, clock.now(), {
    kind: 'citizen',
    id,
    method: 'test',
    actingFor: options.actingFor ?? null,
  });
  return signIn(config, id, session);
}

/** Creates a staff member of `departmentCode` in `cityId` with `roles` and signs them in (second factor passed). */
export async function signedInStaff(
  db: Kysely<Database>,
  config: Config,
  clock: Clock,
  options: {
    cityId?: string;
    departmentCode?: string;
    roles: StaffRole[];
    jurisdiction?: string[];
    secondFactor?: boolean;
    mustChangePassword?: boolean;
  },
): Promise<TestSignIn & { departmentId: string }> {
  const cityId = options.cityId ?? 'lingnan';
  const department = await db
    .selectFrom('departments')
    .select('id')
    .where('city_id', '=', cityId)
    .where('code', '=', options.departmentCode ?? 'urban-management')
    .executeTakeFirstOrThrow();
  const id = uuidv7();
  await db
    .insertInto('staff')
    .values({
      id,
      city_id: cityId,
      department_id: department.id,
      username: `staff-${id}`,
      display_name: 'Test Staff',
      password_hash: 'not-a-hash',
      must_change_password: options.mustChangePassword ?? false,
      roles: options.roles,
      jurisdiction: options.jurisdiction ?? [],
    })
    .execute();
  const session = await createSession(db, config, clock.now(), {
    kind: 'staff',
    id,
    method: 'test',
    secondFactor: options.secondFactor ?? true,
  });
  return { ...signIn(config, id, session), departmentId: department.id };
}
