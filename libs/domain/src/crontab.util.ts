import { CronDate, CronExpression, CronExpressionParser } from 'cron-parser';

import { YearMatcher, parseYearField } from './crontab-year.util';
import { CrontabError } from './crontab.exception';
import { hasControlCharacters } from './text.util';

export interface ParsedCrontab {
  /** The five standard fields, normalised to single spaces. */
  minuteToWeekday: string;
  /** Null when there is no year field or it is `*`. */
  years: YearMatcher | null;
}

export const MAX_CRONTAB_LENGTH = 200;

/** How many runs `runsBetween` returns at most unless told otherwise. */
export const DEFAULT_RUNS_LIMIT = 10_000;

const FIELD_NAMES = ['minute', 'hour', 'day of month', 'month', 'weekday'] as const;

// `H` picks a pseudo-random value on every parse unless a seed is given, so the same crontab
// would fire at different times in the API and in the scheduler.
const HASHED_VALUE = /(?<![a-z])h(?![a-z])/i;

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Parses a crontab of five fields (minute hour day month weekday), optionally followed by the
 * year field the original system appended.
 */
export function parseCrontab(expr: string): ParsedCrontab {
  if (expr.trim() === '') {
    throw new CrontabError('crontab is empty');
  }

  if (expr.length > MAX_CRONTAB_LENGTH) {
    throw new CrontabError(`crontab is longer than ${MAX_CRONTAB_LENGTH} characters`);
  }

  if (hasControlCharacters(expr)) {
    throw new CrontabError('crontab contains control characters (tab, newline, ...)');
  }

  const fields = expr.trim().split(/ +/);
  if (fields.length !== 5 && fields.length !== 6) {
    throw new CrontabError(
      'expected 5 fields (minute hour day month weekday) or 6 with a trailing year, ' +
        `got ${fields.length}`,
    );
  }

  const standardFields = fields.slice(0, 5);
  assertStandardFields(standardFields);

  return {
    minuteToWeekday: standardFields.join(' '),
    years: fields.length === 6 ? parseYearField(fields[5]) : null,
  };
}

/** Runs strictly after `from`, at most `count` of them. */
export function nextRuns(
  expr: string,
  opts: { from: Date; timeZone: string; count: number },
): Date[] {
  assertCount('count', opts.count);
  const runs: Date[] = [];
  if (opts.count === 0) {
    return runs;
  }

  for (const run of iterateRuns(parseCrontab(expr), opts.from, opts.timeZone)) {
    runs.push(run);
    if (runs.length >= opts.count) {
      break;
    }
  }

  return runs;
}

/**
 * Runs in the half-open interval [start, end): a run at exactly `start` is included and one at
 * exactly `end` is not, so consecutive months (first instant of the month to first instant of
 * the next) neither miss nor repeat a run.
 */
export function runsBetween(
  expr: string,
  opts: { start: Date; end: Date; timeZone: string; limit?: number },
): Date[] {
  const limit = opts.limit ?? DEFAULT_RUNS_LIMIT;
  assertCount('limit', limit);
  assertDate('end', opts.end);
  const runs: Date[] = [];
  if (limit === 0) {
    return runs;
  }

  const justBeforeStart = new Date(opts.start.getTime() - 1);
  for (const run of iterateRuns(parseCrontab(expr), justBeforeStart, opts.timeZone)) {
    if (run.getTime() >= opts.end.getTime()) {
      break;
    }

    runs.push(run);
    if (runs.length >= limit) {
      break;
    }
  }

  return runs;
}

export function isValidTimeZone(timeZone: string): boolean {
  if (timeZone === '' || timeZone.length > 64 || hasControlCharacters(timeZone)) {
    return false;
  }

  try {
    new Intl.DateTimeFormat('en-US', { timeZone });

    return true;
  } catch {
    return false;
  }
}

function* iterateRuns(crontab: ParsedCrontab, after: Date, timeZone: string): Generator<Date> {
  assertDate('start date', after);
  if (!isValidTimeZone(timeZone)) {
    throw new RangeError(`unknown time zone "${timeZone}"`);
  }

  // strict mode wants the six-field form, whose first field is the second
  const expression = CronExpressionParser.parse(`0 ${crontab.minuteToWeekday}`, {
    strict: true,
    currentDate: after,
    tz: timeZone,
  });
  const years = crontab.years;

  for (;;) {
    const run = nextOrNull(expression);
    if (run === null) {
      return;
    }

    const year = run.getFullYear();
    if (years === null || years.matches(year)) {
      yield run.toDate();
      continue;
    }

    const nextYear = years.firstFrom(year + 1);
    if (nextYear === null) {
      return;
    }

    // Jump to the next matching year instead of walking through every run in between.
    const jumpTo = startOfYear(nextYear, timeZone).getTime() - 1;
    if (jumpTo > run.getTime()) {
      expression.reset(new Date(jumpTo));
    }
  }
}

function startOfYear(year: number, timeZone: string): Date {
  // Two days before New Year in UTC is before New Year in every time zone.
  const newYear = CronExpressionParser.parse('0 0 0 1 1 *', {
    currentDate: new Date(Date.UTC(year, 0, 1) - 2 * DAY_MS),
    tz: timeZone,
  });

  return newYear.next().toDate();
}

function nextOrNull(expression: CronExpression): CronDate | null {
  try {
    return expression.next();
  } catch {
    // cron-parser gives up after a bounded search when no later date matches (a fifth Monday
    // of February, for instance): that schedule simply has no further run.
    return null;
  }
}

function assertStandardFields(fields: string[]): void {
  fields.forEach((field, index) => {
    if (HASHED_VALUE.test(field)) {
      throw new CrontabError(
        `invalid ${FIELD_NAMES[index]} field "${field}": hashed values (H) are not supported`,
      );
    }
  });

  const error = cronParserError(fields);
  if (error === null) {
    return;
  }

  // cron-parser does not say which field it rejected; parsing each one alone tells
  fields.forEach((field, index) => {
    const fieldError = cronParserError(fields.map((other, i) => (i === index ? other : '*')));
    if (fieldError !== null) {
      throw new CrontabError(`invalid ${FIELD_NAMES[index]} field "${field}": ${fieldError}`);
    }
  });

  throw new CrontabError(describeCombinedError(error));
}

function cronParserError(fields: string[]): string | null {
  try {
    CronExpressionParser.parse(`0 ${fields.join(' ')}`, { strict: true });

    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

function describeCombinedError(message: string): string {
  if (message.includes('dayOfMonth and dayOfWeek')) {
    return 'day of month and weekday cannot both be restricted; set one of them to *';
  }

  if (message.includes('day of month definition')) {
    return 'the day of month never occurs in the chosen months';
  }

  return message;
}

function assertCount(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
  }
}

function assertDate(name: string, value: Date): void {
  if (Number.isNaN(value.getTime())) {
    throw new RangeError(`${name} is not a valid date`);
  }
}
