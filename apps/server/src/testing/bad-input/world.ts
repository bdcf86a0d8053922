/**
 * The world bad input is sent into: the seeded demo city, the callers (anonymous, a citizen, a
 * city staff member, a platform administrator) and the real identifiers of things they can
 * reach (zones, departments, services, a report with its work order, an application, an
 * upload), so that generated requests get past "not found" into the code behind it.
 */
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import sharp from 'sharp';
import { createSession, hashToken, sessionCookieName } from '../../platform/identity/sessions.ts';
import type { Clock } from '../../platform/time/clock.ts';
import { signedInCitizen, signedInStaff } from '../identity.ts';

/** Who sends a request. */
export const CallerNames = ['anonymous', 'citizen', 'staff', 'admin'] as const;
/** One of {@link CallerNames}. */
export type CallerName = (typeof CallerNames)[number];

interface SignedInCaller {
  kind: 'citizen' | 'staff';
  id: string;
  headers: Record<string, string>;
}

/** Values the generators prefer for parameters and fields of these names (real ones reach deeper). */
export type KnownValues = Record<string, readonly string[]>;

/** Small valid images (for uploads and for truncating). */
export interface SampleImages {
  png: Buffer;
  jpeg: Buffer;
  webp: Buffer;
}

/** The app under test and everything the generators and checks need about it. */
export interface World {
  app: FastifyInstance;
  /** Values by parameter or field name (`city`, `code`, `id`, `trackingNo`, `categoryCode`, …). */
  known: KnownValues;
  /** Known values for `{code}` by the collection it names in the path (`zones`, `departments`, …). */
  codesBy: Record<string, readonly string[]>;
  images: SampleImages;
  /** Headers that sign `caller` in (with the CSRF token); none for anonymous. */
  headersOf(caller: CallerName): Record<string, string>;
  /** Gives every signed-in caller a fresh session (after one was ended, say by a sign-out the fuzzer sent). */
  renewSessions(): Promise<void>;
  /** The session cookie's name, to notice answers that end a session. */
  sessionCookie: string;
}

