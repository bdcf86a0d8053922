import { describe, expect, it } from 'vitest';
import { decideDispatch } from './dispatch.ts';

const departments = new Map([
  ['urban-management', 'd-um'],
  ['water', 'd-water'],
  ['transport', 'd-transport'],
  ['housing-construction', 'd-housing'],
]);
const zones = { district: 'z-d', street: 'z-s', grid: 'z-g' };
const rules = [
  { id: 'r-d', zoneId: 'z-d', departmentCode: 'water' },
  { id: 'r-s', zoneId: 'z-s', departmentCode: 'housing-construction' },
  { id: 'r-g', zoneId: 'z-g', departmentCode: 'transport' },
];

describe('decideDispatch', () => {
  it('lets the most specific zone with a rule win: grid, then street, then district, then the default', () => {
    expect(decideDispatch(zones, rules, 'urban-management', departments)).toEqual({
      manual: false,
      departmentId: 'd-transport',
      departmentCode: 'transport',
      ruleId: 'r-g',
      source: 'grid',
    });
    expect(decideDispatch(zones, rules.slice(0, 2), 'urban-management', departments)).toMatchObject({
      departmentCode: 'housing-construction',
      ruleId: 'r-s',
      source: 'street',
    });
    expect(decideDispatch(zones, rules.slice(0, 1), 'urban-management', departments)).toMatchObject({
      departmentCode: 'water',
      ruleId: 'r-d',
      source: 'district',
    });
    expect(decideDispatch(zones, [], 'urban-management', departments)).toEqual({
      manual: false,
      departmentId: 'd-um',
      departmentCode: 'urban-management',
      ruleId: null,
      source: 'default',
    });
  });

  it('ignores rules of zones the point is not in', () => {
    const elsewhere = [{ id: 'r-x', zoneId: 'z-other', departmentCode: 'water' }];
    expect(decideDispatch(zones, elsewhere, 'urban-management', departments)).toMatchObject({ source: 'default' });
    expect(decideDispatch({ ...zones, grid: null }, rules, 'urban-management', departments)).toMatchObject({
      source: 'street',
    });
  });

  it('leaves a report for manual dispatch when nothing resolves to one known department', () => {
    expect(decideDispatch(zones, rules, null, departments)).toEqual({
      manual: true,
      reason: 'unknown_category',
      departmentCode: null,
    });
    expect(decideDispatch({ district: null, street: null, grid: null }, [], 'water', departments)).toMatchObject({
      manual: true,
      reason: 'outside_city',
    });
    const stale = [{ id: 'r-g', zoneId: 'z-g', departmentCode: 'abolished-bureau' }];
    expect(decideDispatch(zones, stale, 'water', departments)).toEqual({
      manual: true,
      reason: 'unknown_department',
      departmentCode: 'abolished-bureau',
    });
    expect(decideDispatch(zones, [], 'abolished-bureau', departments)).toMatchObject({ manual: true });
  });
});
