/** What work-order statuses and actions are called, in every language OneCity speaks. */
import type { Locale } from '../../config.ts';
import type { WorkOrderActionName, WorkOrderStatus } from './workflow.ts';

type Texts = Record<Locale, string>;

/** Status names as citizens and staff read them. */
export const statusLabels: Record<WorkOrderStatus, Texts> = {
  awaiting_dispatch: { 'zh-CN': '待分拨', en: 'awaiting dispatch' },
  dispatched: { 'zh-CN': '待受理', en: 'dispatched' },
  accepted: { 'zh-CN': '已受理', en: 'accepted' },
  assigned: { 'zh-CN': '已派遣', en: 'assigned' },
  in_progress: { 'zh-CN': '处置中', en: 'in progress' },
  resolved: { 'zh-CN': '已办结待确认', en: 'resolved' },
  closed: { 'zh-CN': '已结案', en: 'closed' },
  invalid: { 'zh-CN': '无效退回', en: 'returned as invalid' },
  merged: { 'zh-CN': '已合并', en: 'merged' },
};

/** Action names as shown on buttons and in timelines. */
export const actionLabels: Record<WorkOrderActionName, Texts> = {
  submit: { 'zh-CN': '上报', en: 'reported' },
  dispatch: { 'zh-CN': '分拨', en: 'dispatch' },
  accept: { 'zh-CN': '受理', en: 'accept' },
  assign: { 'zh-CN': '派遣', en: 'assign' },
  start: { 'zh-CN': '开始处置', en: 'start' },
  resolve: { 'zh-CN': '办结', en: 'resolve' },
  transfer: { 'zh-CN': '转办', en: 'transfer' },
  return_invalid: { 'zh-CN': '无效退回', en: 'return as invalid' },
  escalate: { 'zh-CN': '升级', en: 'escalate' },
  warn: { 'zh-CN': '超时预警', en: 'time-limit warning' },
  confirm: { 'zh-CN': '确认解决', en: 'confirm' },
  reopen: { 'zh-CN': '未解决，申请重办', en: 'not fixed' },
  close: { 'zh-CN': '自动结案', en: 'closed automatically' },
  rate: { 'zh-CN': '评价', en: 'rate' },
  merge: { 'zh-CN': '合并', en: 'merge' },
  link: { 'zh-CN': '关联重复上报', en: 'duplicate linked' },
  unlink: { 'zh-CN': '取消关联', en: 'duplicate unlinked' },
};

/** A list of actions in each language, e.g. for the 409 that names what is allowed. */
export function actionList(actions: readonly WorkOrderActionName[]): Texts {
  const join = (locale: Locale, sep: string, none: string) =>
    actions.length ? actions.map((a) => actionLabels[a][locale]).join(sep) : none;
  return { 'zh-CN': join('zh-CN', '、', '（无）'), en: join('en', ', ', '(nothing)') };
}
