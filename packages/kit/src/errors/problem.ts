import { type AppError, type FieldIssue, isAppError } from './app-error.ts';
import { httpStatusOf, titleByKind } from './http-status.ts';

/** RFC 9457 problem details, as Keelson serializes them. Never carries a stack trace. */
export interface ProblemDetails {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly code: string;
  readonly request_id: string;
  readonly issues?: readonly FieldIssue[];
  /** Extension members, e.g. `decline_code`. */
  readonly [extension: string]: unknown;
}

export const problemContentType = 'application/problem+json; charset=utf-8';

/** Problem types are stable URNs so they never depend on where the docs are hosted. */
export function problemType(code: string): string {
  return `urn:keelson:problem:${code}`;
}

/**
 * Turns any thrown value into a problem document. Unknown errors become a generic
 * `internal_error` whose detail says nothing about internals.
 */
export function toProblem(error: unknown, requestId: string): ProblemDetails {
  const known: AppError | undefined = isAppError(error) ? error : undefined;
  if (!known) {
    return {
      type: problemType('internal_error'),
      title: titleByKind.internal,
      status: 500,
      detail: 'An internal error occurred; quote the request id when reporting it.',
      code: 'internal_error',
      request_id: requestId,
    };
  }
  const base = {
    // First, so a standard member below always wins over an extension of the same name.
    ...known.extensions,
    type: problemType(known.code),
    title: titleByKind[known.kind],
    status: httpStatusOf(known.kind, known.code),
    detail: known.message,
    code: known.code,
    request_id: requestId,
  };
  return known.issues.length > 0 ? { ...base, issues: known.issues } : base;
}
