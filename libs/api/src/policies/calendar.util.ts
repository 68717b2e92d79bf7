/** Offset of `timeZone` from UTC at instant `t`, in milliseconds. */
function offsetAt(t: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(t));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const local = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );

  return local - (t - (t % 1000));
}

/** The instant at which the first day of a month begins in a time zone. */
export function startOfMonth(year: number, month: number, timeZone: string): Date {
  const wall = Date.UTC(year, month - 1, 1);
  let guess = wall - offsetAt(wall, timeZone);
  guess = wall - offsetAt(guess, timeZone);

  return new Date(guess);
}

/** Year and month (1-12) of an instant as seen in a time zone. */
export function monthOf(date: Date, timeZone: string): { year: number; month: number } {
  const [year, month] = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
  })
    .format(date)
    .split('-')
    .map(Number);

  return { year, month };
}

/** `[start, end)` of the month `YYYY-MM` (or the month of `now`) in a time zone. */
export function monthRange(
  timeZone: string,
  now: Date,
  yearMonth?: string,
): { start: Date; end: Date } {
  const { year, month } = yearMonth
    ? { year: Number(yearMonth.slice(0, 4)), month: Number(yearMonth.slice(5, 7)) }
    : monthOf(now, timeZone);
  const next = month === 12 ? { year: year + 1, month: 1 } : { year, month: month + 1 };

  return {
    start: startOfMonth(year, month, timeZone),
    end: startOfMonth(next.year, next.month, timeZone),
  };
}
