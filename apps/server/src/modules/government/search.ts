/**
 * The catalog in the platform's search index: each service version in force becomes one
 * document — its names as the title; department, themes, life events and the certificate it
 * issues as keywords; summary, materials and eligibility as the body — with facets for
 * department, theme, life event, audience and visits needed, and as its payload the summary a
 * result list shows, so that a search answered from memory needs no query for the services.
 * The summary is written in the transaction that saves the version, so it is never older than
 * the document it belongs to.
 */

import type { Kysely } from 'kysely';
import type { ServiceSpec, ServiceSummary } from '#contracts';
import type { Locale } from '../../config.ts';
import type { Database } from '../../platform/db/schema.ts';
import {
  defineCollection,
  indexDocuments,
  removeDocuments,
  type SearchDocument,
  searchDocuments,
} from '../../platform/search/index.ts';
import { governmentDb } from './schema.ts';

/** The search collection of government services; facets are what the catalog is browsed by. */
export const serviceCollection = defineCollection('services', {
  facets: ['department', 'theme', 'lifeEvent', 'audience', 'visits'],
});

/** Names of the city's vocabularies, for keywords. */
interface Vocabulary {
  departments: Map<string, { zh: string; en: string }>;
  themes: Map<string, { zh: string; en: string }>;
  lifeEvents: Map<string, { zh: string; en: string }>;
  certificateTypes: Map<string, { zh: string; en: string }>;
}

async function vocabulary(db: Kysely<Database>, cityId: string): Promise<Vocabulary> {
  const g = governmentDb(db);
  const [departments, themes, events, types] = await Promise.all([
    g
      .selectFrom('departments')
      .select(['code', 'name_zh', 'name_en', 'short_zh', 'short_en'])
      .where('city_id', '=', cityId)
      .execute(),
    g.selectFrom('service_themes').select(['code', 'name_zh', 'name_en']).where('city_id', '=', cityId).execute(),
    g.selectFrom('life_events').select(['code', 'name_zh', 'name_en']).where('city_id', '=', cityId).execute(),
    g.selectFrom('certificate_types').select(['code', 'name_zh', 'name_en']).where('city_id', '=', cityId).execute(),
  ]);
  const names = (rows: { code: string; name_zh: string; name_en: string }[]) =>
    new Map(rows.map((r) => [r.code, { zh: r.name_zh, en: r.name_en }]));
  return {
    departments: new Map(
      departments.map((d) => [d.code, { zh: `${d.name_zh} ${d.short_zh}`, en: `${d.name_en} ${d.short_en}` }]),
    ),
    themes: names(themes),
    lifeEvents: names(events),
    certificateTypes: names(types),
  };
}

/** A service row with its department's names, as the catalog's lists read it. */
export interface ServiceSummaryRow {
  code: string;
  name_zh: string;
  name_en: string;
  summary_zh: string;
  summary_en: string;
  department_code: string;
  department_name_zh: string;
  department_name_en: string;
  audience: ServiceSummary['audience'];
  themes: string[];
  life_events: string[];
  visits: number;
  online: boolean;
  legal_days: number;
  promised_days: number;
  fee_fen: number;
  certificate_type: string | null;
  version: number;
}

/** What a list of services shows of one (the catalog's list and its search). */
export function serviceSummary(row: ServiceSummaryRow): ServiceSummary {
  return {
    code: row.code,
    nameZh: row.name_zh,
    nameEn: row.name_en,
    summaryZh: row.summary_zh,
    summaryEn: row.summary_en,
    department: { code: row.department_code, nameZh: row.department_name_zh, nameEn: row.department_name_en },
    audience: row.audience,
    themes: row.themes,
    lifeEvents: row.life_events,
    visits: row.visits,
    online: row.online,
    legalDays: row.legal_days,
    promisedDays: row.promised_days,
    feeFen: row.fee_fen,
    issuesCertificate: row.certificate_type,
    version: row.version,
  };
}

