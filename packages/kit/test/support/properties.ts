// How every property test runs. Test files import `fc` from here, never from 'fast-check'
// itself, so no property escapes this configuration:
// - the seed is fixed unless told otherwise, so a CI run is the same run every time;
// - the seed is printed once per test file, so any failure can be replayed exactly;
// - `runs(n)` scales a property's own number of cases for fuzzing.
//
//   KEELSON_TEST_SEED   an integer (replay that seed) or `random`; unset: `fixedSeed`
//   KEELSON_TEST_RUNS   a whole multiplier of every property's numRuns; unset: 1
//
// `npm run test:fuzz` sets both (a random seed, 10× the runs). A failure prints its seed; run
// it again with `KEELSON_TEST_SEED=<seed> KEELSON_TEST_RUNS=<multiplier> npm test -- <file>`.
import { randomInt } from 'node:crypto';
import { join, relative } from 'node:path';
import fc from 'fast-check';

/**
 * The seed CI runs with. Changing it changes which cases CI sees: do it in a commit of its
 * own, never to turn a red run green (a counterexample becomes a named test instead).
 */
export const fixedSeed = 20_261_201;

/** fast-check's own default, for properties that do not set numRuns. */
const defaultRuns = 100;

function seedFrom(raw: string | undefined): { seed: number; origin: string } {
  if (raw === undefined || raw === '') return { seed: fixedSeed, origin: 'fixed' };
  if (raw === 'random') return { seed: randomInt(-(2 ** 31), 2 ** 31), origin: 'random' };
  const seed = Number(raw);
  // fast-check folds seeds to 32 bits: refuse anything that would not replay as written.
  if (!Number.isSafeInteger(seed) || seed < -(2 ** 31) || seed >= 2 ** 31) {
    throw new Error(`KEELSON_TEST_SEED must be 'random' or an integer in [-2^31, 2^31), got '${raw}'`);
  }
  return { seed, origin: 'KEELSON_TEST_SEED' };
}

function multiplierFrom(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 1;
  const multiplier = Number(raw);
  if (!Number.isSafeInteger(multiplier) || multiplier < 1) {
    throw new Error(`KEELSON_TEST_RUNS must be a whole multiplier of 1 or more, got '${raw}'`);
  }
  return multiplier;
}

const { seed, origin } = seedFrom(process.env.KEELSON_TEST_SEED);
const multiplier = multiplierFrom(process.env.KEELSON_TEST_RUNS);

/** A property's number of cases: `base` for `npm test`, scaled by KEELSON_TEST_RUNS. */
export function runs(base: number): number {
  return base * multiplier;
}

fc.configureGlobal({ seed, numRuns: runs(defaultRuns) });

// One line per test file (each runs in its own process), before its first test reports.
const root = join(import.meta.dirname, '..', '..', '..', '..');
const file = process.argv[1] === undefined ? '(unknown file)' : relative(root, process.argv[1]);
const replay = `KEELSON_TEST_SEED=${seed}${multiplier === 1 ? '' : ` KEELSON_TEST_RUNS=${multiplier}`}`;
console.log(
  `fast-check seed ${seed} (${origin}), runs ×${multiplier} in ${file}; replay: ${replay} npm test -- ${file}`,
);

export { fc };
