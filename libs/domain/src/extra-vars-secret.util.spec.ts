import { ENCRYPTED_PLACEHOLDER, maskExtraVars, unmaskExtraVars } from './extra-vars-secret.util';

describe('maskExtraVars', () => {
  it('replaces the password and keeps the other keys', () => {
    const extraVars = { user: 'backupuser', password: 'backuppass', databases: ['a'] };

    expect(maskExtraVars(extraVars)).toEqual({
      user: 'backupuser',
      password: '$encrypted$',
      databases: ['a'],
    });
  });

  it('leaves the given object untouched', () => {
    const extraVars = { password: 'backuppass' };
    maskExtraVars(extraVars);

    expect(extraVars.password).toBe('backuppass');
  });

  it('shows that no password is set', () => {
    expect(maskExtraVars({ password: '' })).toEqual({ password: '' });
    expect(maskExtraVars({ user: 'u' })).toEqual({ user: 'u' });
  });

  it('masks a password that is not a string', () => {
    expect(maskExtraVars({ password: 1234 })).toEqual({ password: ENCRYPTED_PLACEHOLDER });
  });
});

describe('unmaskExtraVars', () => {
  const stored = { user: 'u', password: 'backuppass' };

  it('keeps the stored password when the placeholder comes back', () => {
    expect(unmaskExtraVars({ user: 'v', password: ENCRYPTED_PLACEHOLDER }, stored)).toEqual({
      user: 'v',
      password: 'backuppass',
    });
  });

  it('takes a new password as given', () => {
    expect(unmaskExtraVars({ password: 'new' }, stored)).toEqual({ password: 'new' });
  });

  it('drops the placeholder when there is no stored password to keep', () => {
    expect(unmaskExtraVars({ password: ENCRYPTED_PLACEHOLDER }, { user: 'u' })).toEqual({});
    expect(unmaskExtraVars({ password: ENCRYPTED_PLACEHOLDER }, null)).toEqual({});
  });

  it('lets a client remove the password by leaving it out', () => {
    expect(unmaskExtraVars({ user: 'u' }, stored)).toEqual({ user: 'u' });
  });
});
