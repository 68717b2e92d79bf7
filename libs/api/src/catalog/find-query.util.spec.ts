import { BadRequestException } from '@nestjs/common';

import { parseFindQuery } from './find-query.util';

function refusal(query: Record<string, unknown>): unknown {
  try {
    parseFindQuery(query);
  } catch (error) {
    if (error instanceof BadRequestException) return error.getResponse();
    throw error;
  }

  return null;
}

describe(parseFindQuery.name, () => {
  it('reads an exact path with archive filters and a page', () => {
    expect(
      parseFindQuery({
        path: 'etc/hosts',
        client: '3',
        archive_name: 'web-1',
        archive: '9',
        page: '2',
        page_size: '50',
      }),
    ).toEqual({
      path: 'etc/hosts',
      archiveFilters: { client: '3', name: 'web-1', id: '9' },
      page: 2,
      pageSize: 50,
    });
  });

  it('reads a substring or a pattern, case-insensitive for __iregex', () => {
    expect(parseFindQuery({ path__contains: 'hosts' })).toMatchObject({ contains: 'hosts' });
    expect(parseFindQuery({ path__iregex: '\\.conf$' }).regex).toEqual({
      param: 'path__iregex',
      pattern: '\\.conf$',
      insensitive: true,
    });
  });

  it.each([
    [{}, 'path'],
    [{ path: 'a', path__contains: 'b' }, 'path'],
    [{ path: 'a', colour: 'red' }, 'colour'],
    [{ path: '' }, 'path'],
    [{ path__regexp: 'a(?=b)' }, 'path__regexp'],
    [{ path: 'a', page_size: '201' }, 'page_size'],
    [{ path: 'a', page: '0' }, 'page'],
    [{ path: 'a\0b' }, 'path'],
  ])('refuses %j naming %s', (query, field) => {
    expect(Object.keys(refusal(query) as object)).toEqual([field]);
  });

  it('takes the last of repeated values, as the list filters do', () => {
    expect(parseFindQuery({ path: ['a', 'b'], client: ['1', '2'] })).toMatchObject({
      path: 'b',
      archiveFilters: { client: '2' },
    });
  });
});
