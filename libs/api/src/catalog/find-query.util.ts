import { BadRequestException } from '@nestjs/common';

import { patternRefusal } from '@cyborg/catalog';

import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../common/list-query';
import type { FindQuery } from './catalog.service';

/** Archive-level filters a find may narrow itself with, and their names in the archives list. */
const FIND_ARCHIVE_FILTERS: Record<string, string> = {
  repository: 'repository',
  client: 'client',
  policy: 'policy',
  archive: 'id',
  archive_name: 'name',
};
const FIND_PATH_PARAMS = ['path', 'path__contains', 'path__regex', 'path__regexp', 'path__iregex'];

/** The one value of a query parameter, checked like the list filters check theirs. */
export function single(query: Record<string, unknown>, param: string): string | undefined {
  const raw = query[param];
  if (raw === undefined) return undefined;
  const value: unknown = Array.isArray(raw) ? raw[raw.length - 1] : raw;
  if (typeof value !== 'string') {
    throw new BadRequestException({ [param]: ['Must be a single value.'] });
  }
  if (value.length > 4096) {
    throw new BadRequestException({ [param]: ['Must be at most 4096 characters.'] });
  }
  if (value.includes('\0')) {
    throw new BadRequestException({ [param]: ['Must not contain NUL characters.'] });
  }

  return value;
}

export function pageOf(query: Record<string, unknown>): { page: number; pageSize: number } {
  const page = single(query, 'page') ?? '1';
  const size = single(query, 'page_size') ?? String(DEFAULT_PAGE_SIZE);
  if (!/^[1-9]\d{0,8}$/.test(page)) {
    throw new BadRequestException({ page: ['Must be a whole number from 1.'] });
  }
  if (!/^[1-9]\d{0,8}$/.test(size) || Number(size) > MAX_PAGE_SIZE) {
    throw new BadRequestException({
      page_size: [`Must be a whole number from 1 to ${MAX_PAGE_SIZE}.`],
    });
  }

  return { page: Number(page), pageSize: Number(size) };
}

/**
 * `/api/v1/archives/find/`'s parameters: exactly one path criterion, archive
 * filters, a page. Anything else is a 400 naming the parameter.
 */
export function parseFindQuery(query: Record<string, unknown>): FindQuery {
  const known = [...FIND_PATH_PARAMS, ...Object.keys(FIND_ARCHIVE_FILTERS), 'page', 'page_size'];
  const unknown = Object.keys(query).find((p) => !known.includes(p));
  if (unknown) {
    throw new BadRequestException({
      [unknown]: [`Unknown filter. Use ${FIND_PATH_PARAMS.join(', ')}.`],
    });
  }
  const given = FIND_PATH_PARAMS.filter((p) => query[p] !== undefined);
  if (given.length !== 1) {
    throw new BadRequestException({
      path: [`Give exactly one of ${FIND_PATH_PARAMS.join(', ')}.`],
    });
  }

  const [param] = given;
  const value = single(query, param) ?? '';
  if (value === '') throw new BadRequestException({ [param]: ['Must not be empty.'] });
  const find: FindQuery = { archiveFilters: {}, ...pageOf(query) };
  for (const [filter, field] of Object.entries(FIND_ARCHIVE_FILTERS)) {
    const filterValue = single(query, filter);
    if (filterValue !== undefined) find.archiveFilters[field] = filterValue;
  }
  if (param === 'path') find.path = value;
  else if (param === 'path__contains') find.contains = value;
  else {
    const refusal = patternRefusal(value);
    if (refusal) throw new BadRequestException({ [param]: [refusal] });
    find.regex = { param, pattern: value, insensitive: param === 'path__iregex' };
  }

  return find;
}
