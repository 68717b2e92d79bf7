import { generateSshKeyPair, InvalidSshKeyError, publicKeyOf } from './ssh-keys.util';

describe('generateSshKeyPair', () => {
  it('makes an ed25519 pair whose public half matches the private key', () => {
    const pair = generateSshKeyPair('ed25519');

    expect(pair.privateKey).toContain('BEGIN OPENSSH PRIVATE KEY');
    expect(pair.publicKey).toMatch(/^ssh-ed25519 [A-Za-z0-9+/=]+ cyborgbackup$/);
    expect(publicKeyOf(pair.privateKey)).toBe(pair.publicKey);
  });

  it('makes an RSA pair of the requested size', () => {
    const pair = generateSshKeyPair('rsa', 2048);

    expect(pair.publicKey).toMatch(/^ssh-rsa /);
    expect(publicKeyOf(pair.privateKey)).toBe(pair.publicKey);
  });
});

describe('publicKeyOf', () => {
  it('rejects text that is not a key', () => {
    expect(() => publicKeyOf('not a key')).toThrow(InvalidSshKeyError);
  });

  it('rejects a public key given as the private key', () => {
    const pair = generateSshKeyPair('ed25519');

    expect(() => publicKeyOf(pair.publicKey)).toThrow(InvalidSshKeyError);
  });
});
