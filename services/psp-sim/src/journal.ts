import { mkdir, open, readFile, truncate } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Where the ledger's changes go. The file journal is an append-only JSONL file, one line per
 * committed change set, fsync'd before the answer goes out, replayed on start. Chosen over
 * rewriting one JSON file atomically (write + rename) because an append costs the same
 * however large the ledger grows, and a crash mid-write leaves at worst a torn last line,
 * which replay recognises (no newline yet) and cuts off: that change was never answered.
 */
export interface Journal {
  /** The entries found when the journal was opened, oldest first, as parsed JSON. */
  readonly replayed: readonly unknown[];
  /** Resolves once the entry is durable. Callers serialise appends (the ledger does). */
  append(entry: object): Promise<void>;
  close(): Promise<void>;
  /** For logs and the start-up line: `memory` or the file's path. */
  readonly location: string;
}

export function memoryJournal(): Journal {
  return { replayed: [], append: async () => {}, close: async () => {}, location: 'memory' };
}

export const journalFileName = 'psp-sim.journal.jsonl';

export async function openFileJournal(dir: string): Promise<Journal> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, journalFileName);
  const existing = await readFile(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  const replayed = existing === undefined ? [] : await replay(path, existing);
  const handle = await open(path, 'a');
  if (existing === undefined) await syncDirectory(dir);
  let broken: Error | undefined;
  return {
    replayed,
    location: path,
    async append(entry) {
      // After a failed write the file may end in a partial line; appending after it would
      // bury garbage mid-file, so the journal refuses until a restart has cut it off.
      if (broken !== undefined) throw new Error(`journal ${path} failed earlier`, { cause: broken });
      try {
        await handle.write(`${JSON.stringify(entry)}\n`);
        await handle.datasync();
      } catch (error) {
        broken = error instanceof Error ? error : new Error(String(error));
        throw error;
      }
    },
    close: () => handle.close(),
  };
}

async function replay(path: string, content: Buffer): Promise<unknown[]> {
  const end = content.lastIndexOf(0x0a) + 1;
  if (end < content.length) await truncate(path, end);
  const lines = content.subarray(0, end).toString('utf8').split('\n').slice(0, -1);
  return lines.map((line, index) => {
    try {
      return JSON.parse(line) as unknown;
    } catch (cause) {
      throw new Error(`${path}:${index + 1}: not a journal entry; refusing to start on a damaged ledger`, { cause });
    }
  });
}

/** Makes the new file's directory entry durable, so a crash cannot lose the whole journal. */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
