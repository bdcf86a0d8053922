/**
 * Route schemas are zod schemas. Validation keeps zod's raw issues (with the offending input,
 * which never leaves the server) so that the error handler can word them in the request's
 * language; responses are serialised through the same schemas.
 */
import type { FastifySchemaCompiler } from 'fastify';
import type { ZodType } from 'zod';
import { safeParse } from 'zod/v4/core';

/** Fastify validator compiler for zod schemas. */
export const zodValidatorCompiler: FastifySchemaCompiler<ZodType> =
  ({ schema }) =>
  (data) => {
    const result = safeParse(schema, data, { reportInput: true });
    if (result.success) return { value: result.data };
    return { error: result.error.issues as never };
  };
