import { CrontabError } from './crontab.exception';
import { isValidTimeZone, nextRuns, parseCrontab, runsBetween } from './crontab.util';

function iso(dates: Date[]): string[] {
  return dates.map((date) => date.toISOString());
}

function next(expr: string, from: string, timeZone: string, count: number): string[] {
  return iso(nextRuns(expr, { from: new Date(from), timeZone, count }));
}

function between(expr: string, start: string, end: string, timeZone: string): string[] {
  return iso(runsBetween(expr, { start: new Date(start), end: new Date(end), timeZone }));
}

describe('parseCrontab', () => {
  it.each([
    '0 3 * * *',
    '*/15 8-18 * * 1-5',
    '0 0 1 * *',
    '0 0 L * *',
    '5 4 * * sun',
    '0 4 * * MON-FRI',
    '0 0 1 jan,jul *',
    '0 0 * * 7',
    '0 2 * * 1#1',
    '0 0 ? * *',
  ])('accepts %s', (expr) => {
    expect(parseCrontab(expr)).toEqual({ minuteToWeekday: expr, years: null });
  });

  it('normalises the spacing between fields', () => {
    expect(parseCrontab('  0   3 * *  * ').minuteToWeekday).toBe('0 3 * * *');
  });

  it('treats a trailing * as no year constraint', () => {
    expect(parseCrontab('0 3 * * * *')).toEqual({ minuteToWeekday: '0 3 * * *', years: null });
  });

  it('reads a trailing year field', () => {
    const crontab = parseCrontab('0 3 * * * 2027');

    expect(crontab.minuteToWeekday).toBe('0 3 * * *');
    expect(crontab.years?.years).toEqual([2027]);
  });

  it.each([
    ['an empty string', '', 'crontab is empty'],
    ['only spaces', '   ', 'crontab is empty'],
    ['four fields', '0 3 * *', 'expected 5 fields (minute hour day month weekday) or 6'],
    ['seven fields', '0 0 3 * * * 2027', 'got 7'],
    ['more than 200 characters', `0 3 * * ${'1,'.repeat(100)}1`, 'longer than 200'],
    ['tabs between fields', '0\t3\t*\t*\t*', 'control characters'],
    ['a newline', '0 3 * * *\n* * * * *', 'control characters'],
    ['a NUL', '0 3 * * *\u0000', 'control characters'],
    ['a shell command after it', '0 3 * * *; reboot', 'weekday field "*;"'],
    ['a command substitution', '$(reboot) 3 * * *', 'minute field "$(reboot)"'],
    ['backticks', '0 `id` * * *', 'hour field'],
    ['quotes', "'0' 3 * * *", 'minute field'],
    ['a leading double hyphen', '--help 3 * * *', 'minute field'],
    ['minute 60', '60 3 * * *', 'minute field "60"'],
    ['hour 24', '0 24 * * *', 'hour field "24"'],
    ['day 32', '0 0 32 * *', 'day of month field "32"'],
    ['month 13', '0 0 * 13 *', 'month field "13"'],
    ['weekday 8', '0 0 * * 8', 'weekday field "8"'],
    ['an unknown name', '0 0 * * fun', 'weekday field "fun"'],
    ['a zero step', '*/0 * * * *', 'minute field "*/0"'],
    ['an empty list item', '1,,2 * * * *', 'minute field'],
    ['Sunday written twice', '0 0 * * 0,7', 'duplicate values'],
    ['a date that never occurs', '0 0 30 2 *', 'never occurs'],
    ['both day of month and weekday', '0 0 1 * 1', 'cannot both be restricted'],
    ['a hashed value', '0 H * * *', 'hashed values (H) are not supported'],
    ['a macro', '@daily', 'got 1'],
    ['a year before 1970', '0 3 * * * 1969', 'invalid year field "1969"'],
    ['a year after 2199', '0 3 * * * 2200', 'invalid year field "2200"'],
    ['a two-digit year', '0 3 * * * 27', 'invalid year field "27"'],
  ])('rejects %s', (_name, expr, message) => {
    expect(() => parseCrontab(expr)).toThrow(CrontabError);
    expect(() => parseCrontab(expr)).toThrow(message);
  });
});

