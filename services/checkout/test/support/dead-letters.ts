import type { Database } from '@keelson/kit/db';
import { createIdGenerator } from '@keelson/kit/ids';
import type { DeadLetterSource } from '../../src/domain/dead-letter.ts';

export interface SeededLetter {
  readonly source: DeadLetterSource;
  readonly name: string;
  readonly payload: unknown;
  readonly tenantId?: string;
  readonly attempts?: number;
}

const newId = createIdGenerator();

/**
 * Dead letters written straight into the table, oldest first (ids sort in creation order), as
 * their sources would have left them. Returns their ids in the same order.
 */
export async function seedDeadLetters(db: Database, letters: readonly SeededLetter[]): Promise<string[]> {
  const ids: string[] = [];
  for (const letter of letters) {
    const id = newId('dlq');
    await db.query(
      { deadline: Date.now() + 10_000 },
      `INSERT INTO dead_letters (id, tenant_id, source, name, message_key, payload, attempts, last_error, created_at)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, now())`,
      [
        id,
        letter.tenantId ?? null,
        letter.source,
        letter.name,
        newId(letter.source === 'job' ? 'job' : 'evt'),
        JSON.stringify(letter.payload),
        letter.attempts ?? 3,
        `Error: ${letter.name} failed`,
      ],
    );
    ids.push(id);
  }
  return ids;
}

/** Jobs waiting in a queue, with the attempts they were given. */
export async function queuedJobs(db: Database, queue: string) {
  const { rows } = await db.query<{ payload: unknown; attempts: number; max_attempts: number }>(
    { deadline: Date.now() + 10_000 },
    'SELECT payload, attempts, max_attempts FROM jobs WHERE queue = $1 ORDER BY id',
    [queue],
  );
  return rows;
}
