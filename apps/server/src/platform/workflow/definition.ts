/**
 * Workflow definitions as data: ordered steps, each owned by a department (named by a key the
 * instance resolves when it starts) and a role, optionally run in parallel with its neighbours
 * (会签) and optionally limited in working days. A definition's identity is its content: the
 * hash of its canonical JSON decides whether publishing makes a new version.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../json/canonical.ts';

/** Who acts on a step: a window clerk (受理、审查) or a supervisor (审核决定). */
export const WorkflowRoles = ['clerk', 'supervisor'] as const;
/** One of {@link WorkflowRoles}. */
export type WorkflowRole = (typeof WorkflowRoles)[number];

/** A name in Chinese and English. */
export interface Names {
  zh: string;
  en: string;
}

/**
 * One step. `department` is a key resolved when an instance starts: a key the caller maps to a
 * department id (e.g. `service` → the service's department), or `other:<code>` → the city's
 * department with that code. Consecutive steps with the same `parallelGroup` form one stage
 * whose tasks run at the same time; the stage ends when every one of them approved.
 */
export interface WorkflowStep {
  code: string;
  name: Names;
  department: string;
  role: WorkflowRole;
  parallelGroup?: string | null;
  /** The step's own time limit in working days (受理次日起算); none when absent. */
  limitDays?: number | null;
}

/** What an author publishes. */
export interface WorkflowDefinitionInput {
  code: string;
  name: Names;
  steps: WorkflowStep[];
}

/** A published version of a definition (immutable: instances keep the version they started on). */
export interface WorkflowDefinition extends WorkflowDefinitionInput {
  id: string;
  cityId: string;
  version: number;
  contentHash: string;
  createdBy: string | null;
  createdAt: Date;
}

/** One problem with a definition: where (a path like `steps.2.role`) and what. */
export interface DefinitionProblem {
  field: string;
  message: string;
}

/** Department keys that need no mapping: `other:<department code>`. */
export const OTHER_DEPARTMENT_PREFIX = 'other:';

const CODE = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,119}$/;
const MAX_STEPS = 60;
/** Ten years of working days: anything longer is a typo. */
const MAX_LIMIT_DAYS = 2500;

/** The steps as the engine stores them: optional members made explicit, nothing else kept. */
export function normalizeSteps(steps: readonly WorkflowStep[]): WorkflowStep[] {
  return steps.map((s) => ({
    code: s.code,
    name: { zh: s.name.zh, en: s.name.en },
    department: s.department,
    role: s.role,
    parallelGroup: s.parallelGroup ?? null,
    limitDays: s.limitDays ?? null,
  }));
}

/** Everything wrong with a definition (empty when it can be published). */
export function validateDefinition(input: WorkflowDefinitionInput): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  const add = (field: string, message: string) => problems.push({ field, message });
  if (typeof input.code !== 'string' || !CODE.test(input.code)) {
    add('code', 'a code is 1–120 letters, digits, or . _ : -, starting with a letter or digit');
  }
  checkNames(input.name, 'name', add);
  if (!Array.isArray(input.steps) || input.steps.length === 0) {
    add('steps', 'a workflow has at least one step');
    return problems;
  }
  if (input.steps.length > MAX_STEPS) add('steps', `a workflow has at most ${MAX_STEPS} steps`);
  const codes = new Set<string>();
  const closedGroups = new Set<string>();
  let previousGroup: string | null = null;
  input.steps.forEach((step, i) => {
    const at = `steps.${i}`;
    if (typeof step.code !== 'string' || !CODE.test(step.code)) {
      add(`${at}.code`, 'a step code is 1–120 letters, digits, or . _ : -');
    } else if (codes.has(step.code)) {
      add(`${at}.code`, `step code "${step.code}" is used twice`);
    } else codes.add(step.code);
    checkNames(step.name, `${at}.name`, add);
    if (typeof step.department !== 'string' || step.department.trim() === '' || step.department.length > 140) {
      add(`${at}.department`, 'a department key is 1–140 characters');
    } else if (step.department === OTHER_DEPARTMENT_PREFIX) {
      add(`${at}.department`, 'other: needs a department code after it');
    }
    if (!WorkflowRoles.includes(step.role)) add(`${at}.role`, `the role is one of ${WorkflowRoles.join(', ')}`);
    const limit = step.limitDays;
    if (limit !== undefined && limit !== null && (!Number.isInteger(limit) || limit < 0 || limit > MAX_LIMIT_DAYS)) {
      add(`${at}.limitDays`, `a time limit is a whole number of working days from 0 to ${MAX_LIMIT_DAYS}`);
    }
    const group = step.parallelGroup ?? null;
    if (group !== null && (typeof group !== 'string' || !CODE.test(group))) {
      add(`${at}.parallelGroup`, 'a parallel group is 1–120 letters, digits, or . _ : -');
    }
    // A group is one stage: its steps must stand together, or "parallel" would mean two stages.
    if (group !== previousGroup && previousGroup !== null) closedGroups.add(previousGroup);
    if (group !== null && group !== previousGroup && closedGroups.has(group)) {
      add(`${at}.parallelGroup`, `the steps of parallel group "${group}" must follow one another`);
    }
    previousGroup = group;
  });
  return problems;
}

function checkNames(name: Names | undefined, field: string, add: (field: string, message: string) => void) {
  for (const lang of ['zh', 'en'] as const) {
    const value = name?.[lang];
    if (typeof value !== 'string' || value.trim() === '' || value.length > 200) {
      add(`${field}.${lang}`, 'a name is 1–200 characters');
    }
  }
}

/**
 * The stages of a definition: step indices, in order; consecutive steps sharing a parallel group
 * form one stage, every other step is a stage of its own.
 */
export function stagesOf(steps: readonly Pick<WorkflowStep, 'parallelGroup'>[]): number[][] {
  const stages: number[][] = [];
  let group: string | null = null;
  steps.forEach((step, i) => {
    const g = step.parallelGroup ?? null;
    const last = stages.at(-1);
    if (last && g !== null && g === group) last.push(i);
    else stages.push([i]);
    group = g;
  });
  return stages;
}

/** The SHA-256 of a definition's content (name and normalised steps; the code is its identity, not content). */
export function contentHash(input: Pick<WorkflowDefinitionInput, 'name' | 'steps'>): string {
  const content = { name: { zh: input.name.zh, en: input.name.en }, steps: normalizeSteps(input.steps) };
  return createHash('sha256').update(canonicalJson(content)).digest('hex');
}
