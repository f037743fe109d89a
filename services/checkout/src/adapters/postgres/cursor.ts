import type { Database, DeadlineScope } from '@keelson/kit/db';
import { isIdOf } from '@keelson/kit/ids';
import type { Page } from '../../app/ports.ts';
import { fail } from '../../domain/errors.ts';

/** All a list needs: lists are one statement each, so they run in autocommit, never in a transaction. */
export type Autocommit = Pick<Database, 'query'>;

export interface CheckedQuery {
  /** SQL yielding the name of a refusal, or NULL to read the page. */
  readonly refusal: string;
  /** The page, newest first, asking for limit + 1 items to learn `has_more`; it must select `id`. */
  readonly pageSql: string;
  readonly params: readonly unknown[];
}

/**
 * A list as one statement, so it costs one round trip in autocommit like `get`: `refusal` is
 * evaluated once, and the rows of `pageSql` are joined only when it is NULL. Without a
 * transaction this is still consistent: one statement reads one snapshot.
 */
export async function checkedRows<Row extends { id: string }, Refusal extends string>(
  db: Autocommit,
  ctx: DeadlineScope,
  query: CheckedQuery,
): Promise<{ refusal: Refusal | null; rows: Row[] }> {
  type Joined = { refusal: Refusal | null } & (Row | { [K in keyof Row]: null });
  const { rows } = await db.query<Joined>(
    ctx,
    `SELECT checked.refusal, page.*
     FROM (SELECT ${query.refusal} AS refusal) AS checked
     LEFT JOIN LATERAL (${query.pageSql}) AS page ON checked.refusal IS NULL
     ORDER BY page.id DESC`,
    query.params,
  );
  const refusal = rows[0]?.refusal ?? null;
  // A NULL id is the outer row alone (refused, or an empty page); page rows have every column.
  return { refusal, rows: rows.filter((row): row is Joined & Row => row.id !== null) };
}

/** The first `limit` items, and whether the one extra item asked for came back. */
export function pageOf<T>(items: readonly T[], limit: number): Page<T> {
  return { items: items.slice(0, limit), hasMore: items.length > limit };
}

/** A cursor is the id of the last item seen: one of another kind is refused before any SQL runs. */
export function checkCursorShape(
  prefix: 'ten' | 'key' | 'prod' | 'ord' | 'we' | 'whd' | 'evt',
  cursor: string | undefined,
): void {
  if (cursor !== undefined && !isIdOf(prefix, cursor)) {
    fail('invalid', 'invalid_cursor', `starting_after is not a ${prefix} id.`);
  }
}

/**
 * The rows of a tenant's list, in one statement. The cursor must name a row of the tenant in
 * `table`, whatever else filters the list: a foreign or made-up id is refused rather than
 * silently paging from it. `pageSql` reads the tenant as $1 and the cursor (or NULL) as $2;
 * `params` continue at $3.
 */
export async function tenantListRows<Row extends { id: string }>(
  db: Autocommit,
  ctx: DeadlineScope,
  list: {
    readonly table: 'products' | 'orders' | 'webhook_endpoints' | 'outbox';
    readonly prefix: 'prod' | 'ord' | 'we' | 'evt';
    /** What the refusal calls the rows; default the table's name. */
    readonly noun?: string;
    readonly tenantId: string;
    readonly startingAfter: string | undefined;
  } & Omit<CheckedQuery, 'refusal'>,
): Promise<Row[]> {
  const { table, startingAfter } = list;
  checkCursorShape(list.prefix, startingAfter);
  const { refusal, rows } = await checkedRows<Row, 'cursor'>(db, ctx, {
    // The table name comes from the closed union above, never from input.
    refusal: `CASE WHEN $2::text IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM ${table} WHERE tenant_id = $1 AND id = $2) THEN 'cursor' END`,
    pageSql: list.pageSql,
    params: [list.tenantId, startingAfter ?? null, ...list.params],
  });
  if (refusal !== null)
    fail('invalid', 'invalid_cursor', `starting_after does not name one of your ${list.noun ?? table}.`);
  return rows;
}
