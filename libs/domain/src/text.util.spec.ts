import { hasControlCharacters } from './text.util';

describe('hasControlCharacters', () => {
  it.each(['plain text', 'accents éàü', 'quotes \' " and `ticks`', '$(echo) ; | &'])(
    'accepts printable text: %s',
    (value) => {
      expect(hasControlCharacters(value)).toBe(false);
    },
  );

  it.each([
    ['NUL', 'a\u0000b'],
    ['tab', 'a\tb'],
    ['newline', 'a\nb'],
    ['carriage return', 'a\rb'],
    ['escape', '\u001b[31m'],
    ['DEL', 'a\u007fb'],
    ['C1 control', 'a\u0085b'],
    ['line separator', 'a\u2028b'],
  ])('finds a %s', (_name, value) => {
    expect(hasControlCharacters(value)).toBe(true);
  });
});
