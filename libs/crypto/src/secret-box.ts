import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

import { deriveKey } from './derive-key.util';

const PREFIX = 'enc:v1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class SecretDecryptionError extends Error {}

/**
 * Encrypts secrets (SSH keys, passphrases, passwords) for storage with
 * AES-256-GCM under a key derived from SECRET_KEY. The stored form is
 * `enc:v1:<base64 of iv | tag | ciphertext>`; the version leaves room to
 * rotate the scheme without guessing what a value is.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(secretKey: string) {
    this.key = deriveKey(secretKey, 'secrets-at-rest');
  }

  static isEncrypted(value: string): boolean {
    return value.startsWith(PREFIX);
  }

  encrypt(plain: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);

    return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
  }

  decrypt(stored: string): string {
    if (!SecretBox.isEncrypted(stored)) {
      throw new SecretDecryptionError('value is not an encrypted secret');
    }
    const raw = Buffer.from(stored.slice(PREFIX.length), 'base64');
    if (raw.length < IV_BYTES + TAG_BYTES) {
      throw new SecretDecryptionError('encrypted secret is truncated');
    }
    const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, IV_BYTES));
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    try {
      const body = raw.subarray(IV_BYTES + TAG_BYTES);

      return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretDecryptionError(
        'secret cannot be decrypted: it was written with another SECRET_KEY or was altered',
      );
    }
  }
}
