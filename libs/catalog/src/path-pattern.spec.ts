import { MAX_PATTERN_LENGTH, patternRefusal } from './path-pattern';

describe(patternRefusal.name, () => {
  it.each(['^etc/.*\\.conf$', 'home/[a-z]+/\\.ssh/', 'file0{2,3}\\.dat', '(a|b)+c', 'x{1,100}'])(
    'accepts %s',
    (pattern) => {
      expect(patternRefusal(pattern)).toBeNull();
    },
  );

  it.each([
    ['', 'empty'],
    ['a'.repeat(MAX_PATTERN_LENGTH + 1), 'at most'],
    ['(a)\\1', 'Back-references'],
    ['foo(?=bar)', 'Look-ahead'],
    ['(?<!x)y', 'Look-ahead'],
    ['(?i)etc', 'Embedded options'],
    ['***:etc', '***'],
    ['a{1,101}', 'exceed'],
    ['a{500}', 'exceed'],
    ['a{1}b{1}c{1}d{1}e{1}', 'At most'],
    ['a\0b', 'NUL'],
  ])('refuses %j', (pattern, reason) => {
    expect(patternRefusal(pattern)).toContain(reason);
  });
});
