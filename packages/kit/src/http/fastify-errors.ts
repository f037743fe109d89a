import type { FastifyError, FastifySchemaValidationError } from 'fastify';
import { AppError, type FieldIssue, isAppError } from '../errors/index.ts';

/**
 * The one translation from what Fastify (or a content parser) throws to the kit's
 * taxonomy. Returns `undefined` for anything unrecognised: that is a bug or an
 * infrastructure failure, answered as a 500 and logged with its cause.
 *
 * @example
 * ```ts
 * import { toAppError } from '@keelson/kit/http';
 * const error = Object.assign(new Error('too big'), { code: 'FST_ERR_CTP_BODY_TOO_LARGE' });
 * toAppError(error)?.code; // 'payload_too_large'
 * ```
 */
export function toAppError(error: unknown): AppError | undefined {
  if (isAppError(error)) return error;
  if (!(error instanceof Error)) return undefined;
  // Fastify's fields are optional extras on an Error; reading them is checked below.
  const fastify: Partial<FastifyError> = error;
  const cause = { cause: error };
  switch (fastify.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('invalid', 'payload_too_large', 'The request body exceeds the size limit.', cause);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('invalid', 'unsupported_media_type', 'This Content-Type is not accepted here.', cause);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AppError('invalid', 'invalid_json', 'The body is empty but declared as JSON.', cause);
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new AppError('invalid', 'invalid_json', 'The body is not valid JSON.', cause);
    case 'FST_ERR_VALIDATION': {
      const issues = (fastify.validation ?? []).map((issue) => toFieldIssue(fastify.validationContext, issue));
      return new AppError('invalid', 'invalid_request', 'The request is not valid.', { ...cause, issues });
    }
    case 'FST_ERR_HANDLER_TIMEOUT':
      return new AppError('deadline_exceeded', 'deadline_exceeded', 'The request ran out of time.', cause);
  }
  // Content-length mismatches, bad URL encoding, over-long params, custom content
  // parsers: Fastify marks them 4xx because the input is at fault, not the server.
  const status = typeof fastify.statusCode === 'number' ? fastify.statusCode : 0;
  if (error instanceof SyntaxError && status === 400) {
    return new AppError('invalid', 'invalid_json', 'The body is not valid JSON.', cause);
  }
  if (status >= 400 && status < 500) {
    return new AppError('invalid', 'invalid_request', 'The request could not be processed.', cause);
  }
  return undefined;
}

/** `body` + `/items/0/sku` → `body.items.0.sku`; a missing required property names itself. */
function toFieldIssue(context: string | undefined, issue: FastifySchemaValidationError): FieldIssue {
  const segments = issue.instancePath.split('/').filter((segment) => segment !== '');
  const missing = issue.params.missingProperty;
  if (issue.keyword === 'required' && typeof missing === 'string') segments.push(missing);
  return { path: [context ?? 'request', ...segments].join('.'), message: issue.message ?? 'is invalid' };
}
