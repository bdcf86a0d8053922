/**
 * The platform workflow engine: definitions as versioned data, instances whose tasks run
 * through steps owned by departments and roles (stages in parallel: 会签), actions checked
 * against typed status tables and folded from an append-only log, time limits in working days
 * with pauses (补正), warnings and escalations on durable timers, and queues for staff. The
 * generic parts (action tables, the fold, the 409 naming allowed actions, timer chains) serve
 * other workflows too.
 */

export {
  type ChainPosition,
  chainDedupeKey,
  registerTimerChain,
  runChainStage,
  scheduleChainStage,
  startChain,
  type Timed,
  type TimerChain,
} from './chain.ts';
export {
  civilPauses,
  countingStart,
  type DeadlineStage,
  type Due,
  deadlineStages,
  dueOf,
  endOfCivilDay,
  remainingWorkingDays,
  startOfCivilDay,
} from './deadlines.ts';
export {
  contentHash,
  type DefinitionProblem,
  type Names,
  OTHER_DEPARTMENT_PREFIX,
  stagesOf,
  validateDefinition,
  type WorkflowDefinition,
  type WorkflowDefinitionInput,
  type WorkflowRole,
  WorkflowRoles,
  type WorkflowStep,
} from './definition.ts';
export {
  actOnInstance,
  actOnTask,
  type InstanceActionInput,
  type LoadedInstance,
  loadInstance,
  MAX_MATERIALS,
  MAX_MESSAGE,
  MAX_PAYLOAD_CHARS,
  MAX_REASON,
  type MaterialRequest,
  type Outcome,
  type StartedInstance,
  type StartWorkflowInput,
  startWorkflow,
  type TaskActionInput,
  WORKFLOW_EVENT_SOURCE,
  type WorkflowDeps,
  type WorkflowResult,
} from './engine.ts';
export { instanceTimerChain, registerWorkflowJobs, taskTimerChain } from './jobs.ts';
export { instanceStatusLabels, taskStatusLabels, workflowActionLabels, workflowActionList } from './labels.ts';
export {
  type ActionTable,
  type ApplyEntry,
  actionNotAllowed,
  allowedByTable,
  foldLog,
  joinLabels,
  type LocalText,
  type NotAllowed,
  tableAllows,
} from './machine.ts';
export {
  APPLICANT_ACTIONS,
  allowedInstanceActions,
  allowedTaskActions,
  deriveInstance,
  type InstanceActionName,
  type InstanceState,
  type InstanceStatus,
  InstanceStatuses,
  instanceTable,
  MAX_ESCALATION,
  STAFF_ACTIONS,
  type StaffAction,
  type TaskActionName,
  type TaskState,
  type TaskStatus,
  TaskStatuses,
  taskTable,
  type WorkflowActionName,
  WorkflowActionNames,
  type WorkflowParty,
} from './model.ts';
export {
  type Applicant,
  instanceParties,
  isApplicant,
  mayHandleTask,
  stepRolesOf,
  systemActor,
  taskParties,
  type WorkflowActor,
  type WorkflowCitizen,
  type WorkflowStaff,
} from './policy.ts';
export {
  getInstance,
  type InstanceDetail,
  listInstancesOfSubject,
  listTasks,
  listTasksForStaff,
  type TaskPage,
  type TaskQuery,
} from './queries.ts';
export {
  findDefinition,
  listDefinitions,
  listDefinitionVersions,
  type Published,
  publishDefinition,
} from './repository.ts';
export { type WorkflowDatabase, type WorkflowTables, workflowDb } from './schema.ts';
export { INSTANCE_TIMER_JOB, TASK_TIMER_JOB } from './timers.ts';
export type { InstanceView, TaskView, TimelineEntry } from './views.ts';
