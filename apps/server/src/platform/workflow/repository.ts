/**
 * Definitions in the database: publishing (a new version only when the content changed) and
 * reading them back. Plain Kysely functions, the database handle first, every query scoped by
 * the city.
 */
import { type Kysely, type Selectable, sql } from 'kysely';
import { uuidv7 } from 'uuidv7';
import type { Database } from '../db/schema.ts';
import { AppError } from '../http/errors.ts';
import type { Clock } from '../time/clock.ts';
import {
  contentHash,
  normalizeSteps,
  validateDefinition,
  type WorkflowDefinition,
  type WorkflowDefinitionInput,
} from './definition.ts';
import { type WorkflowDefinitionsTable, workflowDb } from './schema.ts';

/** A definition row as read. */
export type DefinitionRow = Selectable<WorkflowDefinitionsTable>;

/** A definition row as the API shows it. */
export function toDefinition(row: DefinitionRow): WorkflowDefinition {
  return {
    id: row.id,
    cityId: row.city_id,
    code: row.code,
    version: row.version,
    name: { zh: row.name_zh, en: row.name_en },
    steps: row.steps,
    contentHash: row.content_hash,
    createdBy: row.created_by,
    createdAt: row.created_at,
  };
}

/** What {@link publishDefinition} did. */
export interface Published {
  definition: WorkflowDefinition;
  /** False when the content equalled the latest version's: that version is returned and nothing is written. */
  created: boolean;
}

/**
 * Publishes a definition for a city: validates it, and stores a new version when its content
 * differs from the latest version's. Concurrent publishers of one code wait for each other.
 */
export async function publishDefinition(
  db: Kysely<Database>,
  clock: Clock,
  cityId: string,
  input: WorkflowDefinitionInput,
  options: { createdBy?: string | null } = {},
): Promise<Published> {
  const problems = validateDefinition(input);
  if (problems.length > 0) throw new AppError('WORKFLOW_DEFINITION_INVALID', {}, { errors: problems });
  const run = async (trx: Kysely<Database>): Promise<Published> => {
    await sql`SELECT pg_advisory_xact_lock(hashtext(${`workflow.definition:${cityId}:${input.code}`}))`.execute(trx);
    const wdb = workflowDb(trx);
    const hash = contentHash(input);
    const latest = await wdb
      .selectFrom('workflow_definitions')
      .selectAll()
      .where('city_id', '=', cityId)
      .where('code', '=', input.code)
      .orderBy('version', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (latest && latest.content_hash === hash) return { definition: toDefinition(latest), created: false };
    const row = await wdb
      .insertInto('workflow_definitions')
      .values({
        id: uuidv7(),
        city_id: cityId,
        code: input.code,
        version: (latest?.version ?? 0) + 1,
        name_zh: input.name.zh,
        name_en: input.name.en,
        steps: JSON.stringify(normalizeSteps(input.steps)),
        content_hash: hash,
        created_by: options.createdBy ?? null,
        created_at: clock.now(),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return { definition: toDefinition(row), created: true };
  };
  // The advisory lock lasts as long as the transaction: open one unless the caller did.
  return db.isTransaction ? run(db) : db.transaction().execute(run);
}

/** A definition version of a city: the given version, or the latest; null when there is none. */
export async function findDefinition(
  db: Kysely<Database>,
  cityId: string,
  code: string,
  version?: number,
): Promise<WorkflowDefinition | null> {
  let q = workflowDb(db)
    .selectFrom('workflow_definitions')
    .selectAll()
    .where('city_id', '=', cityId)
    .where('code', '=', code);
  q = version === undefined ? q.orderBy('version', 'desc').limit(1) : q.where('version', '=', version);
  const row = await q.executeTakeFirst();
  return row ? toDefinition(row) : null;
}

/** Every version of a definition, oldest first. */
export async function listDefinitionVersions(
  db: Kysely<Database>,
  cityId: string,
  code: string,
): Promise<WorkflowDefinition[]> {
  const rows = await workflowDb(db)
    .selectFrom('workflow_definitions')
    .selectAll()
    .where('city_id', '=', cityId)
    .where('code', '=', code)
    .orderBy('version')
    .execute();
  return rows.map(toDefinition);
}

/** The latest version of each of a city's definitions, by code. */
export async function listDefinitions(db: Kysely<Database>, cityId: string): Promise<WorkflowDefinition[]> {
  const rows = await workflowDb(db)
    .selectFrom('workflow_definitions as d')
    .selectAll('d')
    .where('d.city_id', '=', cityId)
    .where(({ eb, selectFrom }) =>
      eb(
        'd.version',
        '=',
        selectFrom('workflow_definitions as l')
          .select((e) => e.fn.max('l.version').as('v'))
          .whereRef('l.city_id', '=', 'd.city_id')
          .whereRef('l.code', '=', 'd.code'),
      ),
    )
    .orderBy('d.code')
    .execute();
  return rows.map(toDefinition);
}
