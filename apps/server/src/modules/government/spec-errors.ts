/** A catalog definition (service or bundle) that does not fit the city, as a 400 listing every problem in the caller's language. */
import type { FastifyRequest } from 'fastify';
import { AppError } from '../../platform/http/errors.ts';
import { requestLocale } from '../../platform/http/problem.ts';
import type { FormProblem } from './forms.ts';

/** GOV_SERVICE_SPEC_INVALID with one field error per problem, under `body.spec`. */
export function specError(request: FastifyRequest, problems: readonly FormProblem[]): AppError {
  const zh = requestLocale(request) === 'zh-CN';
  return new AppError(
    'GOV_SERVICE_SPEC_INVALID',
    {},
    { errors: problems.map((p) => ({ field: `body.spec.${p.field}`, message: zh ? p.zh : p.en })) },
  );
}