describe('nextRuns', () => {
  it('lists the runs after a date in UTC', () => {
    expect(next('0 3 * * *', '2026-01-01T00:00:00Z', 'UTC', 3)).toEqual([
      '2026-01-01T03:00:00.000Z',
      '2026-01-02T03:00:00.000Z',
      '2026-01-03T03:00:00.000Z',
    ]);
  });

  it('does not count a run at exactly the start date', () => {
    expect(next('0 3 * * *', '2026-01-01T03:00:00Z', 'UTC', 1)).toEqual([
      '2026-01-02T03:00:00.000Z',
    ]);
  });

  it('reads the fields in the given time zone', () => {
    expect(next('0 3 * * *', '2026-01-01T00:00:00Z', 'America/New_York', 1)).toEqual([
      '2026-01-01T08:00:00.000Z',
    ]);
  });

  it('runs a job in the hour skipped by the spring change once, an hour later', () => {
    // 02:30 does not exist in Paris on 2026-03-29: clocks jump from 02:00 CET to 03:00 CEST
    expect(next('30 2 * * *', '2026-03-27T12:00:00Z', 'Europe/Paris', 4)).toEqual([
      '2026-03-28T01:30:00.000Z',
      '2026-03-29T01:30:00.000Z',
      '2026-03-30T00:30:00.000Z',
      '2026-03-31T00:30:00.000Z',
    ]);
  });

  it('runs a job in the hour repeated by the autumn change only once', () => {
    // 02:30 happens twice in Paris on 2026-10-25, first in CEST (00:30Z) then in CET (01:30Z)
    expect(next('30 2 * * *', '2026-10-23T12:00:00Z', 'Europe/Paris', 3)).toEqual([
      '2026-10-24T00:30:00.000Z',
      '2026-10-25T00:30:00.000Z',
      '2026-10-26T01:30:00.000Z',
    ]);
  });

  it('keeps an hourly schedule at one run an hour through the autumn change', () => {
    expect(next('0 * * * *', '2026-10-24T22:30:00Z', 'Europe/Paris', 4)).toEqual([
      '2026-10-24T23:00:00.000Z',
      '2026-10-25T00:00:00.000Z',
      '2026-10-25T01:00:00.000Z',
      '2026-10-25T02:00:00.000Z',
    ]);
  });

  it('skips the years the year field excludes and stops after the last one', () => {
    expect(next('0 3 1 1 * 2030,2035', '2026-06-01T00:00:00Z', 'UTC', 5)).toEqual([
      '2030-01-01T03:00:00.000Z',
      '2035-01-01T03:00:00.000Z',
    ]);
  });

  it('takes the year in the given time zone', () => {
    expect(next('0 0 1 1 * 2027', '2026-06-01T00:00:00Z', 'Pacific/Kiritimati', 1)).toEqual([
      '2026-12-31T10:00:00.000Z',
    ]);
    expect(next('0 0 1 1 * 2027', '2026-06-01T00:00:00Z', 'America/Los_Angeles', 1)).toEqual([
      '2027-01-01T08:00:00.000Z',
    ]);
  });

  it('keeps a run at the very first minute of the next allowed year', () => {
    expect(next('0 0 1 * * 2030', '2026-06-01T00:00:00Z', 'Pacific/Kiritimati', 2)).toEqual([
      '2029-12-31T10:00:00.000Z',
      '2030-01-31T10:00:00.000Z',
    ]);
  });

  it('reaches a distant year without walking through every run before it', () => {
    const started = Date.now();

    expect(next('* * * * * 2199', '2026-06-01T00:00:00Z', 'Pacific/Kiritimati', 2)).toEqual([
      '2198-12-31T10:00:00.000Z',
      '2198-12-31T10:01:00.000Z',
    ]);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('follows a stepped year field', () => {
    expect(next('0 0 1 1 * */2', '2026-01-01T00:00:00Z', 'UTC', 2)).toEqual([
      '2028-01-01T00:00:00.000Z',
      '2030-01-01T00:00:00.000Z',
    ]);
  });

  it('finds 29 February only in the leap years the year field keeps', () => {
    expect(next('0 0 29 2 * 2027-2037', '2026-01-01T00:00:00Z', 'UTC', 5)).toEqual([
      '2028-02-29T00:00:00.000Z',
      '2032-02-29T00:00:00.000Z',
      '2036-02-29T00:00:00.000Z',
    ]);
  });

  it('returns nothing when the only allowed year has no matching date', () => {
    expect(next('0 0 29 2 * 2027', '2026-01-01T00:00:00Z', 'UTC', 3)).toEqual([]);
  });

  it('returns nothing when the allowed years are over', () => {
    expect(next('0 3 * * * 2025', '2026-01-01T00:00:00Z', 'UTC', 3)).toEqual([]);
  });

  it('handles a schedule that fires once in decades', () => {
    // a fifth Monday in February needs a leap year starting the month on a Monday
    expect(next('0 0 * 2 1#5', '2026-01-01T00:00:00Z', 'UTC', 2)).toEqual([
      '2044-02-29T00:00:00.000Z',
      '2072-02-29T00:00:00.000Z',
    ]);
  });

  it('returns nothing for a count of 0', () => {
    expect(next('0 3 * * *', '2026-01-01T00:00:00Z', 'UTC', 0)).toEqual([]);
  });

  it('refuses a negative or fractional count', () => {
    expect(() => next('0 3 * * *', '2026-01-01T00:00:00Z', 'UTC', -1)).toThrow(RangeError);
    expect(() => next('0 3 * * *', '2026-01-01T00:00:00Z', 'UTC', 1.5)).toThrow(RangeError);
  });

  it('refuses an unknown time zone', () => {
    expect(() => next('0 3 * * *', '2026-01-01T00:00:00Z', 'Mars/Olympus', 1)).toThrow(
      'unknown time zone "Mars/Olympus"',
    );
  });

  it('refuses an invalid date', () => {
    expect(() => next('0 3 * * *', 'not a date', 'UTC', 1)).toThrow(RangeError);
  });

  it('refuses an invalid crontab', () => {
    expect(() => next('0 3 * *', '2026-01-01T00:00:00Z', 'UTC', 1)).toThrow(CrontabError);
  });
});

describe('runsBetween', () => {
  // March 2026 in Paris: from 1 March 00:00 CET to 1 April 00:00 CEST
  const marchStart = '2026-02-28T23:00:00Z';
  const aprilStart = '2026-03-31T22:00:00Z';

  it('lists the runs of a month for the calendar', () => {
    expect(between('0 3 * * 1', marchStart, aprilStart, 'Europe/Paris')).toEqual([
      '2026-03-02T02:00:00.000Z',
      '2026-03-09T02:00:00.000Z',
      '2026-03-16T02:00:00.000Z',
      '2026-03-23T02:00:00.000Z',
      '2026-03-30T01:00:00.000Z',
    ]);
  });

  it('includes a run at exactly the start and excludes one at exactly the end', () => {
    expect(between('0 0 1 * *', marchStart, aprilStart, 'Europe/Paris')).toEqual([
      '2026-02-28T23:00:00.000Z',
    ]);
  });

  it('gives a daily schedule one run a day in the month of the spring change', () => {
    const runs = between('30 2 * * *', marchStart, aprilStart, 'Europe/Paris');

    expect(runs).toHaveLength(31);
    expect(runs).toContain('2026-03-29T01:30:00.000Z');
  });

  it('gives a daily schedule one run a day in the month of the autumn change', () => {
    const runs = between(
      '30 2 * * *',
      '2026-09-30T22:00:00Z',
      '2026-10-31T23:00:00Z',
      'Europe/Paris',
    );

    expect(runs).toHaveLength(31);
    expect(runs.filter((run) => run.startsWith('2026-10-25'))).toEqual([
      '2026-10-25T00:30:00.000Z',
    ]);
  });

  it('returns nothing for a month outside the allowed years', () => {
    expect(between('0 3 * * * 2030', marchStart, aprilStart, 'Europe/Paris')).toEqual([]);
  });

  it('returns the runs of a month inside the allowed years', () => {
    expect(between('0 3 1 * * 2025-2027', marchStart, aprilStart, 'Europe/Paris')).toEqual([
      '2026-03-01T02:00:00.000Z',
    ]);
  });

  it('returns nothing when the end is not after the start', () => {
    expect(between('* * * * *', aprilStart, marchStart, 'UTC')).toEqual([]);
    expect(between('* * * * *', marchStart, marchStart, 'UTC')).toEqual([]);
  });

  it('stops at the limit', () => {
    const runs = runsBetween('* * * * *', {
      start: new Date('2026-03-01T00:00:00Z'),
      end: new Date('2026-04-01T00:00:00Z'),
      timeZone: 'UTC',
      limit: 100,
    });

    expect(runs).toHaveLength(100);
    expect(runs[99]?.toISOString()).toBe('2026-03-01T01:39:00.000Z');
  });

  it('stops at 10,000 runs unless told otherwise', () => {
    expect(between('* * * * *', marchStart, aprilStart, 'UTC')).toHaveLength(10_000);
  });
});

describe('isValidTimeZone', () => {
  it.each(['UTC', 'Europe/Paris', 'America/Argentina/Buenos_Aires', 'Etc/GMT+5'])(
    'accepts %s',
    (timeZone) => {
      expect(isValidTimeZone(timeZone)).toBe(true);
    },
  );

  it.each(['', 'Mars/Olympus', 'local', '+01:00', 'Europe/Paris\n', 'x'.repeat(65)])(
    'rejects %p',
    (timeZone) => {
      expect(isValidTimeZone(timeZone)).toBe(false);
    },
  );
});
