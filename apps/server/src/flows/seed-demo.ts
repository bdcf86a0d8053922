/** Seeds the demo province and its cities. Idempotent: running it twice changes nothing. */
import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { demoCategoryGroups, demoDispatchRules, demoSensitiveCategories } from '../../../../demo/categories.ts';
import { demoCities } from '../../../../demo/cities.ts';
import { demoData } from '../../../../demo/index.ts';
import {
  demoBundles,
  demoCertificateTypes,
  demoLifeEvents,
  demoServices,
  demoServiceThemes,
} from '../../../../demo/services.ts';
import { insertCategories, type NewCategory, type RuleChange, seedDispatchRules } from '../modules/governance/index.ts';
import { importCatalog } from '../modules/government/index.ts';
import type { Database } from '../platform/db/schema.ts';
import { insertZones } from '../platform/geo/repository.ts';
import { insertDepartments } from '../platform/org/repository.ts';
import { insertTenants } from '../platform/tenancy/repository.ts';

/** What a seed run created (zero everywhere on a second run). */
export interface SeedSummary {
  tenants: number;
  departments: number;
  zones: number;
  /** Report category groups and categories. */
  categories: number;
  dispatchRules: number;
  /** Government services and one-go bundles created (changed ones count too). */
  services: number;
  bundles: number;
}

/** The namespace of OneCity's demo ids (a fixed random UUID). */
const DEMO_NAMESPACE = '3f0b6c52-8d1e-4a7b-9c2f-5e4d1a0b7c93';

/**
 * A name-based UUID (RFC 9562 version 5): the same demo record gets the same id in every
 * installation, so that seeding again finds it instead of adding a copy.
 */
function demoId(name: string): string {
  const namespace = Buffer.from(DEMO_NAMESPACE.replaceAll('-', ''), 'hex');
  const bytes = createHash('sha1').update(namespace).update(name, 'utf8').digest().subarray(0, 16);
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The demo report categories of one city: each group, then its categories, with stable ids. */
function demoCategories(cityId: string): NewCategory[] {
  const id = (code: string) => demoId(`report-category:${cityId}:${code}`);
  return demoCategoryGroups.flatMap((group, g) => [
    {
      id: id(group.code),
      cityId,
      code: group.code,
      parentId: null,
      nameZh: group.name.zh,
      nameEn: group.name.en,
      defaultDepartmentCode: null,
      priority: null,
      acceptWithinMinutes: null,
      resolveWithinMinutes: null,
      attributes: [],
      sortOrder: g,
    },
    ...group.categories.map((c, i) => ({
      id: id(c.code),
      cityId,
      code: c.code,
      parentId: id(group.code),
      nameZh: c.name.zh,
      nameEn: c.name.en,
      defaultDepartmentCode: c.departmentCode,
      priority: c.priority,
      acceptWithinMinutes: c.acceptWithinMinutes,
      resolveWithinMinutes: c.resolveWithinMinutes,
      attributes: c.attributes,
      sortOrder: i,
      sensitive: demoSensitiveCategories.has(c.code),
    })),
  ]);
}

/** Seeds the demo city into `db`, all in one transaction. */
export async function seedDemo(db: Kysely<Database>): Promise<SeedSummary> {
  const data = demoData();
  const zoneId = (cityId: string, code: string) => demoId(`zone:${cityId}:${code}`);
  const cityIds = data.tenants.filter((t) => t.kind === 'city').map((t) => t.id);
  return db.transaction().execute(async (trx) => {
    const tenants = await insertTenants(trx, data.tenants);
    const departments = await insertDepartments(
      trx,
      data.departments.map((d) => ({ ...d, id: demoId(`department:${d.cityId}:${d.code}`) })),
    );
    // Deriving boxes, centres and H3 cells is most of the work: skip the zones already there.
    const existing = new Set(
      (await trx.selectFrom('zones').select('id').where('city_id', 'in', cityIds).execute()).map((r) => r.id),
    );
    const zones = await insertZones(
      trx,
      data.zones
        .map((z) => ({
          id: zoneId(z.cityId, z.code),
          cityId: z.cityId,
          code: z.code,
          level: z.level,
          parentId: z.parentCode ? zoneId(z.cityId, z.parentCode) : null,
          nameZh: z.nameZh,
          nameEn: z.nameEn,
          geometry: z.geometry,
        }))
        .filter((z) => !existing.has(z.id)),
    );
    const categories = await insertCategories(trx, cityIds.flatMap(demoCategories));
    const zoneCodes = new Set(data.zones.map((z) => `${z.cityId}:${z.code}`));
    const rules: RuleChange[] = demoCities.flatMap((city) =>
      demoDispatchRules
        .map((rule) => ({ ...rule, zoneCode: `${city.codePrefix}-${rule.zoneSuffix}` }))
        .filter((rule) => zoneCodes.has(`${city.id}:${rule.zoneCode}`))
        .map((rule) => ({
          id: demoId(`dispatch-rule:${city.id}:${rule.categoryCode}:${rule.zoneCode}:1`),
          cityId: city.id,
          categoryCode: rule.categoryCode,
          zoneId: zoneId(city.id, rule.zoneCode),
          departmentCode: rule.departmentCode,
          reason: rule.reason,
          createdBy: null,
        })),
    );
    const dispatchRules = await seedDispatchRules(trx, rules);
    let services = 0;
    let bundles = 0;
    for (const cityId of cityIds) {
      const imported = await importCatalog(
        trx,
        cityId,
        {
          themes: demoServiceThemes,
          lifeEvents: demoLifeEvents,
          certificateTypes: demoCertificateTypes,
          services: demoServices,
          bundles: demoBundles,
        },
        { note: 'Demo catalog', createdBy: null, now: new Date() },
      );
      services += imported.services.created + imported.services.changed;
      bundles += imported.bundles.created + imported.bundles.changed;
    }
    return { tenants, departments, zones, categories, dispatchRules, services, bundles };
  });
}
