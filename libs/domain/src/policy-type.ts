export const POLICY_TYPES = [
  'rootfs',
  'vm',
  'mysql',
  'postgresql',
  'piped',
  'config',
  'mail',
  'folders',
  'proxmox',
] as const;

export type PolicyType = (typeof POLICY_TYPES)[number];

export function isPolicyType(value: unknown): value is PolicyType {
  return typeof value === 'string' && (POLICY_TYPES as readonly string[]).includes(value);
}
