import { BadRequestException } from '@nestjs/common';

import { parseLogSearch } from './log-search.query';

function problem(query: Record<string, unknown>): unknown {
  try {
    parseLogSearch(query);
  } catch (error) {
    if (error instanceof BadRequestException) return error.getResponse();
    throw error;
  }

  return null;
}

describe('parseLogSearch', () => {
  it('reads plain words, lower-cased and without repeats, and the filters', () => {
    expect(
      parseLogSearch({
        search: 'Disk FULL disk "OR" *',
        client: '3',
        status: 'failed',
        level: 'error',
        since: '2026-01-01',
        page_size: '10',
      }),
    ).toEqual({
      words: ['disk', 'full', 'or'],
      job: null,
      client: 3,
      policy: null,
      status: 'failed',
      level: 'error',
      since: new Date('2026-01-01T00:00:00Z'),
      until: null,
      page: 1,
      pageSize: 10,
    });
  });

  it.each([
    [{ search: '*** ()' }, 'search'],
    [{ search: 'x'.repeat(201) }, 'search'],
    [{ search: 'a', client: 'one' }, 'client'],
    [{ search: 'a', status: 'lost' }, 'status'],
    [{ search: 'a', level: 'loud' }, 'level'],
    [{ search: 'a', since: 'yesterday' }, 'since'],
    [{ search: 'a', since: '2026-02-01', until: '2026-01-01' }, 'until'],
    [{ search: 'a', page: '101', page_size: '100' }, 'page'],
    [{ search: ['a', 'b'] }, 'search'],
  ])('refuses %j, naming %s', (query, field) => {
    expect(Object.keys(problem(query) as object)).toEqual([field]);
  });
});
