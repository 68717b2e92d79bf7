import { RepositoryPathError } from './repository-path.exception';
import { formatRepositoryUrl, parseRepositoryPath } from './repository-path.util';

describe('parseRepositoryPath', () => {
  it.each([
    [
      'borg@backup.example.com:/srv/borg/web01',
      'borg',
      'backup.example.com',
      null,
      '/srv/borg/web01',
    ],
    ['borg@backup:~/repos/web01', 'borg', 'backup', null, '~/repos/web01'],
    ['borg@backup:repos/web01', 'borg', 'backup', null, 'repos/web01'],
    ['Backup_User@10.0.0.5:/data', 'Backup_User', '10.0.0.5', null, '/data'],
    ['borg@[2001:db8::1]:/srv/borg', 'borg', '2001:db8::1', null, '/srv/borg'],
    ['ssh://borg@backup.example.com/srv/borg', 'borg', 'backup.example.com', null, '/srv/borg'],
    [
      'ssh://borg@backup.example.com:2222/srv/borg',
      'borg',
      'backup.example.com',
      2222,
      '/srv/borg',
    ],
    ['ssh://borg@[2001:db8::1]:22/srv/borg', 'borg', '2001:db8::1', 22, '/srv/borg'],
    ['ssh://borg@[::1]/srv/borg', 'borg', '::1', null, '/srv/borg'],
    ['ssh://borg@backup/~/repos/web01', 'borg', 'backup', null, '~/repos/web01'],
    ['ssh://borg@backup/./repos/web01', 'borg', 'backup', null, 'repos/web01'],
    ['SSH://borg@backup:65535/x', 'borg', 'backup', 65535, '/x'],
    ['borg@backup:/srv/my backups/a@b', 'borg', 'backup', null, '/srv/my backups/a@b'],
  ])('parses %s', (location, user, host, port, path) => {
    expect(parseRepositoryPath(location)).toEqual({ user, host, port, path });
  });

  // Commands are run with argument arrays and quoted where they cross a shell, so a path is
  // data: odd characters are kept as they are rather than refused.
  it('keeps shell characters of a path literally', () => {
    expect(parseRepositoryPath("borg@backup:/srv/a;b/$(x)/`y`/'z'").path).toBe(
      "/srv/a;b/$(x)/`y`/'z'",
    );
  });

  it.each([
    ['an empty string', '', /no user/],
    ['a local path', '/srv/borg', /no user/],
    ['a missing user', 'backup:/srv/borg', /no user/],
    ['a missing user in an URL', 'ssh://backup/srv/borg', /no user/],
    ['an empty user', '@backup:/srv/borg', /login name/],
    ['a user starting with a hyphen', '-oProxyCommand=id@backup:/srv', /login name/],
    ['a user with a semicolon', 'borg;id@backup:/srv', /login name/],
    ['a user with a command substitution', '$(id)@backup:/srv', /login name/],
    ['a user with backticks', '`id`@backup:/srv', /login name/],
    ['a user with quotes', "bo'rg@backup:/srv", /login name/],
    ['a user over 32 characters', `${'a'.repeat(33)}@backup:/srv`, /login name/],
    ['a host with a semicolon', 'borg@backup;reboot:/srv', /host "backup;reboot"/],
    ['a host with a command substitution', 'borg@$(reboot):/srv', /not a valid host/],
    ['a host with backticks', 'borg@`reboot`:/srv', /not a valid host/],
    ['a host with a space', 'borg@back up:/srv', /not a valid host/],
    ['a host starting with hyphens', 'borg@--help:/srv', /not a valid host/],
    ['an empty host', 'borg@:/srv', /not a valid host/],
    ['a bare IPv6 host', 'borg@::1:/srv', /not a valid host/],
    ['a host name in brackets', 'borg@[backup]:/srv', /IPv6/],
    ['an unclosed bracket', 'ssh://borg@[::1/srv', /IPv6/],
    ['an IPv6 zone id', 'ssh://borg@[fe80::1%eth0]/srv', /IPv6/],
    ['no colon before the path', 'borg@backup/srv', /no ":"/],
    ['an empty path', 'borg@backup:', /empty/],
    ['an URL without path', 'ssh://borg@backup:22', /no path/],
    ['a path starting with a hyphen', 'borg@backup:-x', /start with "-"/],
    ['a path starting with double hyphens', 'borg@backup:--remote-path=id', /start with "-"/],
    ['a newline in the path', 'borg@backup:/srv\n/etc', /control characters/],
    ['a NUL in the path', 'borg@backup:/srv\u0000x', /control characters/],
    ['a DEL in the path', 'borg@backup:/srv\u007f', /control characters/],
    ['a newline in the host', 'borg@backup\n:/srv', /control characters/],
    ['a path over 1024 characters', `borg@backup:/${'a'.repeat(1024)}`, /longer than 1024/],
    ['a huge input', `borg@backup:/${'a'.repeat(10_000)}`, /longer than/],
    ['port 0', 'ssh://borg@backup:0/srv', /port "0"/],
    ['port 65536', 'ssh://borg@backup:65536/srv', /port "65536"/],
    ['an empty port', 'ssh://borg@backup:/srv', /port ""/],
    ['a signed port', 'ssh://borg@backup:+22/srv', /port/],
    ['a port with letters', 'ssh://borg@backup:22a/srv', /port/],
    ['text after a bracketed host', 'ssh://borg@[::1]x/srv', /not a valid host/],
    ['two users', 'ssh://a@b@backup/srv', /not a valid host/],
  ])('rejects %s', (_name, location, message) => {
    expect(() => parseRepositoryPath(location)).toThrow(RepositoryPathError);
    expect(() => parseRepositoryPath(location)).toThrow(message);
  });
});

describe('formatRepositoryUrl', () => {
  it.each([
    ['borg@backup:/srv/borg', 'ssh://borg@backup/srv/borg'],
    ['borg@backup:~/repos', 'ssh://borg@backup/~/repos'],
    ['borg@backup:repos', 'ssh://borg@backup/./repos'],
    ['borg@[2001:db8::1]:/srv', 'ssh://borg@[2001:db8::1]/srv'],
    ['ssh://borg@backup:2222/srv/borg', 'ssh://borg@backup:2222/srv/borg'],
    ['ssh://borg@[::1]:22/~/r', 'ssh://borg@[::1]:22/~/r'],
  ])('writes %s as %s', (location, url) => {
    expect(formatRepositoryUrl(parseRepositoryPath(location))).toBe(url);
  });

  it('gives an URL that parses back to the same location', () => {
    for (const location of ['borg@backup:repos/a', 'borg@backup:~/a', 'ssh://b@[::1]:2/x']) {
      const parsed = parseRepositoryPath(location);

      expect(parseRepositoryPath(formatRepositoryUrl(parsed))).toEqual(parsed);
    }
  });
});
