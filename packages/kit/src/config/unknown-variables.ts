/** Test suites configure themselves through these, so they never count as typos. */
export const alwaysIgnoredUnknown: readonly string[] = ['KEELSON_TEST_*'];

/**
 * Reports variables under `prefix` the spec does not know: a misspelt `KEELSON_HTTP_PROT`
 * would otherwise silently fall back to the default. `ignore` entries ending in `*` are prefixes.
 */
export function findUnknownVariables(
  env: Readonly<Record<string, string | undefined>>,
  known: ReadonlySet<string>,
  prefix: string,
  ignore: readonly string[],
): string[] {
  const problems: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || value === '' || !name.startsWith(prefix) || known.has(name)) continue;
    if (ignore.some((pattern) => matches(pattern, name))) continue;
    const suggestion = closest(name, known);
    problems.push(`${name}: unknown variable${suggestion === undefined ? '' : ` (did you mean ${suggestion}?)`}`);
  }
  return problems;
}

function matches(pattern: string, name: string): boolean {
  return pattern.endsWith('*') ? name.startsWith(pattern.slice(0, -1)) : name === pattern;
}

function closest(name: string, candidates: ReadonlySet<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = 3; // more than two edits away is a different name, not a typo
  for (const candidate of candidates) {
    const distance = editDistance(name, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** Levenshtein distance with a single rolling row. */
function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j] ?? 0;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(above + 1, (row[j - 1] ?? 0) + 1, diagonal + cost);
      diagonal = above;
    }
  }
  return row[b.length] ?? 0;
}
