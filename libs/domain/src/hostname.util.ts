import { isIP } from 'node:net';

const MAX_HOSTNAME_LENGTH = 253;
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;
const DIGITS = /^\d+$/;

/**
 * True for an RFC 1123 host name (single labels such as `localhost` included), a dotted IPv4
 * address or an IPv6 address without brackets. Anything else, shell syntax in particular, is
 * refused, so the value is safe to hand to ssh as a host.
 */
export function isHostnameOrIp(value: string): boolean {
  // IPv6 zone ids (`fe80::1%eth0`) name a local interface, which means nothing to a peer
  if (value.includes('%')) {
    return false;
  }

  if (isIP(value) !== 0) {
    return true;
  }

  return isHostname(value);
}

function isHostname(value: string): boolean {
  if (value.length === 0 || value.length > MAX_HOSTNAME_LENGTH) {
    return false;
  }

  const labels = value.split('.');
  if (!labels.every((label) => LABEL.test(label))) {
    return false;
  }

  // A numeric last label means an address, not a name: `1.2.3.999` or `2130706433`, which the
  // resolver would read as 127.0.0.1, must pass as a valid IPv4 address or not at all.
  return !DIGITS.test(labels[labels.length - 1]);
}
