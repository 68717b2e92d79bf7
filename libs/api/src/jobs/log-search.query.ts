import { BadRequestException } from '@nestjs/common';

import { JOB_STATUSES, type JobStatus } from '@cyborg/domain';
import { outputWords } from '@cyborg/jobs';

import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../common/list-query';

export const LOG_LEVELS = ['debug', 'info', 'warning', 'error', 'critical'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Deepest hit a search may page to: Elasticsearch's default result window. */
export const MAX_SEARCH_DEPTH = 10_000;
const MAX_WORDS = 20;
const MAX_LENGTH = 200;

/** A validated log search: every line holding all the words, with optional filters. */
export interface LogSearchQuery {
  words: string[];
  job: number | null;
  client: number | null;
  policy: number | null;
  status: JobStatus | null;
  level: LogLevel | null;
  since: Date | null;
  until: Date | null;
  page: number;
  pageSize: number;
}

function invalid(param: string, message: string): BadRequestException {
  return new BadRequestException({ [param]: [message] });
}

function single(query: Record<string, unknown>, name: string): string | null {
  const raw = query[name];
  if (raw === undefined || raw === '') return null;
  if (typeof raw !== 'string') throw invalid(name, 'Give this parameter once.');

  return raw;
}

function id(query: Record<string, unknown>, name: string): number | null {
  const raw = single(query, name);
  if (raw === null) return null;
  if (!/^\d{1,9}$/.test(raw) || Number(raw) < 1)
    throw invalid(name, 'A valid integer is required.');

  return Number(raw);
}

function instant(query: Record<string, unknown>, name: string): Date | null {
  const raw = single(query, name);
  if (raw === null) return null;
  const value = new Date(raw);
  if (!/^\d{4}-\d\d-\d\d/.test(raw) || Number.isNaN(value.getTime())) {
    throw invalid(name, 'An ISO 8601 date or date-time is required.');
  }

  return value;
}

function oneOf<T extends string>(
  query: Record<string, unknown>,
  name: string,
  values: readonly T[],
): T | null {
  const raw = single(query, name);
  if (raw === null) return null;
  if (!(values as readonly string[]).includes(raw)) {
    throw invalid(name, `Must be one of: ${values.join(', ')}.`);
  }

  return raw as T;
}

function pageNumber(query: Record<string, unknown>, name: string, fallback: number, max: number) {
  const raw = single(query, name);
  if (raw === null) return fallback;
  if (!/^\d{1,6}$/.test(raw) || Number(raw) < 1 || Number(raw) > max) {
    throw invalid(name, `A whole number from 1 to ${max} is required.`);
  }

  return Number(raw);
}

/**
 * Reads `?search=` and the log search filters: `job`, `client`, `policy`,
 * `status` (of the job), `level`, `since` and `until` (times of the lines),
 * `page`, `page_size`. Words are letter-and-digit runs; a line matches when it
 * holds them all. Nothing of the text reaches a query language: both backends
 * get plain words.
 */
export function parseLogSearch(query: Record<string, unknown>, job: number | null = null) {
  const text = single(query, 'search') ?? '';
  if (text.length > MAX_LENGTH) throw invalid('search', `At most ${MAX_LENGTH} characters.`);
  const words = [...new Set(outputWords(text))];
  if (words.length === 0) throw invalid('search', 'Give at least one word to search for.');
  if (words.length > MAX_WORDS) throw invalid('search', `At most ${MAX_WORDS} words.`);
  const pageSize = pageNumber(query, 'page_size', DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
  const page = pageNumber(query, 'page', 1, MAX_SEARCH_DEPTH);
  if (page * pageSize > MAX_SEARCH_DEPTH) {
    throw invalid('page', `Searches show the first ${MAX_SEARCH_DEPTH} hits; narrow the search.`);
  }
  const result: LogSearchQuery = {
    words,
    job: job ?? id(query, 'job'),
    client: id(query, 'client'),
    policy: id(query, 'policy'),
    status: oneOf(query, 'status', JOB_STATUSES),
    level: oneOf(query, 'level', LOG_LEVELS),
    since: instant(query, 'since'),
    until: instant(query, 'until'),
    page,
    pageSize,
  };
  if (result.since && result.until && result.since > result.until) {
    throw invalid('until', 'Must not be before since.');
  }

  return result;
}
