/**
 * Bad input at every operation of the OpenAPI document, for the test suite (a few cases per
 * operation) and for bench/fuzz.ts (thousands): see docs/RELIABILITY.md, "Bad input".
 */
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../platform/time/clock.ts';
import { type OpenApiDocument, type Operation, operationsOf } from './openapi.ts';
import { BadInputRunner } from './run.ts';
import { prepareWorld, type World } from './world.ts';

export type { BadCase } from './cases.ts';
export { REFUSAL_RECORDS } from './database.ts';
export type { Operation } from './openapi.ts';
export { BadInputRunner, caseSeed, type Failure, type Tally } from './run.ts';
export { CallerNames, type World } from './world.ts';

/** Everything a bad-input run needs: the world, the operations of /openapi.json and a runner. */
export interface BadInput {
  world: World;
  operations: Operation[];
  runner: BadInputRunner;
}

/** Prepares a run on `app` (whose database holds the demo province). */
export async function prepareBadInput(app: FastifyInstance, clock: Clock): Promise<BadInput> {
  const world = await prepareWorld(app, clock);
  const served = await app.inject({ url: '/openapi.json' });
  if (served.statusCode !== 200) throw new Error(`/openapi.json answered ${served.statusCode}`);
  const document = served.json<OpenApiDocument>();
  return { world, operations: operationsOf(document), runner: new BadInputRunner(world, document) };
}
