/**
 * The service catalog in the database: vocabularies (themes, life events, certificate types),
 * services and bundles with their versions. Saving a service checks it against the city
 * (departments, vocabularies, certificate types, its form) and makes a new version only when
 * its content changed; the version in force is copied into `services` for lists and filters.
 */
import { createHash } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import { uuidv7 } from 'uuidv7';
import { BundleSpec, type Names, type ServiceAudience, ServiceSpec } from '#contracts';
import type { Database } from '../../platform/db/schema.ts';
import { canonicalJson } from '../../platform/json/canonical.ts';
import { definitionFor } from './definitions.ts';
import { checkForm, type FormProblem } from './forms.ts';
import { type GovernmentDatabase, governmentDb, type ServicesTable } from './schema.ts';
import { indexServices } from './search.ts';

/** A theme (主题) of the catalog. */
export interface ThemeInput {
  code: string;
  name: Names;
}

/** A life event (人生事件 / 企业生命周期). */
export interface LifeEventInput {
  code: string;
  name: Names;
  audience: 'citizen' | 'enterprise';
}

/** An e-certificate type a department issues or holds. */
export interface CertificateTypeInput {
  code: string;
  name: Names;
  departmentCode: string;
  holder: ServiceAudience;
  fromRecords?: boolean;
  licence?: boolean;
}

/** Everything a city's catalog is made of, as the demo data or an import file gives it. */
export interface CatalogInput {
  themes: ThemeInput[];
  lifeEvents: LifeEventInput[];
  certificateTypes: CertificateTypeInput[];
  /** Service specs, checked with ServiceSpec on import. */
  services: readonly object[];
  /** Bundle specs, checked with BundleSpec on import. */
  bundles: readonly object[];
}

/** What an import changed. */
export interface ImportSummary {
  services: { created: number; changed: number; unchanged: number };
  bundles: { created: number; changed: number; unchanged: number };
}

/** A service with the version in force (or the one asked for). */
export interface StoredService {
  row: Selectable<ServicesTable>;
  spec: ServiceSpec;
  version: number;
  department: { id: string; code: string; nameZh: string; nameEn: string };
}

/** Thrown by saveService when the spec does not fit the city; the route turns it into a 400. */
export class ServiceSpecProblems extends Error {
  readonly problems: FormProblem[];
  constructor(problems: FormProblem[]) {
    super('service spec problems');
    this.problems = problems;
  }
}

const hashOf = (value: unknown) => createHash('sha256').update(canonicalJson(value)).digest('hex');

