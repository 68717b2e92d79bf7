import { POLICY_TYPES, isPolicyType } from './policy-type';

describe('isPolicyType', () => {
  it('accepts every policy type of the original system', () => {
    expect(POLICY_TYPES.every(isPolicyType)).toBe(true);
    expect(POLICY_TYPES).toHaveLength(9);
  });

  it.each(['', 'ROOTFS', 'files', ' mysql', null, 3])('rejects %p', (value) => {
    expect(isPolicyType(value)).toBe(false);
  });
});
