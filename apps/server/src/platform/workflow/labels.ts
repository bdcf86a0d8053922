/** What workflow statuses and actions are called, in every language OneCity speaks. */
import { joinLabels, type LocalText } from './machine.ts';
import type { InstanceStatus, TaskStatus, WorkflowActionName } from './model.ts';

/** Instance statuses as applicants and staff read them. */
export const instanceStatusLabels: Record<InstanceStatus, LocalText> = {
  in_progress: { 'zh-CN': '办理中', en: 'in progress' },
  paused: { 'zh-CN': '待补正', en: 'waiting for more material' },
  approved: { 'zh-CN': '已办结（准予）', en: 'approved' },
  rejected: { 'zh-CN': '已办结（不予）', en: 'rejected' },
  withdrawn: { 'zh-CN': '已撤回', en: 'withdrawn' },
};

/** Task statuses as staff read them. */
export const taskStatusLabels: Record<TaskStatus, LocalText> = {
  open: { 'zh-CN': '待办理', en: 'open' },
  waiting: { 'zh-CN': '等待申请人补正', en: 'waiting for the applicant' },
  approved: { 'zh-CN': '已通过', en: 'approved' },
  rejected: { 'zh-CN': '不予通过', en: 'rejected' },
  cancelled: { 'zh-CN': '已取消', en: 'cancelled' },
};

/** Actions as shown on buttons and in timelines. */
export const workflowActionLabels: Record<WorkflowActionName, LocalText> = {
  start: { 'zh-CN': '提交申请', en: 'submitted' },
  open: { 'zh-CN': '进入环节', en: 'step opened' },
  approve: { 'zh-CN': '通过', en: 'approve' },
  reject: { 'zh-CN': '不予通过', en: 'reject' },
  request_material: { 'zh-CN': '一次性告知补正', en: 'request more material' },
  transfer: { 'zh-CN': '转办', en: 'transfer' },
  supplement: { 'zh-CN': '补正材料', en: 'supplement' },
  withdraw: { 'zh-CN': '撤回申请', en: 'withdraw' },
  warn: { 'zh-CN': '临期预警', en: 'deadline warning' },
  escalate: { 'zh-CN': '逾期升级', en: 'escalate' },
};

/** A list of actions in each language, e.g. for the 409 that names what is allowed. */
export function workflowActionList(actions: readonly WorkflowActionName[]): LocalText {
  return joinLabels(workflowActionLabels, actions);
}
