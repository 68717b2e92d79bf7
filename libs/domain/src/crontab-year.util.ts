import { CrontabError } from './crontab.exception';

export const MIN_CRONTAB_YEAR = 1970;
export const MAX_CRONTAB_YEAR = 2199;

const YEAR = /^\d{4}$/;
const STEP = /^[1-9]\d{0,2}$/;

// The optional sixth field the original system appended to its crontabs. Every year it can
// match is listed up front: the range is small, and it makes "is any year left?" a lookup.
export class YearMatcher {
  readonly years: readonly number[];
  private readonly yearSet: ReadonlySet<number>;

  constructor(
    readonly expression: string,
    years: Iterable<number>,
  ) {
    this.yearSet = new Set(years);
    this.years = [...this.yearSet].sort((a, b) => a - b);
  }

  matches(year: number): boolean {
    return this.yearSet.has(year);
  }

  /** The first matching year at or after `year`, or null when no later year can match. */
  firstFrom(year: number): number | null {
    return this.years.find((candidate) => candidate >= year) ?? null;
  }
}

/** Returns null for `*`, which puts no constraint on the year. */
export function parseYearField(field: string): YearMatcher | null {
  if (field === '*') {
    return null;
  }

  const years: number[] = [];
  for (const item of field.split(',')) {
    years.push(...expandItem(field, item));
  }

  return new YearMatcher(field, years);
}

function expandItem(field: string, item: string): number[] {
  const parts = item.split('/');
  if (parts.length > 2) {
    throw yearError(field, `"${item}" has more than one step`);
  }

  const [range, step] = parts as [string, string?];
  const stepValue = step === undefined ? 1 : parseStep(field, step);
  const [first, last] = parseRange(field, range, step !== undefined);
  const years: number[] = [];
  for (let year = first; year <= last; year += stepValue) {
    years.push(year);
  }

  return years;
}

function parseRange(field: string, range: string, stepped: boolean): [number, number] {
  if (range === '*') {
    return [MIN_CRONTAB_YEAR, MAX_CRONTAB_YEAR];
  }

  const bounds = range.split('-');
  if (bounds.length === 1) {
    const year = parseYear(field, range);

    // Like the other cron fields, `2025/5` means every fifth year from 2025 onwards.
    return [year, stepped ? MAX_CRONTAB_YEAR : year];
  }

  if (bounds.length !== 2) {
    throw yearError(field, `"${range}" is not a range like 2025-2030`);
  }

  const [firstText, lastText] = bounds as [string, string];
  const first = parseYear(field, firstText);
  const last = parseYear(field, lastText);
  if (first > last) {
    throw yearError(field, `range ${range} ends before it starts`);
  }

  return [first, last];
}

function parseYear(field: string, value: string): number {
  const year = Number(value);
  if (!YEAR.test(value) || year < MIN_CRONTAB_YEAR || year > MAX_CRONTAB_YEAR) {
    throw yearError(
      field,
      `"${value}" is not a year between ${MIN_CRONTAB_YEAR} and ${MAX_CRONTAB_YEAR}`,
    );
  }

  return year;
}

function parseStep(field: string, value: string): number {
  if (!STEP.test(value)) {
    throw yearError(field, `step "${value}" is not a whole number between 1 and 999`);
  }

  return Number(value);
}

function yearError(field: string, reason: string): CrontabError {
  return new CrontabError(`invalid year field "${field}": ${reason}`);
}
