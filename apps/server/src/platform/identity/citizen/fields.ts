/** Checks of personal-data fields that a schema alone cannot make, answered as field errors in the request's language. */
import type { FastifyRequest } from 'fastify';
import { AppError, type ErrorCode, errorMessage, type FieldError } from '../../http/errors.ts';
import { requestLocale } from '../../http/problem.ts';
import { normaliseEmail, normalisePhone } from '../pii.ts';

/** A field error whose message is the catalog text of `code`. */
export function fieldError(request: FastifyRequest, field: string, code: ErrorCode): FieldError {
  return { field, message: errorMessage(code, requestLocale(request)) };
}

/** Throws 400 VALIDATION_FAILED listing `errors`, if there are any. */
export function throwIfAny(errors: FieldError[]): void {
  if (errors.length) throw new AppError('VALIDATION_FAILED', {}, { errors });
}

/** The normalised phone number (sms) or e-mail address (email), or a 400 naming `field`. */
export function normaliseDestination(
  request: FastifyRequest,
  channel: 'sms' | 'email',
  destination: string,
  field = 'body.destination',
): string {
  const normalised = channel === 'sms' ? normalisePhone(destination) : normaliseEmail(destination);
  if (!normalised) {
    throwIfAny([fieldError(request, field, channel === 'sms' ? 'PHONE_INVALID' : 'EMAIL_INVALID')]);
  }
  return normalised as string;
}
