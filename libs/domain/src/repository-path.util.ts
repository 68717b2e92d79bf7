import { isIP } from 'node:net';

import { isHostnameOrIp } from './hostname.util';
import { RepositoryPathError } from './repository-path.exception';
import { hasControlCharacters } from './text.util';

export interface RepositoryPath {
  user: string;
  /** Without brackets, also for IPv6. */
  host: string;
  port: number | null;
  /** `/absolute`, `~/relative to home` or `relative/to/login/directory`. */
  path: string;
}

export const MAX_REPOSITORY_PATH_LENGTH = 1024;

// room for the scheme, a 32-character user, a 253-character host and a port around the path
const MAX_LOCATION_LENGTH = MAX_REPOSITORY_PATH_LENGTH + 320;

const LOGIN_NAME = /^[a-z_][a-z0-9_.-]{0,31}$/i;
const SSH_URL = /^ssh:\/\/([^/]*)(\/.*)?$/is;
const PORT = /^[1-9]\d{0,4}$/;
const FORMS = 'expected user@host:/path, user@host:relative/path or ssh://user@host[:port]/path';

/** Parses a borg repository location on a remote host reached over SSH. */
export function parseRepositoryPath(path: string): RepositoryPath {
  if (path.length > MAX_LOCATION_LENGTH) {
    throw new RepositoryPathError(
      `repository location is longer than ${MAX_LOCATION_LENGTH} characters`,
    );
  }

  if (hasControlCharacters(path)) {
    throw new RepositoryPathError('repository path contains control characters');
  }

  const url = SSH_URL.exec(path);
  if (url) {
    return parseSshUrl(url[1], url[2]);
  }

  return parseScpStyle(path);
}

/**
 * The `ssh://` form borg accepts. Borg reads `/~/x` as relative to the home directory and
 * `/./x` as relative to the login directory, so relative paths keep their meaning.
 */
export function formatRepositoryUrl(parsed: RepositoryPath): string {
  const host = isIP(parsed.host) === 6 ? `[${parsed.host}]` : parsed.host;
  const port = parsed.port === null ? '' : `:${parsed.port}`;
  let path = parsed.path;
  if (path.startsWith('~')) {
    path = `/${path}`;
  } else if (!path.startsWith('/')) {
    path = `/./${path}`;
  }

  return `ssh://${parsed.user}@${host}${port}${path}`;
}

function parseSshUrl(authority: string, urlPath: string | undefined): RepositoryPath {
  if (urlPath === undefined) {
    throw new RepositoryPathError('repository URL has no path after the host');
  }

  const { user, rest } = splitUser(authority);
  const { host, rest: afterHost } = splitHost(rest);
  let port: number | null = null;
  if (afterHost !== '') {
    if (!afterHost.startsWith(':')) {
      throw new RepositoryPathError(`repository host "${rest}" is not a valid host name or IP`);
    }

    port = parsePort(afterHost.slice(1));
  }

  let path = urlPath;
  if (path === '/~' || path.startsWith('/~/')) {
    path = path.slice(1);
  } else if (path.startsWith('/./')) {
    path = path.slice(3);
  }

  return { user, host, port, path: checkPath(path) };
}

function parseScpStyle(location: string): RepositoryPath {
  if (!location.includes('@')) {
    throw new RepositoryPathError(`repository path has no user; ${FORMS}`);
  }

  const { user, rest } = splitUser(location);
  const noSeparator = `repository path has no ":" between host and path; ${FORMS}`;
  if (!rest.includes(':')) {
    throw new RepositoryPathError(noSeparator);
  }

  const { host, rest: afterHost } = splitHost(rest);
  if (!afterHost.startsWith(':')) {
    throw new RepositoryPathError(noSeparator);
  }

  return { user, host, port: null, path: checkPath(afterHost.slice(1)) };
}

function splitUser(value: string): { user: string; rest: string } {
  const at = value.indexOf('@');
  if (at === -1) {
    throw new RepositoryPathError(`repository path has no user; ${FORMS}`);
  }

  const user = value.slice(0, at);
  if (!LOGIN_NAME.test(user)) {
    throw new RepositoryPathError(
      'repository user must be a login name: a letter or "_", then up to 31 letters, digits, ' +
        '".", "_" or "-"',
    );
  }

  return { user, rest: value.slice(at + 1) };
}

// Brackets are needed around an IPv6 address, whose colons would otherwise be taken for the
// separator before the port or path.
function splitHost(value: string): { host: string; rest: string } {
  let host: string;
  let rest: string;
  if (value.startsWith('[')) {
    const close = value.indexOf(']');
    host = close === -1 ? value : value.slice(1, close);
    rest = close === -1 ? '' : value.slice(close + 1);
    if (close === -1 || isIP(host) !== 6 || !isHostnameOrIp(host)) {
      throw new RepositoryPathError('repository host in brackets must be an IPv6 address');
    }

    return { host, rest };
  }

  const colon = value.indexOf(':');
  host = colon === -1 ? value : value.slice(0, colon);
  rest = colon === -1 ? '' : value.slice(colon);
  if (!isHostnameOrIp(host) || isIP(host) === 6) {
    throw new RepositoryPathError(`repository host "${host}" is not a valid host name or IP`);
  }

  return { host, rest };
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!PORT.test(value) || port > 65535) {
    throw new RepositoryPathError(`repository port "${value}" is not a number from 1 to 65535`);
  }

  return port;
}

function checkPath(path: string): string {
  if (path === '') {
    throw new RepositoryPathError('repository path is empty after the host');
  }

  if (path.length > MAX_REPOSITORY_PATH_LENGTH) {
    throw new RepositoryPathError(
      `repository path is longer than ${MAX_REPOSITORY_PATH_LENGTH} characters`,
    );
  }

  // a leading "-" would be read as an option by borg or by a remote command
  if (path.startsWith('-')) {
    throw new RepositoryPathError('repository path must not start with "-"');
  }

  return path;
}
