import { z } from 'zod';

/** Value schemas the config blocks share. */
export const port = z.coerce.number().int().min(0).max(65_535);
/** A positive whole number of milliseconds. */
export const ms = z.coerce.number().int().min(1);
