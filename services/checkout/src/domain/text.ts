import { fail } from './errors.ts';

/**
 * Rules for the text a client names things with. The domain is the guard: `parseText` runs in
 * `Product.create`/`change` and `newTenant`, whoever calls them (HTTP, CLI, tests). The wire
 * schemas call `textProblem`, the same check, only to refuse earlier with the field's path.
 *
 * - Lengths count Unicode code points, as JSON Schema's `maxLength` and PostgreSQL's
 *   `length()` on UTF-8 do: an emoji is one character, not two UTF-16 units.
 * - `identifier` (a sku): no control (Cc) or format (Cf) characters at all, so two skus that
 *   look the same are the same: no zero-width spaces, joiners, BOMs, bidi overrides, newlines.
 * - `name` (product and tenant names): free text. Control characters (newlines, tabs, DEL…)
 *   and the bidirectional embedding/override/isolate controls are refused, since they reorder
 *   or break the lines this text is shown on (Trojan Source); other format characters stay,
 *   because real text needs them: ZWJ in emoji sequences, ZWNJ in Persian, soft hyphens.
 * - Both: line and paragraph separators (U+2028/9) are refused; the limit applies to the text
 *   as sent; surrounding white space is trimmed before storing; what is left must contain a
 *   visible character; lone surrogates and NUL are refused (PostgreSQL cannot store them).
 */
export type TextKind = 'identifier' | 'name';

export interface TextRule {
  readonly kind: TextKind;
  /** Code points, counted on the text as sent. The minimum is always 1. */
  readonly maxLength: number;
}

const lineBreaks = /[\p{Cc}\p{Zl}\p{Zp}]/u;
const formatCharacters = /\p{Cf}/u;
const bidiControls = /[\u202A-\u202E\u2066-\u2069]/u;
const visible = /[^\p{White_Space}\p{Cf}]/u;

/** Text PostgreSQL can store in `text` and `jsonb`: well-formed UTF-16, no NUL. */
export function isStorableText(value: string): boolean {
  return value.isWellFormed() && !value.includes('\u0000');
}

function codePoints(value: string): number {
  let count = 0;
  for (const _ of value) count += 1;
  return count;
}

/** What the rule allows, in words: for messages and the OpenAPI description. */
export function describeTextRule(rule: TextRule): string {
  const refused =
    rule.kind === 'identifier'
      ? 'no control or format characters (newlines, zero-width spaces, bidirectional overrides…)'
      : 'no control characters (newlines, tabs…) or bidirectional overrides';
  return `1–${rule.maxLength} characters (Unicode code points), ${refused}; surrounding spaces are trimmed`;
}

/** Why `value` breaks the rule, as a phrase to follow the field's name; undefined if it doesn't. */
export function textProblem(value: string, rule: TextRule): string | undefined {
  if (!isStorableText(value)) return 'must be well-formed Unicode text without NUL';
  const length = codePoints(value);
  if (length < 1 || length > rule.maxLength) return `must be 1–${rule.maxLength} characters (Unicode code points)`;
  if (lineBreaks.test(value)) return 'must not contain control characters or line breaks';
  if (rule.kind === 'identifier' && formatCharacters.test(value)) {
    return 'must not contain format characters (zero-width spaces, joiners, bidirectional overrides…)';
  }
  if (bidiControls.test(value)) return 'must not contain bidirectional overrides, embeddings or isolates';
  if (!visible.test(value)) return 'must contain a visible character, not only spaces';
  return undefined;
}

/** The text to store (trimmed), or `invalid_request` naming `what`. */
export function parseText(value: string, rule: TextRule, what: string): string {
  const problem = textProblem(value, rule);
  if (problem !== undefined) fail('invalid', 'invalid_request', `${what} ${problem}.`);
  return value.trim();
}
