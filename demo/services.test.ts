import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { demoDepartments } from './departments.ts';
import { demoData } from './index.ts';
import {
  type BundleSpec,
  demoBundles,
  demoCertificateTypes,
  demoLifeEvents,
  demoServices,
  demoServiceThemes,
  demoWorkflowDefinitions,
  type FormField,
  type FormObject,
  type FormSchema,
  formKeywords,
  generateCatalog,
  prefillPaths,
  type ServiceSpec,
  sampleApplication,
} from './services.ts';

const ajv = new Ajv2020({ strict: true, allErrors: true, formats: { date: true, email: true } });
ajv.addVocabulary([...formKeywords]);
const compiled = new Map<FormSchema, ValidateFunction>();
/** Compiles a form once (throws when it is not a valid JSON Schema draft 2020-12 under strict mode). */
const validatorOf = (schema: FormSchema) => {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  return validate;
};

const departmentCodes = new Set(demoDepartments.map((d) => d.code));
const themeCodes = new Set(demoServiceThemes.map((t) => t.code));
const eventCodes = new Set(demoLifeEvents.map((e) => e.code));
const certificateTypes = new Map(demoCertificateTypes.map((c) => [c.code, c]));
const definitions = new Map(demoWorkflowDefinitions.map((d) => [d.code, d]));
const services = new Map(demoServices.map((s) => [s.code, s]));
const allowedPrefill = new Set<string>(prefillPaths);

const HAN = /[\u3400-\u9fff]/;
/** CJK characters and full-width punctuation: none may appear in English. */
const CJK = /[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]/;
const KEBAB = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** Every `{ zh, en }` pair and every form `title`/`x-title-en` pair under `value`, with its path. */
function languagePairs(value: unknown, path = ''): { path: string; zh: string; en: string }[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => languagePairs(v, `${path}[${i}]`));
  if (!value || typeof value !== 'object') return [];
  const o = value as Record<string, unknown>;
  const own: { path: string; zh: string; en: string }[] = [];
  if (typeof o.zh === 'string' || typeof o.en === 'string') own.push({ path, zh: String(o.zh), en: String(o.en) });
  if ('title' in o || 'x-title-en' in o) own.push({ path, zh: String(o.title), en: String(o['x-title-en']) });
  return [...own, ...Object.entries(o).flatMap(([k, v]) => languagePairs(v, `${path}.${k}`))];
}

/** Every field schema of a form, nested ones included, with its path. */
function fieldsOf(form: FormSchema | FormObject, path = ''): { path: string; field: FormField }[] {
  return Object.entries(form.properties).flatMap(([key, field]) => {
    const here = { path: `${path}${key}`, field };
    const items = field.items;
    if (!items) return [here];
    if (items.type === 'object') return [here, ...fieldsOf(items, `${path}${key}[].`)];
    return [here, { path: `${path}${key}[]`, field: items }];
  });
}

const count = <T>(items: T[], key: (item: T) => string[]) => {
  const out: Record<string, number> = {};
  for (const item of items) for (const k of key(item)) out[k] = (out[k] ?? 0) + 1;
  return out;
};

/** What the signed-in applicant's profile (or enterprise) pre-fills. */
const profile: Record<string, unknown> = {
  'profile.name': '陈晓明',
  'profile.nationalId': '440103199001011234',
  'profile.phone': '13900139000',
  'profile.email': 'chen@example.cn',
  'profile.address': '岭南市云秀区东湖街道东湖路1号',
  'profile.householdAddress': '岭南市云秀区东湖街道东湖路1号',
  'profile.gender': 'male',
  'profile.birthDate': '1990-01-01',
  'enterprise.uscc': '91440101MA59ABCD1X',
  'enterprise.name': '岭南市东湖餐饮管理有限公司',
  'enterprise.legalRepresentative': '陈晓明',
  'enterprise.address': '岭南市云秀区东湖路1号',
  'enterprise.contactName': '陈晓明',
  'enterprise.contactPhone': '13900139000',
};

