import { archiveGlob, archiveName, backupPlan, PlanError, ROOTFS_EXCLUDES } from './backup-plan';
import { parseBorgLine, parseCreateResult } from './borg-output';
import { archiveSafe, vmProvider, VM_PROVIDERS } from './vm-providers';

describe('backupPlan', () => {
  it('backs up / on one file system without the pseudo file systems', () => {
    const plan = backupPlan('rootfs', { exclude: ['/srv/cache'] });
    expect(plan.paths).toEqual(['/']);
    expect(plan.oneFileSystem).toBe(true);
    expect(plan.excludes).toEqual([...ROOTFS_EXCLUDES, '/srv/cache']);
    expect(plan.excludes).toEqual(expect.arrayContaining(['/proc', '/sys', '/dev', '/run']));
  });

  it('takes folders as they are, each one argument', () => {
    const plan = backupPlan('folders', { folders: ['/a b', '/$(x)'] });
    expect(plan.paths).toEqual(['/a b', '/$(x)']);
    expect(() => backupPlan('folders', { folders: [] })).toThrow(PlanError);
  });

  it('dumps MySQL with the password in the environment, never in argv', () => {
    const plan = backupPlan('mysql', {
      user: 'backup',
      password: 's3cret',
      databases: ['shop'],
      host: 'db',
      port: 3307,
    });
    expect(plan.content?.argv).toEqual([
      'mysqldump',
      '--single-transaction',
      '--routines',
      '--events',
      '--triggers',
      '--skip-dump-date',
      '--host=db',
      '--port=3307',
      '--user=backup',
      '--databases',
      'shop',
    ]);
    expect(plan.secretEnv).toEqual({ MYSQL_PWD: 's3cret' });
    expect(JSON.stringify(plan.content)).not.toContain('s3cret');
    expect(backupPlan('mysql', {}).content?.argv).toContain('--all-databases');
  });

  it('dumps PostgreSQL databases by name through PGDATABASE, or everything with pg_dumpall', () => {
    const plan = backupPlan('postgresql', { databases: ['a=b', 'c'], password: 'pw', user: 'u' });
    expect(plan.content?.argv.slice(3)).toEqual(['pg_dump', 'a=b', 'c']);
    expect(plan.content?.argv[2]).toContain('PGDATABASE=$db');
    expect(plan.env).toEqual({ PGUSER: 'u' });
    expect(plan.secretEnv).toEqual({ PGPASSWORD: 'pw' });
    expect(backupPlan('postgresql', {}).content?.argv).toEqual(['pg_dumpall']);
  });

  it('runs a piped command through sh, under the chosen file name', () => {
    expect(backupPlan('piped', { command: 'tar c /x', filename: 'x.tar' }).content).toEqual({
      stdinName: 'x.tar',
      argv: ['sh', '-c', 'tar c /x'],
    });
  });
});

describe('archive names', () => {
  const at = new Date('2026-12-03T18:05:09.123Z');

  it('are <policy_type>-<hostname>-<date_time> in UTC', () => {
    expect(archiveName('folders', 'web1.example.com', at)).toBe(
      'folders-web1.example.com-2026-12-03_18-05-09',
    );
    expect(archiveName('proxmox', 'pve', at, archiveSafe('101'))).toBe(
      'proxmox-pve-101-2026-12-03_18-05-09',
    );
  });

  it('have a prune glob that does not reach a client whose name extends this one', () => {
    const glob = new RegExp(
      `^${archiveGlob('folders', 'web')
        .replace(/\./g, '\\.')
        .replace(/\[0-9\]/g, '\\d')
        .replace(/\*/g, '.*')}$`,
    );
    expect(glob.test(archiveName('folders', 'web', at))).toBe(true);
    expect(glob.test(archiveName('folders', 'web-2', at))).toBe(false);
    expect(glob.test(archiveName('folders', 'web', at, 'vm1'))).toBe(false);
  });
});

describe('VM providers', () => {
  it('pass machine names as arguments, never as shell text', () => {
    const libvirt = vmProvider('vm', 'libvirt');
    const argv = libvirt?.dumpCommand('$(reboot)') ?? [];
    expect(argv[argv.length - 1]).toBe('$(reboot)');
    expect(argv.slice(0, -1).join(' ')).not.toContain('reboot');
    expect(vmProvider('proxmox', '')?.dumpCommand('101')).toEqual([
      'vzdump',
      '101',
      '--stdout',
      '--mode',
      'snapshot',
    ]);
    expect(vmProvider('vm', 'nope')).toBeNull();
    expect(VM_PROVIDERS.map((p) => p.name)).toEqual(['proxmox', 'libvirt']);
    expect(archiveSafe('my vm/1')).toBe('my_vm_1');
  });
});

describe('borg output', () => {
  it('turns --log-json lines into events and keeps other text as is', () => {
    expect(
      parseBorgLine(
        '{"type": "log_message", "levelname": "WARNING", "message": "x: file changed", "msgid": null}',
      ),
    ).toMatchObject({
      text: 'x: file changed',
      event: 'warning',
    });
    expect(
      parseBorgLine(
        '{"type": "archive_progress", "original_size": 2500, "deduplicated_size": 10, "nfiles": 3, "path": "etc/x", "finished": false}',
      ),
    ).toMatchObject({ text: '3 files, 2.50 kB read, 10 B new: etc/x', event: 'progress' });
    expect(parseBorgLine('plain ssh text')).toEqual({
      text: 'plain ssh text',
      event: 'verbose',
      data: {},
    });
    expect(parseBorgLine('{not json')).toMatchObject({ text: '{not json' });
  });

  it('reads the sizes of borg create --json', () => {
    const result = parseCreateResult(
      JSON.stringify({
        archive: {
          name: 'a',
          stats: { original_size: 10, compressed_size: 8, deduplicated_size: 5, nfiles: 2 },
        },
        cache: { stats: { total_size: 100, total_csize: 80, unique_csize: 50 } },
      }),
    );
    expect(result).toEqual({
      archive: { name: 'a', originalSize: 10, compressedSize: 8, deduplicatedSize: 5, files: 2 },
      repository: { originalSize: 100, compressedSize: 80, deduplicatedSize: 50 },
    });
    expect(parseCreateResult('garbage')).toBeNull();
  });
});
