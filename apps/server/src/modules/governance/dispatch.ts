/**
 * Dispatch: which department handles a report of a category at a place. The most specific
 * zone with a rule wins (grid over street over district); without a rule, the category's
 * default department. Anything that does not end in exactly one known department is left
 * for a person to dispatch by hand.
 */

/** The zones a point lies in (ids; null where it lies in none of that level). */
export interface ZoneIds {
  district: string | null;
  street: string | null;
  grid: string | null;
}

/** A dispatch rule in force (the latest version for its category and zone). */
export interface CurrentRule {
  id: string;
  zoneId: string;
  departmentCode: string;
}

/** Why a report needs manual dispatch. */
export type ManualReason = 'unknown_category' | 'outside_city' | 'unknown_department';

/** Where a report goes, and why. */
export type DispatchDecision =
  | {
      manual: false;
      departmentId: string;
      departmentCode: string;
      ruleId: string | null;
      source: 'grid' | 'street' | 'district' | 'default';
    }
  | { manual: true; reason: ManualReason; departmentCode: string | null };

/**
 * Decides the department. `rules` are the current rules of the category (any zones);
 * `departments` maps the city's department codes to ids; `defaultDepartmentCode` is null when
 * the category is unknown or disabled.
 */
export function decideDispatch(
  zones: ZoneIds,
  rules: readonly CurrentRule[],
  defaultDepartmentCode: string | null,
  departments: ReadonlyMap<string, string>,
): DispatchDecision {
  if (defaultDepartmentCode === null) return { manual: true, reason: 'unknown_category', departmentCode: null };
  if (!zones.district && !zones.street && !zones.grid) {
    return { manual: true, reason: 'outside_city', departmentCode: null };
  }
  let chosen: { code: string; ruleId: string | null; source: 'grid' | 'street' | 'district' | 'default' } = {
    code: defaultDepartmentCode,
    ruleId: null,
    source: 'default',
  };
  for (const level of ['grid', 'street', 'district'] as const) {
    const zoneId = zones[level];
    const rule = zoneId ? rules.find((r) => r.zoneId === zoneId) : undefined;
    if (rule) {
      chosen = { code: rule.departmentCode, ruleId: rule.id, source: level };
      break;
    }
  }
  const departmentId = departments.get(chosen.code);
  // A rule naming a department the city no longer has must not quietly route elsewhere.
  if (!departmentId) return { manual: true, reason: 'unknown_department', departmentCode: chosen.code };
  return { manual: false, departmentId, departmentCode: chosen.code, ruleId: chosen.ruleId, source: chosen.source };
}