/** The application a bundle makes for one member: mapped shared values, then presets, then pre-fill. */
function memberApplication(bundle: BundleSpec, member: ServiceSpec, shared: Record<string, unknown>) {
  const out: Record<string, unknown> = {};
  const mapped = new Set<string>();
  for (const [key, field] of Object.entries(bundle.sharedForm.properties)) {
    const target = field['x-maps-to']?.[member.code];
    if (target) {
      mapped.add(target);
      if (key in shared) out[target] = shared[key];
    }
  }
  for (const [key, value] of Object.entries(bundle.presets?.[member.code] ?? {})) out[key] = value;
  for (const [key, field] of Object.entries(member.form.properties)) {
    const path = field['x-prefill'];
    if (!mapped.has(key) && !(key in out) && path) out[key] = profile[path];
  }
  return out;
}

describe('the demo service catalog', () => {
  it('has at least 150 services with unique kebab-case codes', () => {
    expect(demoServices.length).toBeGreaterThanOrEqual(150);
    expect(new Set(demoServices.map((s) => s.code)).size).toBe(demoServices.length);
    for (const s of demoServices) expect(s.code).toMatch(KEBAB);
  });

  it('spreads services over at least 12 departments, all of demo/departments.ts', () => {
    const used = new Set(demoServices.map((s) => s.departmentCode));
    expect(used.size).toBeGreaterThanOrEqual(12);
    for (const code of used) expect(departmentCodes).toContain(code);
  });

  it('serves citizens and enterprises alike', () => {
    const audiences = count(demoServices, (s) => [s.audience]);
    expect(audiences.citizen).toBeGreaterThanOrEqual(50);
    expect(audiences.enterprise).toBeGreaterThanOrEqual(50);
    expect(audiences.both).toBeGreaterThan(0);
  });

  it('uses only defined themes and life events, and uses each of them', () => {
    expect(themeCodes.size).toBe(demoServiceThemes.length);
    expect(eventCodes.size).toBe(demoLifeEvents.length);
    for (const s of demoServices) {
      expect(s.themes.length, s.code).toBeGreaterThan(0);
      for (const t of s.themes) expect(themeCodes, s.code).toContain(t);
      for (const e of s.lifeEvents) expect(eventCodes, s.code).toContain(e);
      expect(new Set(s.themes).size, s.code).toBe(s.themes.length);
      expect(new Set(s.lifeEvents).size, s.code).toBe(s.lifeEvents.length);
    }
    const usedThemes = new Set(demoServices.flatMap((s) => s.themes));
    const usedEvents = new Set(demoServices.flatMap((s) => s.lifeEvents));
    expect([...themeCodes].filter((t) => !usedThemes.has(t))).toEqual([]);
    expect([...eventCodes].filter((e) => !usedEvents.has(e))).toEqual([]);
  });

  it('needs zero visits for at least 75 % of services, and says why when it needs one', () => {
    const zero = demoServices.filter((s) => s.visits === 0).length;
    expect(zero / demoServices.length).toBeGreaterThanOrEqual(0.75);
    for (const s of demoServices) {
      if (s.visits === 1) expect(s.visitReason, s.code).toBeDefined();
      else {
        expect(s.visitReason, s.code).toBeUndefined();
        expect(s.online, `${s.code}: zero visits means it can be applied for online`).toBe(true);
      }
    }
  });

  it('promises no more than the law allows, in whole or half working days', () => {
    for (const s of demoServices) {
      expect(s.promisedDays, s.code).toBeGreaterThanOrEqual(0);
      expect(s.promisedDays, s.code).toBeLessThanOrEqual(s.legalDays);
      expect(Number.isInteger(s.legalDays), s.code).toBe(true);
      expect(Number.isInteger(s.promisedDays * 2), s.code).toBe(true);
    }
    const cut = demoServices.filter((s) => s.legalDays > 0);
    const promised = cut.reduce((sum, s) => sum + s.promisedDays, 0);
    const legal = cut.reduce((sum, s) => sum + s.legalDays, 0);
    expect(promised / legal, 'promises cut legal limits by more than half overall').toBeLessThan(0.5);
  });

  it('charges whole fen, mostly nothing, and explains every fee', () => {
    for (const s of demoServices) {
      expect(Number.isInteger(s.fee.amountFen) && s.fee.amountFen >= 0, s.code).toBe(true);
      if (s.fee.amountFen > 0) expect(s.fee.note, s.code).toBeDefined();
    }
    expect(demoServices.filter((s) => s.fee.amountFen === 0).length / demoServices.length).toBeGreaterThan(0.85);
  });

  it('lists materials with unique codes, and marks only real certificate types as held', () => {
    for (const s of demoServices) {
      expect(s.materials.length, s.code).toBeGreaterThan(0);
      expect(new Set(s.materials.map((m) => m.code)).size, s.code).toBe(s.materials.length);
      for (const m of s.materials) {
        expect(m.code, s.code).toMatch(KEBAB);
        if (m.heldBy) expect(certificateTypes.has(m.heldBy), `${s.code}/${m.code}`).toBe(true);
        if (m.kind === 'id') expect(m.heldBy, `${s.code}/${m.code}`).toBe('resident-id-card');
        if (m.heldBy) expect(['certificate', 'id'], `${s.code}/${m.code}`).toContain(m.kind);
      }
    }
  });

  it('issues certificates of known types from the department that issues them, every type from some service', () => {
    for (const s of demoServices.filter((x) => x.issues)) {
      const type = certificateTypes.get(s.issues?.certificateType ?? '');
      expect(type, s.code).toBeDefined();
      expect(s.issues?.name, s.code).toEqual(type?.name);
      expect(s.departmentCode, s.code).toBe(type?.departmentCode);
    }
    const issued = new Set(demoServices.map((s) => s.issues?.certificateType));
    const neverIssued = demoCertificateTypes.filter((c) => !c.fromRecords && !issued.has(c.code)).map((c) => c.code);
    expect(neverIssued).toEqual([]);
    for (const c of demoCertificateTypes) expect(departmentCodes, c.code).toContain(c.departmentCode);
    expect(demoCertificateTypes.filter((c) => c.licence).length).toBeGreaterThanOrEqual(30);
    expect(new Set(demoCertificateTypes.map((c) => c.code)).size).toBe(demoCertificateTypes.length);
  });

  it('gives every service a form that is a valid JSON Schema and accepts a sample application', () => {
    for (const s of demoServices) {
      expect(s.form.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
      const validate = validatorOf(s.form);
      const sample = sampleApplication(s.form);
      expect(validate(sample), `${s.code}: ${ajv.errorsText(validate.errors)}`).toBe(true);
      expect(validate({}), `${s.code} requires something`).toBe(s.form.required.length === 0);
      for (const key of s.form.required) expect(Object.keys(s.form.properties), s.code).toContain(key);
    }
  });

  it('pre-fills form fields only from the allowed profile and enterprise paths', () => {
    let prefilled = 0;
    for (const s of demoServices) {
      for (const { path, field } of fieldsOf(s.form)) {
        const prefill = field['x-prefill'];
        if (prefill) {
          prefilled++;
          expect(allowedPrefill, `${s.code}.${path}`).toContain(prefill);
        }
        expect(field['x-maps-to'], `${s.code}.${path}: x-maps-to is for bundles`).toBeUndefined();
      }
    }
    expect(prefilled).toBeGreaterThan(demoServices.length);
  });

  it('follows a defined workflow in every service, countersigned steps in parallel by other departments', () => {
    const seen = count(demoServices, (s) => [s.workflow.code]);
    for (const s of demoServices) {
      const definition = definitions.get(s.workflow.code);
      expect(definition, s.code).toBeDefined();
      const kinds = s.workflow.steps.map((step) => {
        const kind = definition?.steps.find((d) => step.code === d.code || step.code.startsWith(`${d.code}-`));
        expect(kind, `${s.code}/${step.code}`).toBeDefined();
        expect(step.role, `${s.code}/${step.code}`).toBe(kind?.role);
        expect(departmentCodes, `${s.code}/${step.code}`).toContain(step.departmentCode);
        if (kind?.department === 'service') {
          expect(step.code).toBe(kind.code);
          expect(step.departmentCode, `${s.code}/${step.code}`).toBe(s.departmentCode);
        } else {
          expect(step.code).toBe(`${kind?.code}-${step.departmentCode}`);
          expect(step.departmentCode, `${s.code}/${step.code}`).not.toBe(s.departmentCode);
        }
        expect(!!step.parallelGroup, `${s.code}/${step.code}`).toBe(kind?.code === 'countersign');
        return kind?.code;
      });
      // The steps follow the definition in order; a countersign kind may repeat.
      expect([...new Set(kinds)], s.code).toEqual(definition?.steps.map((d) => d.code));
      expect(new Set(s.workflow.steps.map((step) => step.code)).size, s.code).toBe(s.workflow.steps.length);
    }
    expect(seen['accept-decide']).toBeGreaterThan(seen['accept-examine-decide'] ?? 0);
    expect(seen['countersign-decide']).toBeGreaterThanOrEqual(3);
  });

  it('says everything in Chinese and in English, with no Chinese in the English', () => {
    const everything = [
      demoServices,
      demoBundles,
      demoServiceThemes,
      demoLifeEvents,
      demoCertificateTypes,
      demoWorkflowDefinitions,
    ];
    const pairs = languagePairs(everything);
    expect(pairs.length).toBeGreaterThan(3000);
    for (const { path, zh, en } of pairs) {
      expect(zh, path).toMatch(HAN);
      expect(en.trim().length, path).toBeGreaterThan(0);
      expect(en, path).not.toMatch(CJK);
    }
  });
});

describe('the demo bundles', () => {
  it('has at least 5 bundles of existing services, each for a defined life event', () => {
    expect(demoBundles.length).toBeGreaterThanOrEqual(5);
    expect(new Set(demoBundles.map((b) => b.code)).size).toBe(demoBundles.length);
    for (const b of demoBundles) {
      expect(b.code).toMatch(KEBAB);
      expect(eventCodes, b.code).toContain(b.lifeEvent);
      expect(b.services.length, b.code).toBeGreaterThanOrEqual(2);
      expect(new Set(b.services).size, b.code).toBe(b.services.length);
      for (const code of b.services) expect(services.has(code), `${b.code}/${code}`).toBe(true);
    }
  });

  it('maps every shared field to real fields of member services, of the same type and options', () => {
    for (const b of demoBundles) {
      validatorOf(b.sharedForm);
      for (const [key, field] of Object.entries(b.sharedForm.properties)) {
        const mapsTo = field['x-maps-to'];
        expect(mapsTo && Object.keys(mapsTo).length, `${b.code}.${key}`).toBeTruthy();
        for (const [serviceCode, target] of Object.entries(mapsTo ?? {})) {
          expect(b.services, `${b.code}.${key}`).toContain(serviceCode);
          const targetField = services.get(serviceCode)?.form.properties[target];
          expect(targetField, `${b.code}.${key} → ${serviceCode}.${target}`).toBeDefined();
          expect(field.type, `${b.code}.${key} → ${serviceCode}.${target}`).toBe(targetField?.type);
          const options = (f?: FormField) =>
            (f?.oneOf ?? (f?.items as FormField | undefined)?.oneOf)?.map((o) => o.const);
          const targetOptions = options(targetField);
          if (targetOptions) {
            for (const option of options(field) ?? []) expect(targetOptions, `${b.code}.${key}`).toContain(option);
          }
        }
      }
      for (const [serviceCode, values] of Object.entries(b.presets ?? {})) {
        expect(b.services, b.code).toContain(serviceCode);
        for (const key of Object.keys(values)) {
          expect(
            services.get(serviceCode)?.form.properties[key],
            `${b.code}: preset ${serviceCode}.${key}`,
          ).toBeDefined();
        }
      }
    }
  });

  it('fills every member application from the shared form, presets and pre-fill alone', () => {
    for (const b of demoBundles) {
      const shared = sampleApplication(b.sharedForm);
      const validateShared = validatorOf(b.sharedForm);
      expect(validateShared(shared), `${b.code}: ${ajv.errorsText(validateShared.errors)}`).toBe(true);
      for (const code of b.services) {
        const member = services.get(code) as ServiceSpec;
        const validate = validatorOf(member.form);
        const application = memberApplication(b, member, shared);
        expect(validate(application), `${b.code}/${code}: ${ajv.errorsText(validate.errors)}`).toBe(true);
      }
    }
  });

  it('runs the service that issues a certificate before the members that need it', () => {
    for (const b of demoBundles) {
      b.services.forEach((code, i) => {
        for (const m of services.get(code)?.materials ?? []) {
          if (!m.heldBy || m.otherParty) continue;
          // A service may need the certificate it updates (the household register a newborn joins).
          const issuers = b.services.filter(
            (other) => other !== code && services.get(other)?.issues?.certificateType === m.heldBy,
          );
          for (const issuer of issuers) {
            expect(b.services.indexOf(issuer), `${b.code}: ${issuer} before ${code}`).toBeLessThan(i);
          }
        }
      });
    }
  });

  it('opens a restaurant with a business licence that the permit and the fire check then reuse', () => {
    const restaurant = demoBundles.find((b) => b.code === 'open-a-restaurant');
    expect(restaurant?.services).toEqual([
      'enterprise-establishment',
      'food-business-permit',
      'fire-safety-check-before-opening',
    ]);
    expect(services.get('enterprise-establishment')).toMatchObject({
      departmentCode: 'market-regulation',
      issues: { certificateType: 'business-licence' },
    });
    expect(services.get('food-business-permit')).toMatchObject({
      departmentCode: 'market-regulation',
      issues: { certificateType: 'food-business-permit' },
    });
    expect(services.get('fire-safety-check-before-opening')?.departmentCode).toBe('fire-rescue');
    for (const code of ['food-business-permit', 'fire-safety-check-before-opening']) {
      const licence = services.get(code)?.materials.find((m) => m.heldBy === 'business-licence');
      expect(licence, code).toMatchObject({ kind: 'certificate' });
      expect(licence?.optional, code).toBeUndefined();
    }
  });
});

describe('generateCatalog', () => {
  const big = generateCatalog(2500);

  it('gives 2,500 services with unique codes, the same every time', () => {
    expect(big).toHaveLength(2500);
    expect(new Set(big.map((s) => s.code)).size).toBe(2500);
    expect(generateCatalog(2500)).toEqual(big);
    expect(generateCatalog(2000)).toEqual(big.slice(0, 2000));
    expect(generateCatalog(2500, 'another seed').map((s) => s.code)).not.toEqual(big.map((s) => s.code));
    expect(generateCatalog(100)).toEqual(demoServices.slice(0, 100));
  });

  it('refuses counts it cannot make', () => {
    expect(() => generateCatalog(1_000_000)).toThrow(RangeError);
    expect(() => generateCatalog(-1)).toThrow(RangeError);
  });

  it('makes variants of services it contains, at real zones, that stay valid', () => {
    const codes = new Set(big.map((s) => s.code));
    const zones = new Set(
      demoData()
        .zones.filter((z) => z.cityId === 'lingnan')
        .map((z) => z.code),
    );
    const variants = big.filter((s) => s.variantOf);
    expect(variants.length).toBe(2500 - demoServices.length);
    expect(variants.some((s) => !s.zoneCode)).toBe(true);
    expect(variants.some((s) => s.zoneCode?.split('-').length === 2)).toBe(true);
    for (const s of variants) {
      expect(codes, s.code).toContain(s.variantOf);
      expect(s.code).toMatch(KEBAB);
      if (s.zoneCode) expect(zones, s.code).toContain(s.zoneCode);
      expect(s.promisedDays, s.code).toBeLessThanOrEqual(s.legalDays);
      for (const m of s.materials) if (m.heldBy) expect(certificateTypes.has(m.heldBy), s.code).toBe(true);
    }
    for (const s of variants.filter((v) => !v.zoneCode)) {
      const validate = validatorOf(s.form);
      expect(validate(sampleApplication(s.form)), `${s.code}: ${ajv.errorsText(validate.errors)}`).toBe(true);
    }
    const huge = generateCatalog(4000);
    const streets = huge.filter((s) => s.zoneCode?.split('-').length === 3);
    expect(streets.length).toBeGreaterThan(0);
    for (const s of streets) expect(zones, s.code).toContain(s.zoneCode);
    for (const { path, zh, en } of languagePairs(variants)) {
      expect(zh, path).toMatch(HAN);
      expect(en, path).not.toMatch(CJK);
    }
  });
});
