/**
 * Report categories of a demo city: the groups and categories a city's 12345 hotline and
 * "随手拍" app actually use, each with the department that handles it unless a dispatch rule
 * says otherwise, its priority and time limits, and the extra questions asked when reporting.
 */
import type { Names } from './cities.ts';

/** How urgent a report of a category is. */
export type Priority = 'low' | 'normal' | 'high' | 'urgent';

/** An extra question asked when reporting a category. */
export interface CategoryAttribute {
  code: string;
  type: 'boolean' | 'number' | 'string';
  label_zh: string;
  label_en: string;
  required: boolean;
}

/** A category citizens pick (the second level). */
export interface CategorySpec {
  code: string;
  name: Names;
  departmentCode: string;
  priority: Priority;
  acceptWithinMinutes: number;
  resolveWithinMinutes: number;
  attributes: CategoryAttribute[];
}

/** A group of categories (the first level). */
export interface CategoryGroupSpec {
  code: string;
  name: Names;
  categories: CategorySpec[];
}

/** A dispatch rule of the demo: in `zoneCode`, `categoryCode` goes to `departmentCode`. */
export interface DispatchRuleSpec {
  categoryCode: string;
  /** Zone code without the city prefix, e.g. `01` (district), `01-02` (street), `01-02-01` (grid). */
  zoneSuffix: string;
  departmentCode: string;
  reason: string;
}

const HOUR = 60;
const DAY = 24 * HOUR;

const attr = (code: string, type: CategoryAttribute['type'], zh: string, en: string, required = false) => ({
  code,
  type,
  label_zh: zh,
  label_en: en,
  required,
});

const anyoneHurt = attr('anyone_hurt', 'boolean', '是否有人受伤？', 'Is anyone hurt?', true);
const blocksTraffic = attr('blocks_traffic', 'boolean', '是否影响通行？', 'Does it block traffic?');

const c = (
  code: string,
  zh: string,
  en: string,
  departmentCode: string,
  priority: Priority,
  acceptWithinMinutes: number,
  resolveWithinMinutes: number,
  attributes: CategoryAttribute[] = [],
): CategorySpec => ({
  code,
  name: { zh, en },
  departmentCode,
  priority,
  acceptWithinMinutes,
  resolveWithinMinutes,
  attributes,
});

