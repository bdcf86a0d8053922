/** City governance: categories, dispatch, reports and work orders, Open311. The only import surface of the module. */
export {
  type CurrentRule,
  type DispatchDecision,
  decideDispatch,
  type ManualReason,
  type ZoneIds,
} from './dispatch.ts';
export { type ReportInput, type SubmittedReport, submitReport } from './intake.ts';
export { scheduleDigest } from './jobs.ts';
export { governanceRoutes } from './module.ts';
export { open311Routes } from './open311/routes.ts';
export {
  type Category,
  type CategoryGroup,
  type DispatchRule,
  findCategory,
  insertCategories,
  listCategoryTree,
  listDispatchRules,
  type NewCategory,
  type RuleChange,
  resolveDepartment,
  seedDispatchRules,
} from './repository.ts';
export type { CategoryAttribute, Priority } from './schema.ts';