/** Prepares the world on an app whose database holds the demo province (`seedDemo`). */
export async function prepareWorld(app: FastifyInstance, clock: Clock): Promise<World> {
  const { db, config } = app.platform;
  const citizen = await signedInCitizen(db, config, clock, { name: '张三明' });
  const zones = await db.selectFrom('zones').select(['id', 'code', 'level']).where('city_id', '=', 'lingnan').execute();
  const district = zones.find((z) => z.code === 'LN-01');
  const staff = await signedInStaff(db, config, clock, {
    departmentCode: 'urban-management',
    roles: ['clerk', 'supervisor', 'field_crew', 'department_admin', 'operations_viewer'],
    jurisdiction: district ? [district.id] : [],
  });
  const admin = await signedInStaff(db, config, clock, {
    departmentCode: 'gov-services-data',
    roles: ['platform_admin'],
  });
  const callers: Record<Exclude<CallerName, 'anonymous'>, SignedInCaller> = {
    citizen: { kind: 'citizen', id: citizen.id, headers: citizen.write },
    staff: { kind: 'staff', id: staff.id, headers: staff.write },
    admin: { kind: 'staff', id: admin.id, headers: admin.write },
  };
  const cookieName = sessionCookieName(config);

  const images = await sampleImages();
  const inject = (method: 'GET' | 'POST', url: string, who: SignedInCaller, payload?: unknown) =>
    app.inject({
      method,
      url,
      headers: { ...who.headers, 'accept-language': 'en' },
      ...(payload === undefined ? {} : { payload: payload as object }),
    });

  // A report of the citizen's, with its work order in the staff member's queue.
  const grid = await db
    .selectFrom('zones')
    .select(['center_lat', 'center_lon'])
    .where('city_id', '=', 'lingnan')
    .where('code', '=', 'LN-01-02-01')
    .executeTakeFirst();
  const lat = grid?.center_lat ?? 23.13;
  const lon = grid?.center_lon ?? 113.26;
  const trackingNos: string[] = [];
  const workOrderIds: string[] = [];
  const reported = await inject('POST', '/api/v1/cities/lingnan/reports', callers.citizen, {
    categoryCode: 'manhole-cover-missing',
    description: '井盖不见了',
    lat,
    lon,
    attributes: { anyone_hurt: false },
  });
  if (reported.statusCode === 201) trackingNos.push(reported.json<{ trackingNo: string }>().trackingNo);
  const queue = await inject('GET', '/api/v1/cities/lingnan/work-orders', callers.staff);
  if (queue.statusCode === 200) {
    const items = queue.json<{ items?: { id: string }[] }>().items ?? [];
    workOrderIds.push(...items.slice(0, 3).map((w) => w.id));
  }
  // An application draft and an upload of the citizen's.
  // Module tables are not in the platform's schema type: plain SQL.
  const codes = async (table: string) =>
    (
      await sql<{
        code: string;
      }>`SELECT code FROM ${sql.table(table)} WHERE city_id = 'lingnan' ORDER BY code LIMIT 40`.execute(db)
    ).rows.map((r) => r.code);
  const services = await codes('services');
  const applicationIds: string[] = [];
  for (const code of services.slice(0, 5)) {
    const started = await inject('POST', `/api/v1/cities/lingnan/services/${code}/applications`, callers.citizen);
    if (started.statusCode < 300) {
      const id = started.json<{ id?: string }>().id;
      if (id) applicationIds.push(id);
    }
  }
  const uploadIds: string[] = [];
  const uploaded = await app.inject({
    method: 'POST',
    url: '/api/v1/cities/lingnan/uploads',
    headers: { ...callers.citizen.headers, 'content-type': 'image/png' },
    payload: images.png,
  });
  if (uploaded.statusCode === 201) uploadIds.push(uploaded.json<{ id: string }>().id);

  const departments = await codes('departments');
  const bundles = await codes('service_bundles');
  const categories = await codes('report_categories');
  const cities = await db.selectFrom('tenants').select('id').execute();
  const zoneCodes = zones.filter((_, i) => i % 10 === 0 || _.level !== 'grid').map((z) => z.code);

  const codesBy = {
    zones: zoneCodes,
    departments,
    services,
    bundles,
  };
  const ids = [
    ...workOrderIds,
    ...applicationIds,
    ...uploadIds,
    citizen.id,
    staff.id,
    admin.id,
    ...zones.slice(0, 3).map((z) => z.id),
  ];
  const known: KnownValues = {
    city: ['lingnan', ...cities.map((c) => c.id)],
    id: ids,
    taskId: ids,
    fileId: uploadIds.length ? uploadIds : ids,
    credentialId: ids,
    citizenId: [citizen.id, staff.id],
    trackingNo: trackingNos,
    categoryCode: categories,
    category: categories,
    departmentCode: departments,
    department: departments,
    toDepartmentCode: departments,
    zoneCode: zoneCodes,
    zone: zoneCodes,
    parent: zoneCodes,
    photoIds: uploadIds,
    uploadIds,
    lat: [String(lat)],
    lon: [String(lon)],
    provider: ['development'],
    format: ['json', 'xml'],
    file: ['001.json', 'x.xml'],
  };

  return {
    app,
    known,
    codesBy,
    images,
    sessionCookie: cookieName,
    headersOf(caller) {
      return caller === 'anonymous' ? {} : { ...callers[caller].headers };
    },
    async renewSessions() {
      // The sessions given before go (revoked or not): the table stays as small as it began.
      const tokens = Object.values(callers).map((c) => c.headers.cookie?.split('=')[1] ?? '');
      await db.deleteFrom('sessions').where('token_hash', 'in', tokens.map(hashToken)).execute();
      for (const caller of Object.values(callers)) {
        const session = await createSession(db, config, clock.now(), {
          kind: caller.kind,
          id: caller.id,
          method: 'test',
          ...(caller.kind === 'staff' ? { secondFactor: true } : { actingFor: null }),
        });
        caller.headers = { cookie: `${cookieName}=${session.token}`, 'x-csrf-token': session.csrfToken };
      }
    },
  };
}

async function sampleImages(): Promise<SampleImages> {
  const base = sharp({ create: { width: 8, height: 6, channels: 3, background: '#3366cc' } });
  return {
    png: await base.clone().png().toBuffer(),
    jpeg: await base.clone().jpeg().toBuffer(),
    webp: await base.clone().webp().toBuffer(),
  };
}