/** The groups and categories every demo city has. */
export const demoCategoryGroups: CategoryGroupSpec[] = [
  {
    code: 'municipal-facilities',
    name: { zh: '市政设施', en: 'Municipal facilities' },
    categories: [
      c('manhole-cover-missing', '井盖缺失', 'Missing manhole cover', 'urban-management', 'urgent', 30, 60, [
        anyoneHurt,
        blocksTraffic,
      ]),
      c('manhole-cover-damaged', '井盖破损', 'Damaged manhole cover', 'urban-management', 'high', 60, 8 * HOUR, [
        blocksTraffic,
      ]),
      c('streetlight-out', '路灯不亮', 'Streetlight out', 'urban-management', 'normal', 4 * HOUR, 2 * DAY, [
        attr('lamp_count', 'number', '不亮的灯数', 'Number of lamps out'),
      ]),
      c('road-damaged', '道路破损', 'Damaged road surface', 'urban-management', 'high', 2 * HOUR, 3 * DAY, [
        blocksTraffic,
      ]),
      c('sidewalk-damaged', '人行道破损', 'Damaged sidewalk', 'urban-management', 'normal', 4 * HOUR, 5 * DAY),
      c('guardrail-damaged', '护栏损坏', 'Damaged guardrail', 'urban-management', 'normal', 4 * HOUR, 3 * DAY),
      c('bus-shelter-damaged', '公交候车亭损坏', 'Damaged bus shelter', 'transport', 'low', DAY, 7 * DAY),
      c(
        'public-toilet-fault',
        '公厕设施故障',
        'Public toilet out of order',
        'urban-management',
        'normal',
        4 * HOUR,
        2 * DAY,
      ),
    ],
  },
  {
    code: 'water-drainage',
    name: { zh: '供排水', en: 'Water and drainage' },
    categories: [
      c('waterlogging', '积水内涝', 'Waterlogging', 'water', 'high', HOUR, 6 * HOUR, [
        attr('depth_cm', 'number', '积水深度（厘米）', 'Water depth (cm)'),
        blocksTraffic,
      ]),
      c('water-main-burst', '供水管道爆裂', 'Burst water main', 'water', 'urgent', 30, 4 * HOUR),
      c('sewage-overflow', '污水外溢', 'Sewage overflow', 'water', 'high', HOUR, DAY),
      c('drain-blocked', '雨水口堵塞', 'Blocked storm drain', 'water', 'normal', 4 * HOUR, 2 * DAY),
      c('water-outage', '停水', 'No water supply', 'water', 'high', HOUR, 12 * HOUR),
      c('river-polluted', '河涌污染', 'Polluted river or canal', 'ecology-environment', 'normal', 4 * HOUR, 5 * DAY),
    ],
  },
  {
    code: 'sanitation',
    name: { zh: '环境卫生', en: 'Sanitation' },
    categories: [
      c('garbage-piled', '垃圾堆放', 'Piled-up garbage', 'urban-management', 'normal', 2 * HOUR, DAY),
      c('bin-overflowing', '垃圾桶满溢', 'Overflowing bin', 'urban-management', 'normal', 2 * HOUR, 12 * HOUR),
      c('street-not-cleaned', '道路保洁不到位', 'Street not cleaned', 'urban-management', 'low', 4 * HOUR, DAY),
      c(
        'construction-waste-dumped',
        '建筑垃圾乱倒',
        'Dumped construction waste',
        'urban-management',
        'high',
        2 * HOUR,
        2 * DAY,
      ),
      c('dead-animal', '动物尸体', 'Dead animal', 'urban-management', 'normal', 2 * HOUR, 12 * HOUR),
      c('waste-sorting-violation', '垃圾分类不规范', 'Waste not sorted', 'urban-management', 'low', DAY, 5 * DAY),
    ],
  },
  {
    code: 'traffic-order',
    name: { zh: '交通秩序', en: 'Traffic order' },
    categories: [
      c('illegal-parking', '违章停车', 'Illegal parking', 'public-security', 'normal', HOUR, 4 * HOUR, [
        attr('plate_number', 'string', '车牌号', 'Licence plate'),
      ]),
      c('abandoned-vehicle', '僵尸车', 'Abandoned vehicle', 'public-security', 'low', DAY, 15 * DAY),
      c('shared-bikes-cluttered', '共享单车乱停放', 'Cluttered shared bikes', 'transport', 'low', 4 * HOUR, DAY),
      c('traffic-signal-fault', '交通信号灯故障', 'Traffic signal fault', 'public-security', 'urgent', 30, 4 * HOUR),
      c('road-sign-damaged', '交通标志损坏', 'Damaged road sign', 'transport', 'normal', 4 * HOUR, 5 * DAY),
      c('road-works-unpermitted', '占道施工', 'Unpermitted road works', 'transport', 'normal', 2 * HOUR, 2 * DAY),
    ],
  },
  {
    code: 'city-appearance',
    name: { zh: '市容秩序', en: 'City appearance' },
    categories: [
      c('street-vending', '占道经营', 'Street vending on the pavement', 'urban-management', 'normal', 2 * HOUR, DAY),
      c('shop-spillover', '店外经营', 'Shop trading outside its door', 'urban-management', 'low', 4 * HOUR, 2 * DAY),
      c('illegal-flyposting', '乱张贴小广告', 'Fly-posting', 'urban-management', 'low', DAY, 3 * DAY),
      c('billboard-unsafe', '户外广告牌安全隐患', 'Unsafe billboard', 'urban-management', 'high', HOUR, DAY),
      c('illegal-construction', '违法建设', 'Unauthorised construction', 'urban-management', 'normal', DAY, 30 * DAY),
      c('graffiti', '乱涂乱画', 'Graffiti', 'urban-management', 'low', DAY, 7 * DAY),
    ],
  },
  {
    code: 'environment',
    name: { zh: '生态环境', en: 'Environment' },
    categories: [
      c('noise-nuisance', '噪音扰民', 'Noise nuisance', 'ecology-environment', 'normal', HOUR, DAY, [
        attr('at_night', 'boolean', '是否在夜间（22时至次日6时）？', 'At night (22:00–06:00)?'),
      ]),
      c(
        'construction-noise-night',
        '夜间施工噪音',
        'Construction noise at night',
        'ecology-environment',
        'high',
        HOUR,
        6 * HOUR,
      ),
      c('cooking-fumes', '油烟扰民', 'Cooking fumes', 'ecology-environment', 'normal', 4 * HOUR, 3 * DAY),
      c('dust-pollution', '扬尘污染', 'Dust pollution', 'ecology-environment', 'normal', 4 * HOUR, 2 * DAY),
      c('open-burning', '露天焚烧', 'Open burning', 'ecology-environment', 'high', HOUR, 4 * HOUR),
    ],
  },
  {
    code: 'greenery',
    name: { zh: '园林绿化', en: 'Trees and green space' },
    categories: [
      c('tree-fallen', '树木倒伏', 'Fallen tree', 'forestry-parks', 'urgent', 30, 4 * HOUR, [
        anyoneHurt,
        blocksTraffic,
      ]),
      c('branches-obstructing', '树枝遮挡', 'Branches in the way', 'forestry-parks', 'low', DAY, 7 * DAY),
      c('green-space-damaged', '绿地损毁', 'Damaged green space', 'forestry-parks', 'low', DAY, 7 * DAY),
      c(
        'park-facility-damaged',
        '公园设施损坏',
        'Damaged park facility',
        'forestry-parks',
        'normal',
        4 * HOUR,
        3 * DAY,
      ),
    ],
  },
  {
    code: 'public-safety',
    name: { zh: '公共安全', en: 'Public safety' },
    categories: [
      c('fire-lane-blocked', '消防通道堵塞', 'Blocked fire lane', 'fire-rescue', 'high', HOUR, 4 * HOUR),
      c('gas-smell', '燃气泄漏气味', 'Smell of gas', 'emergency-management', 'urgent', 15, 2 * HOUR, [anyoneHurt]),
      c('road-collapse', '路面塌陷', 'Road collapse', 'emergency-management', 'urgent', 15, 4 * HOUR, [anyoneHurt]),
      c('unsafe-building', '房屋安全隐患', 'Unsafe building', 'housing-construction', 'high', 2 * HOUR, 3 * DAY),
    ],
  },
  {
    code: 'market-order',
    name: { zh: '市场秩序', en: 'Market order' },
    categories: [
      c('food-safety', '食品安全', 'Food safety', 'market-regulation', 'high', 2 * HOUR, 3 * DAY),
      c('unlicensed-business', '无证经营', 'Unlicensed business', 'market-regulation', 'normal', DAY, 7 * DAY),
      c('price-gouging', '价格欺诈', 'Price gouging', 'market-regulation', 'normal', DAY, 7 * DAY),
    ],
  },
];

