/**
 * A realistic corpus for the search tests and the search benchmark: the demo city's government
 * services mapped to plain search documents, the way a catalog owner would map its rows (the
 * search itself knows nothing of services). Titles are the service names; keywords the names
 * of its themes, life events, department and the certificate it issues; the body its summary,
 * materials, conditions and why a visit is needed. Hand-written services get a boost over their
 * generated sub-items and local windows, zero-visit services a little more.
 */

import { lingnan } from '../../../../../demo/cities.ts';
import { demoDepartments, departmentNames } from '../../../../../demo/departments.ts';
import { demoLifeEvents, demoServiceThemes, type ServiceSpec } from '../../../../../demo/services.ts';
import { defineCollection, type SearchDocument } from './documents.ts';

/** The collection the tests and the benchmark index services into. */
export const servicesCollection = defineCollection('services', {
  facets: ['department', 'theme', 'lifeEvent', 'audience', 'zeroVisit'],
});

const themes = new Map(demoServiceThemes.map((t) => [t.code, t.name]));
const events = new Map(demoLifeEvents.map((e) => [e.code, e.name]));
const departments = new Map(demoDepartments.map((d) => [d.code, departmentNames(d, lingnan.name)]));
const shortNames = new Map(demoDepartments.map((d) => [d.code, d.short]));

/** A service as a search document. */
export function serviceDocument(s: ServiceSpec): SearchDocument {
  const names = [
    ...s.themes.map((t) => themes.get(t)),
    ...s.lifeEvents.map((e) => events.get(e)),
    departments.get(s.departmentCode),
    shortNames.get(s.departmentCode),
    s.issues?.name,
  ].filter((n) => n !== undefined);
  return {
    id: s.code,
    title: { zh: s.name.zh, en: s.name.en },
    keywords: names.flatMap((n) => [n.zh, n.en]),
    body: {
      zh: [s.summary.zh, ...s.materials.map((m) => m.name.zh), s.eligibility.zh, s.visitReason?.zh ?? ''].join('\n'),
      en: [s.summary.en, ...s.materials.map((m) => m.name.en), s.eligibility.en, s.visitReason?.en ?? ''].join('\n'),
    },
    facets: {
      department: [s.departmentCode],
      theme: s.themes,
      lifeEvent: s.lifeEvents,
      audience: s.audience === 'both' ? ['citizen', 'enterprise'] : [s.audience],
      zeroVisit: [s.visits === 0 ? 'yes' : 'no'],
    },
    boost: (s.variantOf ? 0 : 0.5) + (s.visits === 0 ? 0.05 : 0),
  };
}
