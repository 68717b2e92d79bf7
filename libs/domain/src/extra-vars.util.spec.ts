import { isPlainObject, validateExtraVars } from './extra-vars.util';
import { POLICY_TYPES, PolicyType } from './policy-type';

describe('validateExtraVars', () => {
  it.each(POLICY_TYPES.filter((type) => !['folders', 'piped'].includes(type)))(
    'accepts empty extra_vars for a %s policy',
    (type) => {
      expect(validateExtraVars(type, {})).toEqual([]);
    },
  );

  it.each([null, [], 'exclude', 42, new Date(0)])('rejects %p as extra_vars', (value) => {
    expect(validateExtraVars('rootfs', value)).toEqual(['extra_vars must be a JSON object']);
  });

  it.each<[PolicyType, Record<string, unknown>]>([
    ['rootfs', { exclude: ['/var/cache', '*.tmp', 'sh:/home/*/.cache'] }],
    ['config', { exclude: [] }],
    ['mail', { exclude: ['/var/mail/spam'] }],
    ['folders', { folders: ['/srv/www', '/home/user/my documents'], exclude: ['*.log'] }],
    ['piped', { command: 'pg_dumpall | gzip' }],
    ['piped', { command: 'set -e\nmysqldump --all-databases', filename: 'dumps/all.sql' }],
    ['mysql', { user: 'backupuser', password: "p@ss'w0rd$(x)", databases: 'mydb' }],
    ['mysql', { databases: ['mydb1', 'my-db2'], host: 'db.example.com', port: 3306 }],
    ['postgresql', { database: 'mydb', user: 'backupuser', password: 'secret' }],
    ['postgresql', { databases: ['a', 'b'], host: '10.0.0.4', port: 5432 }],
    ['postgresql', { password: '' }],
    ['vm', { vms: ['web01', 'db01'] }],
    ['proxmox', { vms: [100, 'web01', 999_999_999] }],
  ])('accepts a %s policy with %j', (type, value) => {
    expect(validateExtraVars(type, value)).toEqual([]);
  });

  it('names unknown keys and lists the allowed ones', () => {
    expect(validateExtraVars('mysql', { database: 'x', 'rm -rf': 1 })).toEqual([
      'unknown key "database" for a mysql policy (allowed: exclude, user, password, databases, host, port)',
      'unknown key "rm -rf" for a mysql policy (allowed: exclude, user, password, databases, host, port)',
    ]);
  });

  it('escapes and shortens an unknown key in the message', () => {
    const [message] = validateExtraVars('rootfs', { [`a\n${'b'.repeat(100)}`]: 1 });

    expect(message).toContain(`"a\\n${'b'.repeat(62)}..."`);
  });

  it('accepts only exclude for rootfs, config and mail policies', () => {
    for (const type of ['rootfs', 'config', 'mail'] as const) {
      expect(validateExtraVars(type, { folders: ['/srv'] })).toEqual([
        `unknown key "folders" for a ${type} policy (allowed: exclude)`,
      ]);
    }
  });

  it('requires folders for a folders policy', () => {
    expect(validateExtraVars('folders', {})).toEqual(['folders is required for a folders policy']);
  });

  it('requires a command for a piped policy', () => {
    expect(validateExtraVars('piped', {})).toEqual(['command is required for a piped policy']);
  });

  it('refuses database and databases together', () => {
    expect(validateExtraVars('postgresql', { database: 'a', databases: ['b'] })).toEqual([
      'use either database or databases, not both',
    ]);
  });

  it('reports every problem at once', () => {
    expect(validateExtraVars('mysql', { user: 1, port: '3306', databases: [] })).toEqual([
      'user must be a string',
      'databases must not be empty',
      'port must be an integer from 1 to 65535',
    ]);
  });

  it.each<[string, PolicyType, Record<string, unknown>, string]>([
    ['exclude as a string', 'rootfs', { exclude: '*.tmp' }, 'exclude must be an array of strings'],
    ['a number in exclude', 'rootfs', { exclude: [1] }, 'exclude[0] must be a string'],
    ['an empty pattern', 'rootfs', { exclude: [''] }, 'exclude[0] must not be empty'],
    [
      'a pattern starting with --',
      'rootfs',
      { exclude: ['--exclude-from=/etc/shadow'] },
      'exclude[0] must not start with "-"',
    ],
    [
      'a newline in a pattern',
      'rootfs',
      { exclude: ['a\nb'] },
      'exclude[0] must not contain control characters',
    ],
    [
      'a long pattern',
      'rootfs',
      { exclude: ['a'.repeat(1025)] },
      'exclude[0] must be at most 1024 characters',
    ],
    [
      'too many patterns',
      'rootfs',
      { exclude: Array<string>(1001).fill('a') },
      'exclude has more than 1000 items',
    ],
    ['folders as a string', 'folders', { folders: '/srv' }, 'folders must be an array of strings'],
    ['no folder', 'folders', { folders: [] }, 'folders must not be empty'],
    [
      'a relative folder',
      'folders',
      { folders: ['folder1'] },
      'folders[0] must be an absolute path starting with "/"',
    ],
    [
      'a folder starting with --',
      'folders',
      { folders: ['--help'] },
      'folders[0] must be an absolute path starting with "/"',
    ],
    [
      'a folder with a NUL',
      'folders',
      { folders: ['/srv\u0000'] },
      'folders[0] must not contain control characters',
    ],
    [
      'a folder with a newline',
      'folders',
      { folders: ['/srv', '/a\n/b'] },
      'folders[1] must not contain control characters',
    ],
    [
      'a long folder',
      'folders',
      { folders: [`/${'a'.repeat(4096)}`] },
      'folders[0] must be at most 4096 characters',
    ],
    [
      'too many folders',
      'folders',
      { folders: Array<string>(1001).fill('/a') },
      'folders has more than 1000 items',
    ],
    ['an empty command', 'piped', { command: '  ' }, 'command must not be empty'],
    ['a command that is not a string', 'piped', { command: ['ls'] }, 'command must be a string'],
    [
      'a NUL in the command',
      'piped',
      { command: 'ls\u0000' },
      'command must not contain NUL characters',
    ],
    [
      'a long command',
      'piped',
      { command: 'a'.repeat(8193) },
      'command must be at most 8192 characters',
    ],
    [
      'an absolute filename',
      'piped',
      { command: 'ls', filename: '/etc/passwd' },
      'filename must be a relative name',
    ],
    [
      'a filename going up',
      'piped',
      { command: 'ls', filename: '../x' },
      'filename must be a relative name',
    ],
    [
      'a filename with a space',
      'piped',
      { command: 'ls', filename: 'a b' },
      'filename must be a relative name',
    ],
    [
      'a filename with --',
      'piped',
      { command: 'ls', filename: '--x' },
      'filename must be a relative name',
    ],
    [
      'a filename with $( )',
      'piped',
      { command: 'ls', filename: '$(id)' },
      'filename must be a relative name',
    ],
    [
      'a database starting with --',
      'mysql',
      { databases: ['--all-databases'] },
      'databases[0] must not start with "-"',
    ],
    [
      'a database with a newline',
      'mysql',
      { databases: 'a\nb' },
      'databases must not contain control characters',
    ],
    ['an empty database', 'postgresql', { database: '' }, 'database must not be empty'],
    [
      'a long database name',
      'postgresql',
      { database: 'a'.repeat(129) },
      'database must be at most 128 characters',
    ],
    [
      'databases as a number',
      'postgresql',
      { databases: 5 },
      'databases must be a string or an array of strings',
    ],
    ['a user starting with -', 'mysql', { user: '-uroot' }, 'user must not start with "-"'],
    [
      'a password with a newline',
      'mysql',
      { password: 'a\nb' },
      'password must not contain control characters',
    ],
    ['a password that is not a string', 'mysql', { password: null }, 'password must be a string'],
    [
      'a long password',
      'postgresql',
      { password: 'a'.repeat(1025) },
      'password must be at most 1024 characters',
    ],
    [
      'a host with $( )',
      'mysql',
      { host: '$(reboot)' },
      'host must be a host name or an IP address',
    ],
    [
      'a host with backticks',
      'mysql',
      { host: '`reboot`' },
      'host must be a host name or an IP address',
    ],
    [
      'a host with a quote',
      'postgresql',
      { host: "db'" },
      'host must be a host name or an IP address',
    ],
    [
      'a host with ;',
      'postgresql',
      { host: 'db;reboot' },
      'host must be a host name or an IP address',
    ],
    [
      'a host starting with --',
      'postgresql',
      { host: '--help' },
      'host must be a host name or an IP address',
    ],
    ['port 0', 'mysql', { port: 0 }, 'port must be an integer from 1 to 65535'],
    ['port 65536', 'mysql', { port: 65536 }, 'port must be an integer from 1 to 65535'],
    [
      'a fractional port',
      'postgresql',
      { port: 5432.5 },
      'port must be an integer from 1 to 65535',
    ],
    ['vms as a string', 'vm', { vms: 'web01' }, 'vms must be an array of strings'],
    ['VM ids for a vm policy', 'vm', { vms: [100] }, 'vms[0] must be a string'],
    ['a VM name starting with -', 'vm', { vms: ['-x'] }, 'vms[0] must not start with "-"'],
    [
      'a VM name with a newline',
      'proxmox',
      { vms: ['a\n'] },
      'vms[0] must not contain control characters',
    ],
    ['a VM id of 0', 'proxmox', { vms: [0] }, 'vms[0] must be a VM id from 1 to 999999999'],
    [
      'a fractional VM id',
      'proxmox',
      { vms: [100.5] },
      'vms[0] must be a VM id from 1 to 999999999',
    ],
    ['a VM given as an object', 'proxmox', { vms: [{ id: 1 }] }, 'vms[0] must be a string'],
    ['no VM', 'proxmox', { vms: [] }, 'vms must not be empty'],
  ])('rejects %s', (_name, type, value, message) => {
    expect(validateExtraVars(type, value)).toEqual([expect.stringContaining(message)]);
  });

  // Names travel as command arguments, quoted where they cross a shell, and MySQL and
  // PostgreSQL allow such characters in quoted identifiers.
  it('accepts shell punctuation inside names', () => {
    expect(validateExtraVars('mysql', { databases: ['x;drop', 'a$(b)', 'c`d`', "e'f"] })).toEqual(
      [],
    );
  });

  it('treats __proto__ as an unknown key', () => {
    expect(validateExtraVars('vm', JSON.parse('{"__proto__": {"vms": 1}}') as unknown)).toEqual([
      'unknown key "__proto__" for a vm policy (allowed: exclude, vms)',
    ]);
  });
});

describe('isPlainObject', () => {
  it('accepts objects made by JSON.parse and by Object.create(null)', () => {
    expect(isPlainObject(JSON.parse('{"__proto__": 1}') as unknown)).toBe(true);
    expect(isPlainObject(Object.create(null))).toBe(true);
  });

  it('rejects arrays, null and class instances', () => {
    expect(isPlainObject([])).toBe(false);
    expect(isPlainObject(null)).toBe(false);
    expect(isPlainObject(new Map())).toBe(false);
  });
});
