import { monthOf, monthRange, startOfMonth } from './calendar.util';

describe('startOfMonth', () => {
  it('is midnight UTC in UTC', () => {
    expect(startOfMonth(2026, 3, 'UTC').toISOString()).toBe('2026-03-01T00:00:00.000Z');
  });

  it('follows the zone offset in winter and summer', () => {
    expect(startOfMonth(2026, 1, 'Europe/Paris').toISOString()).toBe('2025-12-31T23:00:00.000Z');
    expect(startOfMonth(2026, 7, 'Europe/Paris').toISOString()).toBe('2026-06-30T22:00:00.000Z');
    expect(startOfMonth(2026, 7, 'America/New_York').toISOString()).toBe(
      '2026-07-01T04:00:00.000Z',
    );
  });
});

describe('monthRange', () => {
  it('spans one calendar month in the zone, December rolling into January', () => {
    const range = monthRange('Europe/Paris', new Date('2026-12-15T12:00:00Z'));

    expect(range.start.toISOString()).toBe('2026-11-30T23:00:00.000Z');
    expect(range.end.toISOString()).toBe('2026-12-31T23:00:00.000Z');
  });

  it('takes an explicit YYYY-MM', () => {
    expect(monthRange('UTC', new Date(), '2027-02').end.toISOString()).toBe(
      '2027-03-01T00:00:00.000Z',
    );
  });
});

describe('monthOf', () => {
  it('reads the month in the zone, not in UTC', () => {
    expect(monthOf(new Date('2026-12-31T23:30:00Z'), 'Europe/Paris')).toEqual({
      year: 2027,
      month: 1,
    });
  });
});
