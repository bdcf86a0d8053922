/**
 * Expands the hand-written catalog to any size up to a few thousand services, the way a real
 * province's catalog grows: licences split into sub-items (子项: 变更, 延续, 注销, 补证), and every
 * service is listed again for each district's government service centre, citizen services also
 * for each sub-district's (街道) service centre. Used for search benchmarks; deterministic for a
 * seed, and a smaller catalog is always a prefix of a larger one.
 */
import { lingnan } from '../cities.ts';
import { seededRandom } from '../lattice.ts';
import { cert, text, workflow } from './build.ts';
import { demoServices } from './catalog.ts';
import { demoCertificateTypes, type ServiceSpec } from './model.ts';

type Random = () => number;

const licenceTypes = new Set(demoCertificateTypes.filter((c) => c.licence).map((c) => c.code));

/** Departments whose citizen services sub-district service centres also take. */
const streetDepartments = new Set([
  'public-security',
  'civil-affairs',
  'human-resources',
  'healthcare-security',
  'health',
]);

interface SubItemKind {
  code: string;
  zh: string;
  en: string;
  applies: (s: ServiceSpec) => boolean;
}

/** Services issuing a licence have sub-items (the business licence has services of its own for them). */
const licence = (s: ServiceSpec) => licenceTypes.has(s.issues?.certificateType ?? '');

const subItemKinds: SubItemKind[] = [
  { code: 'change', zh: '变更', en: 'change', applies: licence },
  { code: 'renewal', zh: '延续', en: 'renewal', applies: (s) => licence(s) && !!s.issues?.validityYears },
  { code: 'cancellation', zh: '注销', en: 'cancellation', applies: licence },
  { code: 'reissue', zh: '补证', en: 'replacement certificate', applies: licence },
];

const certificateNumber = text('certificateNumber', '原证书编号', 'Number of the current certificate', {
  maxLength: 60,
});
const changeDescription = text('changeDescription', '变更事项及内容', 'What changes', { maxLength: 1000 });
const reason = text('subItemReason', '申请原因', 'Reason', { maxLength: 500 });

/** A sub-item (子项) of a licensing service: change, renewal, cancellation or a replacement certificate. */
function subItem(base: ServiceSpec, kind: SubItemKind): ServiceSpec {
  const issues = base.issues;
  if (!issues) throw new Error(`${base.code} issues nothing`);
  const s = structuredClone(base);
  s.code = `${base.code}-${kind.code}`;
  s.variantOf = base.code;
  s.name = { zh: `${base.name.zh}（${kind.zh}）`, en: `${base.name.en} (${kind.en})` };
  s.summary = {
    zh: `${base.name.zh}的${kind.zh}子项。${base.summary.zh}`,
    en: `The ${kind.en} sub-item of this service. ${base.summary.en}`,
  };
  s.materials = [
    ...s.materials.filter((m) => m.kind === 'form' || m.kind === 'id'),
    cert(
      `current-${issues.certificateType}`,
      `原${issues.name.zh}`,
      `Current ${issues.name.en}`,
      issues.certificateType,
    ),
  ];
  const extra = kind.code === 'change' ? [certificateNumber, changeDescription] : [certificateNumber, reason];
  for (const f of extra) {
    if (f.key in s.form.properties) continue;
    s.form.properties[f.key] = structuredClone(f.schema);
    s.form.required.push(f.key);
  }
  s.form.title = `${s.name.zh}申请表`;
  s.form['x-title-en'] = `Application: ${s.name.en}`;
  s.visits = 0;
  delete s.visitReason;
  s.online = true;
  if (kind.code === 'cancellation' || kind.code === 'reissue') {
    s.promisedDays = 0;
    s.workflow = workflow('instant', base.departmentCode);
  }
  if (kind.code === 'cancellation') delete s.issues;
  return s;
}

/** Rounds down to half days, never above the original promise. */
const shorter = (days: number, random: Random) => Math.floor(days * (0.5 + random() * 0.5) * 2) / 2;

/** The same service as a local service centre takes it, possibly with a shorter promise. */
function local(base: ServiceSpec, zoneCode: string, place: { zh: string; en: string }, random: Random): ServiceSpec {
  const s = structuredClone(base);
  s.code = `${base.code}-${zoneCode.toLowerCase()}`;
  s.variantOf = base.code;
  s.zoneCode = zoneCode;
  s.name = { zh: `${base.name.zh}（${place.zh}）`, en: `${base.name.en} (${place.en})` };
  s.summary = {
    zh: `由${place.zh}政务服务中心受理。${base.summary.zh}`,
    en: `Taken by the ${place.en} government service centre. ${base.summary.en}`,
  };
  s.form.title = `${s.name.zh}申请表`;
  s.form['x-title-en'] = `Application: ${s.name.en}`;
  if (random() < 0.3) s.promisedDays = shorter(base.promisedDays, random);
  return s;
}

function shuffle<T>(items: T[], random: Random): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

const districts = lingnan.districts.map((d, i) => ({
  code: `${lingnan.codePrefix}-${String(i + 1).padStart(2, '0')}`,
  names: { zh: `${d.name.zh}区`, en: `${d.name.en} District` },
  streets: d.streets.map((s, j) => ({
    code: `${lingnan.codePrefix}-${String(i + 1).padStart(2, '0')}-${String(j + 1).padStart(2, '0')}`,
    names: { zh: `${s.zh}街道`, en: `${s.en} Sub-district` },
  })),
}));

/** Every generated service for a seed, in the order `generateCatalog` takes them. */
function expansion(seed: string): ServiceSpec[] {
  const random = seededRandom(`${seed}:catalog`);
  const subItems = shuffle(
    demoServices.flatMap((s) => subItemKinds.filter((k) => k.applies(s)).map((k) => subItem(s, k))),
    random,
  );
  const withSubItems = [...demoServices, ...subItems];
  const districtWindows = shuffle(
    withSubItems.flatMap((s) => districts.map((d) => local(s, d.code, d.names, random))),
    random,
  );
  const streetWindows = shuffle(
    demoServices
      .filter((s) => s.audience !== 'enterprise' && streetDepartments.has(s.departmentCode))
      .flatMap((s) => districts.flatMap((d) => d.streets.map((st) => local(s, st.code, st.names, random)))),
    random,
  );
  return [...subItems, ...districtWindows, ...streetWindows];
}

/**
 * The catalog expanded deterministically to `count` services: the hand-written ones first, then
 * sub-items, district windows and sub-district windows (each shuffled by `seed`), so that every
 * variant's `variantOf` is in the result. Throws a RangeError beyond what can be generated.
 */
export function generateCatalog(count: number, seed = 'lingnan'): ServiceSpec[] {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be a whole number, got ${count}`);
  const base = structuredClone(demoServices);
  if (count <= base.length) return base.slice(0, count);
  const more = expansion(seed);
  const max = base.length + more.length;
  if (count > max) throw new RangeError(`at most ${max} services can be generated, asked for ${count}`);
  return [...base, ...more.slice(0, count - base.length)];
}
