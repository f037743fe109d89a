import type { ErrorKind } from './app-error.ts';

/** The gRPC transport's one table from kind to status code (grpc/status codes). */
export const grpcStatusByKind: Readonly<Record<ErrorKind, number>> = {
  invalid: 3, // INVALID_ARGUMENT
  unauthenticated: 16, // UNAUTHENTICATED
  forbidden: 7, // PERMISSION_DENIED
  not_found: 5, // NOT_FOUND
  conflict: 9, // FAILED_PRECONDITION: the caller must change state before retrying
  rate_limited: 8, // RESOURCE_EXHAUSTED
  overloaded: 8, // RESOURCE_EXHAUSTED
  unavailable: 14, // UNAVAILABLE
  deadline_exceeded: 4, // DEADLINE_EXCEEDED
  internal: 13, // INTERNAL
};
