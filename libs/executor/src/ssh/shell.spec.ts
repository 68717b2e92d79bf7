import { execFileSync } from 'node:child_process';

import { command, quote, Script } from './shell';

// Each value goes through a real sh, which must hand it back byte for byte.
function echoThroughShell(value: string): string {
  return execFileSync('sh', ['-c', `printf '%s' ${quote(value)}`], { encoding: 'utf8' });
}

describe('quote', () => {
  const hostile = [
    '; touch /tmp/canary',
    '$(touch /tmp/canary)',
    '`touch /tmp/canary`',
    "it's",
    '"double"',
    'line\nbreak',
    '--help',
    '',
    ' spaces  ',
    '*',
    '~root',
    "'''",
    '\\',
    'ünïcödé',
  ];

  it.each(hostile)('passes %j through sh unchanged', (value) => {
    expect(echoThroughShell(value)).toBe(value);
  });

  it('leaves plain words readable', () => {
    expect(quote('/var/backups/db-1.sql')).toBe('/var/backups/db-1.sql');
    expect(quote('a b')).toBe("'a b'");
  });

  it('refuses NUL bytes', () => {
    expect(() => quote('a\0b')).toThrow('NUL');
  });

  it('joins an argument vector', () => {
    expect(command(['borg', 'create', 'x y'])).toBe("borg create 'x y'");
    expect(() => command([])).toThrow('empty');
  });

  it('builds scripts with quoted exports', () => {
    const script = new Script().export('A_B', "x'y").run(['echo', '$A_B']).toString();
    expect(script).toBe(`A_B='x'\\''y'; export A_B\necho '$A_B'`);
    expect(() => new Script().export('a;b', '1')).toThrow('bad variable');
  });
});
