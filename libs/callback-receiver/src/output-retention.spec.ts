import { expiredDays, utcDay } from './output-retention';

describe('expiredDays', () => {
  const now = new Date('2026-03-31T10:00:00Z');

  it('keeps a day until the day after it is older than the retention', () => {
    const days = ['2026-03-20', '2026-03-21', '2026-03-22', '2026-03-30'];

    expect(expiredDays(days, now, 10)).toEqual(['2026-03-20']);
  });

  it('returns the expired days oldest first', () => {
    expect(expiredDays(['2026-01-02', '2026-01-01'], now, 30)).toEqual([
      '2026-01-01',
      '2026-01-02',
    ]);
  });
});

describe('utcDay', () => {
  it('counts whole days from the given time, in UTC', () => {
    expect(utcDay(new Date('2026-03-31T23:30:00Z'), 1)).toBe('2026-04-01');
    expect(utcDay(new Date('2026-03-01T00:30:00Z'), -1)).toBe('2026-02-28');
  });
});