/** Stores the catalog's vocabularies (insert or update by code). */
export async function saveVocabulary(
  db: Kysely<Database>,
  cityId: string,
  input: Pick<CatalogInput, 'themes' | 'lifeEvents' | 'certificateTypes'>,
): Promise<void> {
  const g = governmentDb(db);
  if (input.themes.length) {
    await g
      .insertInto('service_themes')
      .values(
        input.themes.map((t, i) => ({
          city_id: cityId,
          code: t.code,
          name_zh: t.name.zh,
          name_en: t.name.en,
          sort_order: i,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['city_id', 'code']).doUpdateSet((eb) => ({
          name_zh: eb.ref('excluded.name_zh'),
          name_en: eb.ref('excluded.name_en'),
          sort_order: eb.ref('excluded.sort_order'),
        })),
      )
      .execute();
  }
  if (input.lifeEvents.length) {
    await g
      .insertInto('life_events')
      .values(
        input.lifeEvents.map((e, i) => ({
          city_id: cityId,
          code: e.code,
          name_zh: e.name.zh,
          name_en: e.name.en,
          audience: e.audience,
          sort_order: i,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['city_id', 'code']).doUpdateSet((eb) => ({
          name_zh: eb.ref('excluded.name_zh'),
          name_en: eb.ref('excluded.name_en'),
          audience: eb.ref('excluded.audience'),
          sort_order: eb.ref('excluded.sort_order'),
        })),
      )
      .execute();
  }
  if (input.certificateTypes.length) {
    await g
      .insertInto('certificate_types')
      .values(
        input.certificateTypes.map((c) => ({
          city_id: cityId,
          code: c.code,
          name_zh: c.name.zh,
          name_en: c.name.en,
          department_code: c.departmentCode,
          holder: c.holder,
          from_records: c.fromRecords ?? false,
          licence: c.licence ?? false,
        })),
      )
      .onConflict((oc) =>
        oc.columns(['city_id', 'code']).doUpdateSet((eb) => ({
          name_zh: eb.ref('excluded.name_zh'),
          name_en: eb.ref('excluded.name_en'),
          department_code: eb.ref('excluded.department_code'),
          holder: eb.ref('excluded.holder'),
          from_records: eb.ref('excluded.from_records'),
          licence: eb.ref('excluded.licence'),
        })),
      )
      .execute();
  }
}

/** The city's references a service may use, loaded once per save or import. */
interface CityReferences {
  departments: Map<string, { id: string; code: string; nameZh: string; nameEn: string }>;
  themes: Set<string>;
  lifeEvents: Set<string>;
  certificateTypes: Set<string>;
}

async function loadReferences(db: Kysely<GovernmentDatabase>, cityId: string): Promise<CityReferences> {
  const [departments, themes, events, types] = await Promise.all([
    db.selectFrom('departments').select(['id', 'code', 'name_zh', 'name_en']).where('city_id', '=', cityId).execute(),
    db.selectFrom('service_themes').select('code').where('city_id', '=', cityId).execute(),
    db.selectFrom('life_events').select('code').where('city_id', '=', cityId).execute(),
    db.selectFrom('certificate_types').select('code').where('city_id', '=', cityId).execute(),
  ]);
  return {
    departments: new Map(
      departments.map((d) => [d.code, { id: d.id, code: d.code, nameZh: d.name_zh, nameEn: d.name_en }]),
    ),
    themes: new Set(themes.map((t) => t.code)),
    lifeEvents: new Set(events.map((e) => e.code)),
    certificateTypes: new Set(types.map((t) => t.code)),
  };
}

const problem = (field: string, zh: string, en: string): FormProblem => ({ field, zh, en });

/** What is wrong with `spec` in this city (empty when nothing). */
function checkService(spec: ServiceSpec, refs: CityReferences): FormProblem[] {
  const problems: FormProblem[] = [];
  if (!refs.departments.has(spec.departmentCode)) {
    problems.push(
      problem('departmentCode', `本市没有部门“${spec.departmentCode}”`, `no department "${spec.departmentCode}"`),
    );
  }
  spec.themes.forEach((t, i) => {
    if (!refs.themes.has(t)) problems.push(problem(`themes.${i}`, `未知的主题“${t}”`, `unknown theme "${t}"`));
  });
  spec.lifeEvents.forEach((e, i) => {
    if (!refs.lifeEvents.has(e))
      problems.push(problem(`lifeEvents.${i}`, `未知的人生事件“${e}”`, `unknown life event "${e}"`));
  });
  spec.materials.forEach((m, i) => {
    if (m.heldBy && !refs.certificateTypes.has(m.heldBy)) {
      problems.push(
        problem(`materials.${i}.heldBy`, `未知的证照类型“${m.heldBy}”`, `unknown certificate type "${m.heldBy}"`),
      );
    }
  });
  const materialCodes = new Set<string>();
  spec.materials.forEach((m, i) => {
    if (materialCodes.has(m.code)) {
      problems.push(problem(`materials.${i}.code`, `材料编码“${m.code}”重复`, `material code "${m.code}" is repeated`));
    }
    materialCodes.add(m.code);
  });
  spec.workflow.steps.forEach((s, i) => {
    if (!refs.departments.has(s.departmentCode)) {
      problems.push(
        problem(
          `workflow.steps.${i}.departmentCode`,
          `本市没有部门“${s.departmentCode}”`,
          `no department "${s.departmentCode}"`,
        ),
      );
    }
  });
  if (spec.issues && !refs.certificateTypes.has(spec.issues.certificateType)) {
    problems.push(
      problem(
        'issues.certificateType',
        `未知的证照类型“${spec.issues.certificateType}”`,
        `unknown certificate type "${spec.issues.certificateType}"`,
      ),
    );
  }
  problems.push(...checkForm(spec.form));
  return problems;
}

/** The `services` columns copied from a spec. */
function serviceColumns(spec: ServiceSpec, departmentId: string) {
  return {
    department_id: departmentId,
    name_zh: spec.name.zh,
    name_en: spec.name.en,
    summary_zh: spec.summary.zh,
    summary_en: spec.summary.en,
    audience: spec.audience,
    themes: spec.themes,
    life_events: spec.lifeEvents,
    visits: spec.visits,
    online: spec.online,
    legal_days: spec.legalDays,
    promised_days: spec.promisedDays,
    fee_fen: spec.fee.amountFen,
    certificate_type: spec.issues?.certificateType ?? null,
  };
}

/** The result of saving one service. */
export interface SavedService {
  id: string;
  version: number;
  outcome: 'created' | 'changed' | 'unchanged';
}

async function saveOne(
  db: Kysely<GovernmentDatabase>,
  cityId: string,
  spec: ServiceSpec,
  refs: CityReferences,
  meta: { note: string; createdBy: string | null; now: Date },
  existing?: { id: string; version: number; hash: string } | null,
): Promise<SavedService> {
  const problems = checkService(spec, refs);
  if (problems.length) throw new ServiceSpecProblems(problems);
  const department = refs.departments.get(spec.departmentCode);
  if (!department) throw new ServiceSpecProblems([]);
  const hash = hashOf(spec);
  if (existing && existing.hash === hash) return { id: existing.id, version: existing.version, outcome: 'unchanged' };
  const version = existing ? existing.version + 1 : 1;
  const id = existing?.id ?? uuidv7();
  await definitionFor(db, { now: () => meta.now }, cityId, spec);
  if (existing) {
    await db
      .updateTable('services')
      .set({ ...serviceColumns(spec, department.id), version, updated_at: meta.now })
      .where('id', '=', id)
      .execute();
  } else {
    await db
      .insertInto('services')
      .values({
        id,
        city_id: cityId,
        code: spec.code,
        version,
        enabled: true,
        ...serviceColumns(spec, department.id),
        created_at: meta.now,
        updated_at: meta.now,
      })
      .execute();
  }
  await db
    .insertInto('service_versions')
    .values({
      city_id: cityId,
      service_id: id,
      version,
      spec: JSON.stringify(spec),
      spec_hash: hash,
      note: meta.note,
      created_by: meta.createdBy,
      created_at: meta.now,
    })
    .execute();
  return { id, version, outcome: existing ? 'changed' : 'created' };
}

async function currentHashes(db: Kysely<GovernmentDatabase>, cityId: string, codes?: string[]) {
  let q = db
    .selectFrom('services as s')
    .innerJoin('service_versions as v', (j) =>
      j.onRef('v.service_id', '=', 's.id').onRef('v.version', '=', 's.version'),
    )
    .select(['s.id', 's.code', 's.version', 'v.spec_hash'])
    .where('s.city_id', '=', cityId);
  if (codes) q = q.where('s.code', 'in', codes.length ? codes : ['']);
  const rows = await q.execute();
  return new Map(rows.map((r) => [r.code, { id: r.id, version: r.version, hash: r.spec_hash }]));
}

/**
 * Saves one service in `trx` (a new version when its content changed). Throws
 * ServiceSpecProblems when it does not fit the city.
 */
export async function saveService(
  trx: Kysely<Database>,
  cityId: string,
  spec: ServiceSpec,
  meta: { note: string; createdBy: string | null; now: Date },
): Promise<SavedService> {
  const g = governmentDb(trx);
  // Serialise saves of the same service: the version number is read, then written.
  await g
    .selectFrom('services')
    .select('id')
    .where('city_id', '=', cityId)
    .where('code', '=', spec.code)
    .forUpdate()
    .execute();
  const refs = await loadReferences(g, cityId);
  const existing = (await currentHashes(g, cityId, [spec.code])).get(spec.code) ?? null;
  const saved = await saveOne(g, cityId, spec, refs, meta, existing);
  if (saved.outcome !== 'unchanged') await indexServices(trx, cityId, [spec]);
  return saved;
}

/**
 * Imports a whole catalog into a city in `trx`: vocabularies, then services, then bundles.
 * Idempotent: importing the same catalog again changes nothing.
 */
export async function importCatalog(
  trx: Kysely<Database>,
  cityId: string,
  input: CatalogInput,
  meta: { note: string; createdBy: string | null; now: Date },
): Promise<ImportSummary> {
  const g = governmentDb(trx);
  await saveVocabulary(trx, cityId, input);
  const refs = await loadReferences(g, cityId);
  const existing = await currentHashes(g, cityId);
  const summary: ImportSummary = {
    services: { created: 0, changed: 0, unchanged: 0 },
    bundles: { created: 0, changed: 0, unchanged: 0 },
  };
  const changed: ServiceSpec[] = [];
  for (const raw of input.services) {
    const spec = ServiceSpec.parse(raw);
    const saved = await saveOne(g, cityId, spec, refs, meta, existing.get(spec.code) ?? null);
    summary.services[saved.outcome]++;
    if (saved.outcome !== 'unchanged') changed.push(spec);
  }
  await indexServices(trx, cityId, changed);
  for (const raw of input.bundles) {
    const saved = await saveBundle(trx, cityId, BundleSpec.parse(raw), meta);
    summary.bundles[saved.outcome]++;
  }
  return summary;
}

/** Saves a bundle (a new version when its content changed); its members must be services of the city. */
export async function saveBundle(
  trx: Kysely<Database>,
  cityId: string,
  bundle: BundleSpec,
  meta: { note: string; createdBy: string | null; now: Date },
): Promise<SavedService> {
  const g = governmentDb(trx);
  const members = await g
    .selectFrom('services')
    .select('code')
    .where('city_id', '=', cityId)
    .where('code', 'in', bundle.services)
    .execute();
  const known = new Set(members.map((m) => m.code));
  const problems = bundle.services
    .map((code, i) => ({ code, i }))
    .filter(({ code }) => !known.has(code))
    .map(({ code, i }) => problem(`services.${i}`, `本市没有事项“${code}”`, `no service "${code}"`));
  problems.push(...checkForm(bundle.sharedForm, 'sharedForm'));
  if (problems.length) throw new ServiceSpecProblems(problems);
  const hash = hashOf(bundle);
  const current = await g
    .selectFrom('service_bundles as b')
    .innerJoin('service_bundle_versions as v', (j) =>
      j.onRef('v.bundle_id', '=', 'b.id').onRef('v.version', '=', 'b.version'),
    )
    .select(['b.id', 'b.version', 'v.spec_hash'])
    .where('b.city_id', '=', cityId)
    .where('b.code', '=', bundle.code)
    .executeTakeFirst();
  if (current && current.spec_hash === hash) return { id: current.id, version: current.version, outcome: 'unchanged' };
  const id = current?.id ?? uuidv7();
  const version = current ? current.version + 1 : 1;
  const columns = {
    version,
    name_zh: bundle.name.zh,
    name_en: bundle.name.en,
    life_event: bundle.lifeEvent,
    services: bundle.services,
    updated_at: meta.now,
  };
  if (current) await g.updateTable('service_bundles').set(columns).where('id', '=', id).execute();
  else {
    await g
      .insertInto('service_bundles')
      .values({ id, city_id: cityId, code: bundle.code, enabled: true, created_at: meta.now, ...columns })
      .execute();
  }
  await g
    .insertInto('service_bundle_versions')
    .values({
      city_id: cityId,
      bundle_id: id,
      version,
      spec: JSON.stringify(bundle),
      spec_hash: hash,
      note: meta.note,
      created_by: meta.createdBy,
      created_at: meta.now,
    })
    .execute();
  return { id, version, outcome: current ? 'changed' : 'created' };
}

/** One service of the city by code, with the version in force or version `version`; null when there is none. */
export async function findService(
  db: Kysely<Database>,
  cityId: string,
  code: string,
  version?: number,
): Promise<StoredService | null> {
  const g = governmentDb(db);
  const row = await g
    .selectFrom('services')
    .selectAll()
    .where('city_id', '=', cityId)
    .where('code', '=', code)
    .executeTakeFirst();
  if (!row) return null;
  const [v, department] = await Promise.all([
    g
      .selectFrom('service_versions')
      .select(['spec', 'version'])
      .where('service_id', '=', row.id)
      .where('version', '=', version ?? row.version)
      .executeTakeFirst(),
    g
      .selectFrom('departments')
      .select(['id', 'code', 'name_zh', 'name_en'])
      .where('id', '=', row.department_id)
      .executeTakeFirstOrThrow(),
  ]);
  if (!v) return null;
  return {
    row,
    spec: v.spec as unknown as ServiceSpec,
    version: v.version,
    department: { id: department.id, code: department.code, nameZh: department.name_zh, nameEn: department.name_en },
  };
}

/** The versions of a service, newest first. */
export async function listServiceVersions(db: Kysely<Database>, serviceId: string) {
  return governmentDb(db)
    .selectFrom('service_versions')
    .select(['version', 'note', 'created_by', 'created_at'])
    .where('service_id', '=', serviceId)
    .orderBy('version', 'desc')
    .execute();
}

/** Filters of a service list. */
export interface ServiceFilter {
  department?: string;
  theme?: string;
  lifeEvent?: string;
  audience?: 'citizen' | 'enterprise';
  zeroVisit?: boolean;
  codes?: string[];
}

/** Enabled services of the city matching `filter`, ordered by department then code, one page. */
export async function listServices(
  db: Kysely<Database>,
  cityId: string,
  filter: ServiceFilter,
  page: { limit: number; offset: number },
) {
  const g = governmentDb(db);
  let q = g
    .selectFrom('services as s')
    .innerJoin('departments as d', 'd.id', 's.department_id')
    .where('s.city_id', '=', cityId)
    .where('s.enabled', '=', true);
  if (filter.department) q = q.where('d.code', '=', filter.department);
  if (filter.theme) q = q.where((eb) => eb(eb.val(filter.theme), '=', eb.fn.any('s.themes')));
  if (filter.lifeEvent) q = q.where((eb) => eb(eb.val(filter.lifeEvent), '=', eb.fn.any('s.life_events')));
  if (filter.audience) q = q.where('s.audience', 'in', [filter.audience, 'both']);
  if (filter.zeroVisit !== undefined) q = q.where('s.visits', '=', filter.zeroVisit ? 0 : 1);
  if (filter.codes) q = q.where('s.code', 'in', filter.codes.length ? filter.codes : ['']);
  const [rows, total] = await Promise.all([
    q
      .selectAll('s')
      .select(['d.code as department_code', 'd.name_zh as department_name_zh', 'd.name_en as department_name_en'])
      .orderBy('d.code')
      .orderBy('s.code')
      .limit(page.limit)
      .offset(page.offset)
      .execute(),
    q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}

/** Themes with the number of enabled services in each. */
export async function listThemes(db: Kysely<Database>, cityId: string) {
  const g = governmentDb(db);
  const [themes, counts] = await Promise.all([
    g.selectFrom('service_themes').selectAll().where('city_id', '=', cityId).orderBy('sort_order').execute(),
    countBy(g, cityId, 'themes'),
  ]);
  return themes.map((t) => ({
    code: t.code,
    nameZh: t.name_zh,
    nameEn: t.name_en,
    audience: null,
    services: counts.get(t.code) ?? 0,
  }));
}

/** Life events with the number of enabled services in each. */
export async function listLifeEvents(db: Kysely<Database>, cityId: string) {
  const g = governmentDb(db);
  const [events, counts] = await Promise.all([
    g.selectFrom('life_events').selectAll().where('city_id', '=', cityId).orderBy('sort_order').execute(),
    countBy(g, cityId, 'life_events'),
  ]);
  return events.map((e) => ({
    code: e.code,
    nameZh: e.name_zh,
    nameEn: e.name_en,
    audience: e.audience,
    services: counts.get(e.code) ?? 0,
  }));
}

async function countBy(db: Kysely<GovernmentDatabase>, cityId: string, column: 'themes' | 'life_events') {
  const rows = await db
    .selectFrom('services')
    .select(column)
    .where('city_id', '=', cityId)
    .where('enabled', '=', true)
    .execute();
  const counts = new Map<string, number>();
  for (const row of rows) for (const code of row[column]) counts.set(code, (counts.get(code) ?? 0) + 1);
  return counts;
}

/** A bundle of the city by code with the version in force; null when there is none. */
export async function findBundle(db: Kysely<Database>, cityId: string, code: string) {
  const g = governmentDb(db);
  const row = await g
    .selectFrom('service_bundles as b')
    .innerJoin('service_bundle_versions as v', (j) =>
      j.onRef('v.bundle_id', '=', 'b.id').onRef('v.version', '=', 'b.version'),
    )
    .select(['b.id', 'b.code', 'b.version', 'b.enabled', 'b.updated_at', 'v.spec'])
    .where('b.city_id', '=', cityId)
    .where('b.code', '=', code)
    .executeTakeFirst();
  return row ? { ...row, spec: row.spec as unknown as BundleSpec } : null;
}

/** The city's enabled bundles. */
export async function listBundles(db: Kysely<Database>, cityId: string) {
  return governmentDb(db)
    .selectFrom('service_bundles')
    .selectAll()
    .where('city_id', '=', cityId)
    .where('enabled', '=', true)
    .orderBy('code')
    .execute();
}
