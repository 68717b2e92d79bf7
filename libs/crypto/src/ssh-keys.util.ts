import { type ParsedKey, utils } from 'ssh2';

export const SSH_KEY_TYPES = ['ed25519', 'rsa'] as const;
export type SshKeyType = (typeof SSH_KEY_TYPES)[number];

export const RSA_KEY_SIZES = [2048, 3072, 4096] as const;

export interface SshKeyPair {
  /** OpenSSH private key, unencrypted: callers encrypt it before storing. */
  privateKey: string;
  /** One `authorized_keys` line. */
  publicKey: string;
}

export class InvalidSshKeyError extends Error {}

export function generateSshKeyPair(
  type: SshKeyType,
  bits = 4096,
  comment = 'cyborgbackup',
): SshKeyPair {
  const pair =
    type === 'rsa'
      ? utils.generateKeyPairSync('rsa', { bits, comment })
      : utils.generateKeyPairSync('ed25519', { comment });

  return { privateKey: pair.private, publicKey: pair.public };
}

/** The `authorized_keys` line of a private key; throws when the key cannot be read. */
export function publicKeyOf(privateKey: string, comment = 'cyborgbackup'): string {
  const key: ParsedKey | Error = utils.parseKey(privateKey);
  if (key instanceof Error) {
    throw new InvalidSshKeyError(key instanceof Error ? key.message : 'not an SSH private key');
  }
  if (!key.isPrivateKey()) throw new InvalidSshKeyError('this is a public key, not a private key');

  return `${key.type} ${key.getPublicSSH().toString('base64')} ${comment}`;
}
