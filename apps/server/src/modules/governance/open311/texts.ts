/**
 * What the Open311 endpoint says in words that are not errors (errors live in the platform's
 * catalog): the discovery document's contact and key-service notes, service descriptions and
 * notices built from a category's time limits, and the names of yes/no answers.
 */
import type { Locale } from '../../../config.ts';

type Texts = Record<Locale, string>;

/** Fills `{name}` placeholders of `text` from `params`. */
function fill(text: string, params: Record<string, string>): string {
  return text.replace(/\{(\w+)\}/g, (m, name: string) => params[name] ?? m);
}

/** Fixed sentences of the discovery document and the service lists. */
export const open311Texts = {
  contact: {
    'zh-CN': '关于本接口的问题，请联系所在城市的 OneCity 平台管理员（政务服务和数据管理部门）。',
    en: "For questions about this API, contact the city's OneCity platform administrators (the government services and data department).",
  },
  keyService: {
    'zh-CN':
      'API 密钥由城市的平台管理员签发（管理后台“API 密钥”或命令 onecity api-key create），须带有权限 open311:write；每个密钥只属于一个城市（jurisdiction_id）。',
    en: "API keys are issued by a city's platform administrators (admin console → API keys, or `onecity api-key create`) with the scope open311:write; each key belongs to one city (jurisdiction_id).",
  },
  serviceDescription: {
    'zh-CN': '{name}：{accept}内受理，{resolve}内办结。',
    en: '{name}: accepted within {accept}, resolved within {resolve}.',
  },
  noticeDepartment: {
    'zh-CN': '已交{department}处理，{accept}内受理，{resolve}内办结。',
    en: 'Sent to {department}: accepted within {accept}, resolved within {resolve}.',
  },
  noticeManual: {
    'zh-CN': '正在由城市运行管理中心人工分拨，{accept}内受理，{resolve}内办结。',
    en: "The city's operations centre is assigning it by hand: accepted within {accept}, resolved within {resolve}.",
  },
  noticeDuplicate: {
    'zh-CN': '同一问题已有人上报（{original}），将一并处理。',
    en: 'The same problem was already reported ({original}); both are handled together.',
  },
  numberDescription: { 'zh-CN': '一个数字', en: 'A number' },
  stringDescription: { 'zh-CN': '文字，最多 500 个字符', en: 'Text of at most 500 characters' },
  yes: { 'zh-CN': '是', en: 'Yes' },
  no: { 'zh-CN': '否', en: 'No' },
} as const satisfies Record<string, Texts>;

/** `key` of {@link open311Texts} in `locale`, with placeholders filled. */
export function text(key: keyof typeof open311Texts, locale: Locale, params: Record<string, string> = {}): string {
  return fill(open311Texts[key][locale], params);
}

const UNITS: { minutes: number; one: Texts; many: Texts }[] = [
  { minutes: 24 * 60, one: { 'zh-CN': '{n} 天', en: '{n} day' }, many: { 'zh-CN': '{n} 天', en: '{n} days' } },
  { minutes: 60, one: { 'zh-CN': '{n} 小时', en: '{n} hour' }, many: { 'zh-CN': '{n} 小时', en: '{n} hours' } },
  { minutes: 1, one: { 'zh-CN': '{n} 分钟', en: '{n} minute' }, many: { 'zh-CN': '{n} 分钟', en: '{n} minutes' } },
];

/** A time limit in the largest whole unit, e.g. 2 days, 4 hours, 30 minutes. */
export function duration(minutes: number, locale: Locale): string {
  const unit = UNITS.find((u) => minutes % u.minutes === 0 && minutes >= u.minutes) ?? UNITS[UNITS.length - 1];
  if (!unit) return String(minutes);
  const n = Math.round(minutes / unit.minutes);
  return fill((n === 1 ? unit.one : unit.many)[locale], { n: String(n) });
}
