import { isHostnameOrIp } from './hostname.util';

describe('isHostnameOrIp', () => {
  it.each([
    'localhost',
    'backup01',
    'srv-1.example.com',
    'SRV.Example.COM',
    '1password.com',
    'a.b-c.d',
    `${'a'.repeat(63)}.example.com`,
    [1, 2, 3, 4].map(() => 'a'.repeat(62)).join('.'),
    '192.168.1.10',
    '0.0.0.0',
    '::1',
    '2001:db8::42',
    '::ffff:192.0.2.1',
  ])('accepts %s', (value) => {
    expect(isHostnameOrIp(value)).toBe(true);
  });

  it.each([
    ['an empty string', ''],
    ['a space', 'backup 01'],
    ['a semicolon', 'host;reboot'],
    ['a command substitution', '$(reboot)'],
    ['a variable', 'host$HOME'],
    ['backticks', '`id`'],
    ['a single quote', "host'"],
    ['a double quote', 'host"'],
    ['a newline', 'host\nother'],
    ['a leading hyphen', '-oProxyCommand=id'],
    ['a leading double hyphen', '--help'],
    ['a label ending with a hyphen', 'host-.example.com'],
    ['an underscore', 'my_host'],
    ['an empty label', 'host..example.com'],
    ['a trailing dot', 'example.com.'],
    ['a label of 64 characters', `${'a'.repeat(64)}.example.com`],
    ['a name over 253 characters', [1, 2, 3, 4, 5].map(() => 'a'.repeat(60)).join('.')],
    ['an IPv4 address out of range', '192.168.1.256'],
    ['an IPv4 address with a leading zero', '192.168.01.1'],
    ['a short numeric address', '127.1'],
    ['an integer address', '2130706433'],
    ['an IPv6 zone id', 'fe80::1%eth0'],
    ['an IPv6 address in brackets', '[::1]'],
    ['a user part', 'root@host'],
    ['a port', 'host:22'],
    ['a non-ASCII name', 'bücher.example'],
  ])('rejects %s', (_name, value) => {
    expect(isHostnameOrIp(value)).toBe(false);
  });
});
