import type { IdempotencyMode } from '@keelson/kit/idempotency';
import type { Priority } from '@keelson/kit/shedding';
import type { z } from 'zod';
import type { Scope } from '../../domain/access.ts';
import { problemResponses, problemSchema } from './schemas.ts';

/** What a public operation declares besides its schemas: its OpenAPI names and the scope it needs. */
export interface OperationMeta {
  readonly id: string;
  readonly tag: string;
  readonly summary: string;
  readonly scope: Scope;
  /** Whether the route takes an `Idempotency-Key` (unsafe routes); absent = it does not. */
  readonly idempotency?: IdempotencyMode;
  /**
   * Its class under load shedding: `critical` (payments, refunds) > `write` > `read` > `bulk`
   * (lists), shed from the end.
   */
  readonly priority: Priority;
  /** Rate-limit tokens a request spends; default 1. */
  readonly cost?: number;
}

interface OperationSchemas {
  readonly params?: z.ZodType;
  readonly querystring?: z.ZodType;
  readonly body?: z.ZodType;
  readonly headers?: z.ZodType;
  /** The success responses; the problem responses every route can answer are added. */
  readonly response: Readonly<Record<number, z.ZodType>>;
}

/**
 * Route options for one public operation, so each route states only what is its own: the
 * OpenAPI metadata, the problems every authenticated route documents, and the scope next to
 * the route (read by the authentication hook). Types flow through unchanged: the zod type
 * provider still infers the request and reply from `schemas`.
 */
export function operation<const S extends OperationSchemas>(meta: OperationMeta, schemas: S) {
  return {
    schema: {
      operationId: meta.id,
      tags: [meta.tag],
      summary: meta.summary,
      ...schemas,
      // An idempotent route can also answer 422 idempotency_key_reused; every route 429 (rate
      // limits) and 503 (load shedding, an unavailable dependency).
      response: {
        ...schemas.response,
        ...problemResponses,
        ...(meta.idempotency ? { 422: problemSchema } : {}),
        429: problemSchema,
        503: problemSchema,
      },
    },
    config: {
      scope: meta.scope,
      priority: meta.priority,
      ...(meta.cost === undefined ? {} : { rateLimitCost: meta.cost }),
      ...(meta.idempotency === undefined ? {} : { idempotency: meta.idempotency }),
    },
  };
}