/** Summaries of the city's enabled services among `codes`, as saved in `db` (the caller's transaction). */
async function summaries(db: Kysely<Database>, cityId: string, codes: readonly string[]) {
  const found = new Map<string, ServiceSummary>();
  for (let i = 0; i < codes.length; i += 1000) {
    const rows = await governmentDb(db)
      .selectFrom('services as s')
      .innerJoin('departments as d', 'd.id', 's.department_id')
      .select([
        's.code',
        's.name_zh',
        's.name_en',
        's.summary_zh',
        's.summary_en',
        'd.code as department_code',
        'd.name_zh as department_name_zh',
        'd.name_en as department_name_en',
        's.audience',
        's.themes',
        's.life_events',
        's.visits',
        's.online',
        's.legal_days',
        's.promised_days',
        's.fee_fen',
        's.certificate_type',
        's.version',
      ])
      .where('s.city_id', '=', cityId)
      .where('s.enabled', '=', true)
      .where('s.code', 'in', codes.slice(i, i + 1000))
      .execute();
    for (const row of rows) found.set(row.code, serviceSummary(row));
  }
  return found;
}

/**
 * The search document of a service version; `summary` (what a result list shows of it) is its
 * payload.
 */
export function serviceDocument(spec: ServiceSpec, vocab: Vocabulary, summary?: ServiceSummary): SearchDocument {
  const both = (n: { zh: string; en: string } | undefined) => (n ? [n.zh, n.en] : []);
  const keywords = [
    ...both(vocab.departments.get(spec.departmentCode)),
    ...spec.themes.flatMap((t) => both(vocab.themes.get(t))),
    ...spec.lifeEvents.flatMap((e) => both(vocab.lifeEvents.get(e))),
    ...(spec.issues ? [spec.issues.name.zh, spec.issues.name.en] : []),
  ];
  const materials = spec.materials.filter((m) => m.kind !== 'form');
  return {
    id: spec.code,
    title: { zh: spec.name.zh, en: spec.name.en },
    keywords,
    body: {
      zh: [spec.summary.zh, spec.eligibility.zh, ...materials.map((m) => m.name.zh)].join('；'),
      en: [spec.summary.en, spec.eligibility.en, ...materials.map((m) => m.name.en)].join('; '),
    },
    facets: {
      department: [spec.departmentCode],
      theme: spec.themes,
      lifeEvent: spec.lifeEvents,
      audience: spec.audience === 'both' ? ['citizen', 'enterprise'] : [spec.audience],
      visits: [String(spec.visits)],
    },
    // Variants of a service (a district's window) come after the service itself.
    boost: spec.variantOf ? 0 : 0.5,
    ...(summary ? { payload: summary } : {}),
  };
}

/**
 * Puts services of the city into the index (their versions in force, saved in `db`: call it in
 * the transaction that saves them, after saving).
 */
export async function indexServices(
  db: Kysely<Database>,
  cityId: string,
  specs: readonly ServiceSpec[],
): Promise<void> {
  if (specs.length === 0) return;
  const [vocab, summaryOf] = await Promise.all([
    vocabulary(db, cityId),
    summaries(
      db,
      cityId,
      specs.map((s) => s.code),
    ),
  ]);
  await indexDocuments(
    db,
    cityId,
    serviceCollection,
    specs.map((s) => serviceDocument(s, vocab, summaryOf.get(s.code))),
  );
}

/** Takes services out of the index (disabled ones). */
export async function unindexServices(db: Kysely<Database>, cityId: string, codes: readonly string[]): Promise<void> {
  if (codes.length) await removeDocuments(db, cityId, serviceCollection, codes);
}

/** Filters a catalog search takes, facet by facet. */
export interface ServiceSearchFilters {
  department?: string[];
  theme?: string[];
  lifeEvent?: string[];
  audience?: string[];
  visits?: string[];
}

/** Searches the city's services; the hits are service codes in rank order. */
export function searchServices(
  db: Kysely<Database>,
  input: {
    cityId: string;
    query: string;
    locale: Locale;
    filters: ServiceSearchFilters;
    page: number;
    pageSize: number;
  },
) {
  const filters = Object.fromEntries(Object.entries(input.filters).filter(([, v]) => v?.length)) as Record<
    string,
    string[]
  >;
  return searchDocuments(db, {
    cityId: input.cityId,
    collection: serviceCollection,
    query: input.query,
    locale: input.locale,
    filters,
    facets: serviceCollection.facets,
    page: input.page,
    pageSize: input.pageSize,
  });
}
