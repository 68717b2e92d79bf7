import type { PolicyType } from '@cyborg/domain';

/** What `borg create` reads for one policy: paths on the client, or the output of a command. */
export interface BackupPlan {
  /** Paths to back up; empty when the archive holds a command's output. */
  paths: string[];
  /** Paths among `paths` that may be missing on a client without it being an error. */
  optional: boolean;
  excludes: string[];
  oneFileSystem: boolean;
  /** A command whose standard output becomes one file of the archive. */
  content: { stdinName: string; argv: string[] } | null;
  /** Environment for the command and borg; `secret` ones travel over stdin, never in argv. */
  env: Record<string, string>;
  secretEnv: Record<string, string>;
}

/** Kernel and runtime file systems, caches and mount points: never worth backing up from `/`. */
export const ROOTFS_EXCLUDES = [
  '/proc',
  '/sys',
  '/dev',
  '/run',
  '/tmp',
  '/var/tmp',
  '/var/run',
  '/var/lock',
  '/var/cache/apt/archives',
  '/var/lib/docker',
  '/lost+found',
  '/mnt',
  '/media',
  '/swapfile',
];

export const MAIL_PATHS = ['/var/mail', '/var/spool/mail', '/var/vmail', '/var/spool/postfix'];

export class PlanError extends Error {}

function strings(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((v): v is string => typeof v === 'string')) return value;
  throw new PlanError('extra_vars holds a value of the wrong type');
}

function optionalString(vars: Record<string, unknown>, key: string): string | null {
  const value = vars[key];

  return typeof value === 'string' && value !== '' ? value : null;
}

/** A plan whose archive holds one command's output as one file. */
export function streamPlan(stdinName: string, argv: string[]): BackupPlan {
  return {
    paths: [],
    optional: false,
    excludes: [],
    oneFileSystem: false,
    content: { stdinName, argv },
    env: {},
    secretEnv: {},
  };
}

/**
 * Turns a policy into what `borg create` must read. `vars` are the policy's
 * extra_vars with the password already decrypted. Every value is used as one
 * argument (or environment value), never pasted into shell text.
 */
export function backupPlan(policyType: PolicyType, vars: Record<string, unknown>): BackupPlan {
  const plan: BackupPlan = {
    paths: [],
    optional: false,
    excludes: strings(vars.exclude),
    oneFileSystem: false,
    content: null,
    env: {},
    secretEnv: {},
  };
  const password = optionalString(vars, 'password');
  switch (policyType) {
    case 'rootfs':
      plan.paths = ['/'];
      plan.excludes = [...ROOTFS_EXCLUDES, ...plan.excludes];
      plan.oneFileSystem = true;
      break;
    case 'config':
      plan.paths = ['/etc'];
      break;
    case 'mail':
      plan.paths = MAIL_PATHS;
      plan.optional = true;
      break;
    case 'folders':
      plan.paths = strings(vars.folders);
      if (plan.paths.length === 0) throw new PlanError('the policy has no folders to back up');
      break;
    case 'piped': {
      const script = optionalString(vars, 'command');
      if (!script) throw new PlanError('the piped policy has no command');
      plan.content = {
        stdinName: optionalString(vars, 'filename') ?? 'piped',
        argv: ['sh', '-c', script],
      };
      break;
    }
    case 'mysql': {
      const argv = [
        'mysqldump',
        '--single-transaction',
        '--routines',
        '--events',
        '--triggers',
        '--skip-dump-date',
      ];
      const host = optionalString(vars, 'host');
      const user = optionalString(vars, 'user');
      if (host) argv.push(`--host=${host}`);
      if (typeof vars.port === 'number') argv.push(`--port=${vars.port}`);
      if (user) argv.push(`--user=${user}`);
      const databases = strings(vars.databases);
      argv.push(...(databases.length > 0 ? ['--databases', ...databases] : ['--all-databases']));
      if (password) plan.secretEnv.MYSQL_PWD = password;
      plan.content = { stdinName: 'mysql.sql', argv };
      break;
    }
    case 'postgresql': {
      const host = optionalString(vars, 'host');
      const user = optionalString(vars, 'user');
      if (host) plan.env.PGHOST = host;
      if (typeof vars.port === 'number') plan.env.PGPORT = String(vars.port);
      if (user) plan.env.PGUSER = user;
      if (password) plan.secretEnv.PGPASSWORD = password;
      const databases = [...strings(vars.database), ...strings(vars.databases)];
      // Database names go through PGDATABASE: as an argument, a name holding "=" would be
      // read as a connection string.
      plan.content = {
        stdinName: 'postgresql.sql',
        argv:
          databases.length > 0
            ? [
                'sh',
                '-c',
                'for db do PGDATABASE=$db pg_dump --create || exit; done',
                'pg_dump',
                ...databases,
              ]
            : ['pg_dumpall'],
      };
      break;
    }
    case 'vm':
    case 'proxmox':
      throw new PlanError(`${policyType} policies are backed up per machine; see vmPlans`);
  }

  return plan;
}

/** `<policy_type>-<hostname>-<date_time>`, in UTC: unique per client, readable, sortable. */
export function archiveName(policyType: string, hostname: string, at: Date, suffix = ''): string {
  const stamp = at.toISOString().slice(0, 19).replace('T', '_').replace(/:/g, '-');

  return `${policyType}-${hostname}${suffix ? `-${suffix}` : ''}-${stamp}`;
}

/**
 * A glob matching exactly the archives `archiveName` makes for a policy type on a client, for
 * prune's `--glob-archives`. The date shape keeps `folders-web-*` from also matching the
 * archives of a client called `web-2`.
 */
export function archiveGlob(policyType: string, hostname: string): string {
  return `${policyType}-${hostname}-[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]_*`;
}
