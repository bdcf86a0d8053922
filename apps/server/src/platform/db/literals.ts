/**
 * The code's own constants (statuses, kinds) written into a statement as literals instead of
 * parameters. OneCity runs parameterised statements as named prepared statements, and after
 * five executions PostgreSQL may keep a generic plan, made without the parameters' values: a
 * constant list sent as parameters then gets a blind guess of its selectivity (the public
 * feed's page took 75 ms under such a plan instead of 1 ms). As literals, every plan sees the
 * values and the column's statistics. Only for values the code defines: anything a caller sent
 * stays a parameter, and a value that is not a plain code is refused here.
 */
import { type RawBuilder, sql } from 'kysely';

const PLAIN_CODE = /^[A-Za-z0-9_.:-]{1,64}$/;

export function literals<T extends string>(values: readonly T[]): RawBuilder<T>[] {
  return values.map((value) => {
    if (!PLAIN_CODE.test(value)) throw new TypeError(`not a plain code, cannot be a literal: ${JSON.stringify(value)}`);
    return sql.lit(value);
  });
}
