import { fileURLToPath } from 'node:url';

/** Where the numbered SQL migrations live; the same files run on PostgreSQL and PGlite. */
export const migrationsDir = fileURLToPath(new URL('./migrations', import.meta.url));
