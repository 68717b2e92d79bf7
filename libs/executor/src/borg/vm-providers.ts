/**
 * How to back up virtual machines of one kind: which command lists them on
 * a hypervisor client, and which writes one machine's disk (or the platform's
 * own dump) to standard output for `borg create --content-from-command`.
 * A new kind of hypervisor is one more entry here. Every machine name is
 * passed as an argument ($1), never pasted into shell text.
 */
export interface VmProvider {
  name: string;
  /** The policy type it serves: `proxmox`, or `vm` with `vmprovider` naming the provider. */
  policyType: 'vm' | 'proxmox';
  description: string;
  /** Prints the machines' names or ids, one per line. */
  listCommand: string[];
  /** Writes one machine to stdout. */
  dumpCommand(vm: string): string[];
  /** The file name of the dump inside the archive. */
  fileName(vm: string): string;
}

export const VM_PROVIDERS: VmProvider[] = [
  {
    name: 'proxmox',
    policyType: 'proxmox',
    description: 'Proxmox VE guests (VMs and containers), dumped by vzdump in snapshot mode',
    listCommand: [
      'sh',
      '-c',
      "{ qm list 2>/dev/null; pct list 2>/dev/null; } | awk '$1 ~ /^[0-9]+$/ {print $1}'",
    ],
    dumpCommand: (vm) => ['vzdump', vm, '--stdout', '--mode', 'snapshot'],
    fileName: (vm) => `vzdump-${vm}.vma`,
  },
  {
    name: 'libvirt',
    policyType: 'vm',
    description:
      "libvirt domains: the first disk's image, read as it is (shut the domain down or snapshot it first for a consistent copy)",
    listCommand: ['virsh', 'list', '--all', '--name'],
    dumpCommand: (vm) => [
      'sh',
      '-c',
      `disk=$(virsh domblklist --details -- "$1" | awk '$2 == "disk" {print $4; exit}') && [ -n "$disk" ] && cat -- "$disk"`,
      'libvirt-dump',
      vm,
    ],
    fileName: (vm) => `${vm}.img`,
  },
];

export function vmProvider(policyType: string, vmprovider: string): VmProvider | null {
  if (policyType === 'proxmox') return VM_PROVIDERS.find((p) => p.name === 'proxmox') ?? null;

  return (
    VM_PROVIDERS.find((p) => p.policyType === 'vm' && p.name === (vmprovider || 'libvirt')) ?? null
  );
}

/** A machine name as it may appear in an archive name. */
export function archiveSafe(vm: string): string {
  return vm.replace(/[^A-Za-z0-9._-]/g, '_');
}
