/**
 * Request classes, most important first: payments and refunds (`critical`), other writes,
 * reads, then lists and bulk reads. Under pressure the shedder refuses from the end of this list.
 */
export const priorities = ['critical', 'write', 'read', 'bulk'] as const;

export type Priority = (typeof priorities)[number];

/**
 * The shed level at which `priority` starts being refused: `bulk` at 1, `read` at 2, `write`
 * at 3, `critical` only at 4, the last resort.
 */
export function shedFromLevel(priority: Priority): number {
  return priorities.length - priorities.indexOf(priority);
}
