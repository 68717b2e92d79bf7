import { CrontabError } from './crontab.exception';
import { parseYearField } from './crontab-year.util';

function yearsOf(field: string): readonly number[] | undefined {
  return parseYearField(field)?.years;
}

describe('parseYearField', () => {
  it('puts no constraint on the year for *', () => {
    expect(parseYearField('*')).toBeNull();
  });

  it.each([
    ['2027', [2027]],
    ['1970', [1970]],
    ['2199', [2199]],
    ['2025-2028', [2025, 2026, 2027, 2028]],
    ['2025,2027,2030-2031', [2025, 2027, 2030, 2031]],
    ['2030,2025-2026,2025', [2025, 2026, 2030]],
    ['*/50', [1970, 2020, 2070, 2120, 2170]],
    ['2025-2035/5', [2025, 2030, 2035]],
    ['2025/100', [2025, 2125]],
  ])('reads %s', (field, years) => {
    expect(yearsOf(field)).toEqual(years);
  });

  it('keeps the field as written', () => {
    expect(parseYearField('2025-2035/5')?.expression).toBe('2025-2035/5');
  });

  it.each([
    ['an empty field', ''],
    ['a year before 1970', '1969'],
    ['a year after 2199', '2200'],
    ['a two-digit year', '27'],
    ['a five-digit year', '02027'],
    ['an open range', '2027-'],
    ['a negative year', '-2027'],
    ['a range ending before it starts', '2030-2025'],
    ['a range with three bounds', '2025-2030-2035'],
    ['a zero step', '*/0'],
    ['a step that is not a number', '*/x'],
    ['two steps', '2025/5/2'],
    ['an empty list item', '2025,,2026'],
    ['a leading comma', ',2025'],
    ['a question mark', '?'],
    ['a command substitution', '$(id)'],
    ['backticks', '`id`'],
    ['quotes', "'2025'"],
    ['a semicolon', '2025;'],
  ])('rejects %s', (_name, field) => {
    expect(() => parseYearField(field)).toThrow(CrontabError);
  });

  it('explains what is wrong with the field', () => {
    expect(() => parseYearField('2025,2300')).toThrow(
      'invalid year field "2025,2300": "2300" is not a year between 1970 and 2199',
    );
  });
});

describe('YearMatcher', () => {
  const matcher = parseYearField('2025-2035/5');

  it('matches only the listed years', () => {
    expect(matcher?.matches(2030)).toBe(true);
    expect(matcher?.matches(2031)).toBe(false);
  });

  it('finds the first matching year from a given one', () => {
    expect(matcher?.firstFrom(2000)).toBe(2025);
    expect(matcher?.firstFrom(2026)).toBe(2030);
    expect(matcher?.firstFrom(2030)).toBe(2030);
  });

  it('says when no later year can match', () => {
    expect(matcher?.firstFrom(2036)).toBeNull();
  });
});
