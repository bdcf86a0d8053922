/**
 * The departments of a demo city: the bureaus a Chinese city government actually has, with
 * their usual short names and the national service hotlines citizens know them by.
 */
import type { Names } from './cities.ts';

/** A department as every city has it; the city's name is added when the city is built. */
export interface DepartmentSpec {
  code: string;
  /** Full name without the city, e.g. 水务局; `{city}` marks where the city's name goes when it is not in front. */
  name: Names;
  short: Names;
  hotline: string | null;
}

const d = (code: string, zh: string, en: string, shortZh: string, shortEn: string, hotline: string | null = null) => ({
  code,
  name: { zh, en },
  short: { zh: shortZh, en: shortEn },
  hotline,
});

/** The departments every demo city has. */
export const demoDepartments: DepartmentSpec[] = [
  d(
    'gov-services-data',
    '政务服务和数据管理局',
    'Government Services and Data Administration',
    '政数局',
    'Gov Services & Data',
    '12345',
  ),
  d(
    'urban-management',
    '城市管理和综合执法局',
    'Urban Management and Comprehensive Law Enforcement Bureau',
    '城管局',
    'Urban Management',
    '12319',
  ),
  d('water', '水务局', 'Water Affairs Bureau', '水务局', 'Water Affairs'),
  d('transport', '交通运输局', 'Transport Bureau', '交通局', 'Transport', '12328'),
  d('ecology-environment', '生态环境局', 'Ecology and Environment Bureau', '生态环境局', 'Environment', '12369'),
  d(
    'market-regulation',
    '市场监督管理局',
    'Administration for Market Regulation',
    '市场监管局',
    'Market Regulation',
    '12315',
  ),
  d('public-security', '公安局', 'Public Security Bureau', '公安局', 'Police', '110'),
  d('health', '卫生健康委员会', 'Health Commission', '卫健委', 'Health', '12320'),
  d('education', '教育局', 'Education Bureau', '教育局', 'Education'),
  d(
    'human-resources',
    '人力资源和社会保障局',
    'Human Resources and Social Security Bureau',
    '人社局',
    'HR & Social Security',
    '12333',
  ),
  d('civil-affairs', '民政局', 'Civil Affairs Bureau', '民政局', 'Civil Affairs'),
  d(
    'housing-construction',
    '住房和城乡建设局',
    'Housing and Urban-Rural Development Bureau',
    '住建局',
    'Housing & Construction',
  ),
  d(
    'planning-resources',
    '规划和自然资源局',
    'Planning and Natural Resources Bureau',
    '规划资源局',
    'Planning & Resources',
    '12336',
  ),
  d(
    'healthcare-security',
    '医疗保障局',
    'Healthcare Security Administration',
    '医保局',
    'Healthcare Security',
    '12393',
  ),
  d(
    'housing-fund',
    '住房公积金管理中心',
    'Housing Provident Fund Management Centre',
    '公积金中心',
    'Housing Fund',
    '12329',
  ),
  d('emergency-management', '应急管理局', 'Emergency Management Bureau', '应急管理局', 'Emergency Management', '12350'),
  d('fire-rescue', '消防救援支队', 'Fire and Rescue Detachment', '消防救援支队', 'Fire & Rescue', '119'),
  d('taxation', '国家税务总局{city}税务局', 'Taxation Bureau', '税务局', 'Taxation', '12366'),
  d(
    'culture-tourism-sports',
    '文化广电旅游体育局',
    'Culture, Radio, Television, Tourism and Sports Bureau',
    '文广旅体局',
    'Culture & Tourism',
    '12318',
  ),
  d('agriculture', '农业农村局', 'Agriculture and Rural Affairs Bureau', '农业农村局', 'Agriculture', '12316'),
  d('commerce', '商务局', 'Commerce Bureau', '商务局', 'Commerce'),
  d('forestry-parks', '林业和园林局', 'Forestry and Landscaping Bureau', '林业园林局', 'Parks & Forestry'),
];

/** A department's full names in `city` (`岭南市水务局`, `Lingnan Water Affairs Bureau`). */
export function departmentNames(spec: DepartmentSpec, city: Names): Names {
  const cityZh = city.zh;
  const cityEn = city.en.replace(/ City$/, '');
  return {
    zh: spec.name.zh.includes('{city}') ? spec.name.zh.replace('{city}', cityZh) : `${cityZh}${spec.name.zh}`,
    en: `${cityEn} ${spec.name.en}`,
  };
}
