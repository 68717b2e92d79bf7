/**
 * Checks a regular expression a user sends to search paths. PostgreSQL's
 * engine has no catastrophic backtracking for plain expressions, but
 * back-references and huge counted repetitions can still take it seconds or
 * gigabytes; those are refused here, and the query also runs under a short
 * statement timeout, so no pattern can hang the server.
 */
export const MAX_PATTERN_LENGTH = 256;
const MAX_REPEAT = 100;
const MAX_COUNTED_REPEATS = 4;

/** Why the pattern is refused, in words for the user, or null when it may run. */
export function patternRefusal(pattern: string): string | null {
  if (pattern.length === 0) return 'Must not be empty.';
  if (pattern.length > MAX_PATTERN_LENGTH) {
    return `Must be at most ${MAX_PATTERN_LENGTH} characters.`;
  }
  if (pattern.includes('\0')) return 'Must not contain NUL characters.';
  // PostgreSQL reads a leading `***` as a change of regex flavour or flags.
  if (pattern.startsWith('***')) return 'Must not start with ***.';
  if (/\\[1-9]/.test(pattern)) return 'Back-references (\\1 to \\9) are not allowed.';
  if (/\(\?[=!<]/.test(pattern)) return 'Look-ahead and look-behind are not allowed.';
  if (/\(\?[a-z]*\)/.test(pattern)) return 'Embedded options such as (?i) are not allowed.';

  const repeats = [...pattern.matchAll(/\{(\d+)(?:,(\d*))?\}/g)];
  if (repeats.length > MAX_COUNTED_REPEATS) {
    return `At most ${MAX_COUNTED_REPEATS} counted repetitions {m,n} are allowed.`;
  }
  for (const [, low, high] of repeats) {
    if (Number(low) > MAX_REPEAT || (high && Number(high) > MAX_REPEAT)) {
      return `Counted repetitions {m,n} may not exceed ${MAX_REPEAT}.`;
    }
  }

  return null;
}
