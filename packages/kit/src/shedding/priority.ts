/**
 * Request classes, most important first: payments and refunds (`critical`), other writes,
 * reads, then lists and bulk reads. Under pressure the shedder refuses from the end of this list.
 */
export const priorities = ['critical', 'write', 'read', 'bulk'] as const;

export type Priority = (typeof priorities)[number];

/**
 * A class's rank in the shed order: `bulk` 0, `read` 1, `write` 2, `critical` 3. At shed depth
 * d the classes ranked below ⌊d⌋ are refused, and the class ranked ⌊d⌋ in part (d − ⌊d⌋ of it).
 */
export const shedRank: Readonly<Record<Priority, number>> = { critical: 3, write: 2, read: 1, bulk: 0 };

/** The depth from which `priority` is refused in full: `bulk` 1, `read` 2, `write` 3, `critical` 4. */
export function shedFromLevel(priority: Priority): number {
  return shedRank[priority] + 1;
}