/** Rules that send a category elsewhere than its default in part of a city (zone codes without the city prefix). */
export const demoDispatchRules: DispatchRuleSpec[] = [
  {
    categoryCode: 'manhole-cover-missing',
    zoneSuffix: '01',
    departmentCode: 'water',
    reason: 'In the old town the drainage network and its covers are maintained by the water bureau',
  },
  {
    categoryCode: 'manhole-cover-missing',
    zoneSuffix: '01-01',
    departmentCode: 'housing-construction',
    reason: 'The redevelopment zone of this street is still under the construction bureau',
  },
  {
    categoryCode: 'manhole-cover-missing',
    zoneSuffix: '01-01-01',
    departmentCode: 'transport',
    reason: 'This grid is the transport hub, whose covers the transport bureau maintains',
  },
  {
    categoryCode: 'noise-nuisance',
    zoneSuffix: '02',
    departmentCode: 'public-security',
    reason: 'Entertainment district: noise complaints go to the police',
  },
];

/**
 * Categories whose reports usually point at one household or one business (a noisy neighbour,
 * an extension on a roof, a restaurant's fumes): the public map shows them only coarsely.
 */
export const demoSensitiveCategories: ReadonlySet<string> = new Set([
  'noise-nuisance',
  'illegal-construction',
  'cooking-fumes',
  'unsafe-building',
  'food-safety',
  'unlicensed-business',
  'price-gouging',
  'illegal-parking',
]);
