import { SecretBox, SecretDecryptionError } from './secret-box';

describe(SecretBox.name, () => {
  const box = new SecretBox('a'.repeat(40));

  it('round-trips a secret and never stores it in clear', () => {
    const stored = box.encrypt('borg passphrase');

    expect(stored).toMatch(/^enc:v1:/);
    expect(stored).not.toContain('borg passphrase');
    expect(box.decrypt(stored)).toBe('borg passphrase');
  });

  it('uses a fresh nonce for every encryption', () => {
    expect(box.encrypt('same')).not.toBe(box.encrypt('same'));
  });

  it('refuses a value encrypted under another key', () => {
    const other = new SecretBox('b'.repeat(40));

    expect(() => other.decrypt(box.encrypt('x'))).toThrow(SecretDecryptionError);
  });

  it('refuses a tampered value', () => {
    const stored = box.encrypt('secret');
    const raw = Buffer.from(stored.slice('enc:v1:'.length), 'base64');
    raw[raw.length - 1] ^= 1;

    expect(() => box.decrypt(`enc:v1:${raw.toString('base64')}`)).toThrow(SecretDecryptionError);
  });

  it('refuses plain text', () => {
    expect(() => box.decrypt('hello')).toThrow(SecretDecryptionError);
    expect(SecretBox.isEncrypted('hello')).toBe(false);
  });
});
