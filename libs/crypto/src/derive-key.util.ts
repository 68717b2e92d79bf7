import { hkdfSync } from 'node:crypto';

/** What a derived key is used for; each purpose gets an independent key from SECRET_KEY. */
export type KeyPurpose = 'secrets-at-rest' | 'jwt-signing' | 'api-token-hash';

export function deriveKey(secretKey: string, purpose: KeyPurpose): Buffer {
  return Buffer.from(hkdfSync('sha256', secretKey, 'cyborgbackup', purpose, 32));
}
