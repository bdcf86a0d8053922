/** Row types of the workflow engine's tables (platform/db/migrations/0010_workflow.sql). */
import type { ColumnType, Kysely } from 'kysely';
import type { Database, DefaultTimestamp, Json } from '../db/schema.ts';
import type { WorkflowRole, WorkflowStep } from './definition.ts';
import type { InstanceStatus, TaskStatus } from './model.ts';

/** A column with a database default: optional on insert. */
type Defaulted<T> = ColumnType<T, T | undefined, T>;

/** A pause as stored: ISO instants. */
export interface StoredPause {
  from: string;
  to: string | null;
}

export interface WorkflowDefinitionsTable {
  id: string;
  city_id: string;
  code: string;
  version: number;
  name_zh: string;
  name_en: string;
  steps: Json<WorkflowStep[]>;
  content_hash: string;
  created_by: string | null;
  created_at: DefaultTimestamp;
}

export interface WorkflowInstancesTable {
  id: string;
  city_id: string;
  definition_id: string;
  definition_code: string;
  definition_version: number;
  subject_type: string;
  subject_id: string;
  applicant_kind: 'citizen' | 'enterprise';
  applicant_id: string;
  departments: Json<Record<string, string>>;
  promised_days: number | null;
  legal_days: number | null;
  started_on: string;
  status: InstanceStatus;
  stage: number;
  stage_count: number;
  clock_epoch: number;
  pauses: Json<StoredPause[]>;
  escalation_level: Defaulted<number>;
  warned: Defaulted<boolean>;
  transfer_count: Defaulted<number>;
  promised_due_on: string | null;
  promised_due_at: Date | null;
  legal_due_on: string | null;
  legal_due_at: Date | null;
  completed_at: Date | null;
  last_seq: number;
  created_at: Date;
  updated_at: Date;
}

export interface WorkflowTasksTable {
  id: string;
  city_id: string;
  instance_id: string;
  step_index: number;
  step_code: string;
  step_name_zh: string;
  step_name_en: string;
  stage: number;
  role: WorkflowRole;
  parallel_group: string | null;
  limit_days: number | null;
  department_id: string;
  status: TaskStatus;
  opened_at: Date;
  opened_on: string;
  due_on: string | null;
  due_at: Date | null;
  escalation_level: Defaulted<number>;
  warned: Defaulted<boolean>;
  transfer_count: Defaulted<number>;
  completed_at: Date | null;
  completed_by: string | null;
  updated_at: Date;
}

export interface WorkflowActionsTable {
  id: string;
  city_id: string;
  instance_id: string;
  seq: number;
  task_id: string | null;
  action: string;
  actor_kind: 'staff' | 'citizen' | 'system';
  actor_id: string | null;
  department_id: string | null;
  step_index: number | null;
  level: number | null;
  reason: string | null;
  message: string | null;
  details: Json<unknown> | null;
  created_at: Date;
}

/** The tables the workflow engine owns. */
export type WorkflowTables = {
  workflow_definitions: WorkflowDefinitionsTable;
  workflow_instances: WorkflowInstancesTable;
  workflow_tasks: WorkflowTasksTable;
  workflow_actions: WorkflowActionsTable;
};

/** The platform's database seen with the workflow tables too. */
export type WorkflowDatabase = Database & WorkflowTables;

/** `db` with the workflow tables in its type. */
export function workflowDb(db: Kysely<Database>): Kysely<WorkflowDatabase> {
  return db.withTables<WorkflowTables>();
}
