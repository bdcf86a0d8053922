/** City governance: report categories and dispatch rules. The only import surface of the module. */
export {
  type CurrentRule,
  type DispatchDecision,
  decideDispatch,
  type ManualReason,
  type ZoneIds,
} from './dispatch.ts';
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
export { governanceRoutes } from './routes.ts';
export type { CategoryAttribute, Priority } from './schema.ts';
