import type { DataSource } from 'typeorm';

import { SecretBox } from '@cyborg/crypto';
import { ClientEntity } from '@cyborg/database';

import { BorgHosts, JobFailure } from './borg-host';
import { command, Script } from '../ssh/shell';
import { VM_PROVIDERS } from './vm-providers';

export const PROBE_MODULES = ['mysql', 'postgresql', ...VM_PROVIDERS.map((p) => p.name)] as const;

/** The client asked about does not exist. */
export class UnknownClientError extends Error {}

export interface ProbeOptions {
  user?: string;
  password?: string;
  host?: string;
  port?: number;
}

/**
 * Asks a client live, over SSH, what it has to back up: its databases
 * (MySQL/MariaDB, PostgreSQL) or its virtual machines. Used by the API to
 * fill a policy's choices.
 */
export class ClientProbe {
  private readonly box: SecretBox;

  constructor(
    private readonly dataSource: DataSource,
    secretKey: string,
  ) {
    this.box = new SecretBox(secretKey);
  }

  async list(module: string, clientId: number, options: ProbeOptions = {}): Promise<string[]> {
    const client = await this.dataSource.getRepository(ClientEntity).findOneBy({ id: clientId });
    if (!client) throw new UnknownClientError(`No client has id ${clientId}.`);
    const hosts = await BorgHosts.open(this.dataSource, this.box, null);
    const signal = AbortSignal.timeout(60_000);
    try {
      const session = await hosts.client(client, signal);
      const script = new Script();
      const secrets: string[] = [];
      if (module === 'mysql') {
        if (options.password) {
          script.raw('IFS= read -r MYSQL_PWD; export MYSQL_PWD');
          secrets.push(options.password);
        }
        const argv = ['mysql', '--batch', '--skip-column-names', '--execute=SHOW DATABASES'];
        if (options.host) argv.push(`--host=${options.host}`);
        if (options.port) argv.push(`--port=${options.port}`);
        if (options.user) argv.push(`--user=${options.user}`);
        script.run(argv);
      } else if (module === 'postgresql') {
        if (options.password) {
          script.raw('IFS= read -r PGPASSWORD; export PGPASSWORD');
          secrets.push(options.password);
        }
        if (options.host) script.export('PGHOST', options.host);
        if (options.port) script.export('PGPORT', String(options.port));
        const psql = [
          'psql',
          '-At',
          '-d',
          'postgres',
          '-c',
          'SELECT datname FROM pg_database WHERE NOT datistemplate ORDER BY 1',
        ];
        if (options.user || options.host) {
          script.export('PGUSER', options.user ?? 'postgres');
          script.run(psql);
        } else {
          // Local server, peer authentication: ask as the postgres system user.
          script.raw(
            `if [ "$(id -u)" = 0 ]; then ${command(['runuser', '-u', 'postgres', '--', ...psql])}; else ${command(psql)}; fi`,
          );
        }
      } else {
        const provider = VM_PROVIDERS.find((p) => p.name === module);
        if (!provider) throw new JobFailure(`Unknown module ${module}.`);
        script.run(provider.listCommand);
      }
      const errors: string[] = [];
      const result = await session.run(script.toString(), {
        sudo: hosts.needsSudo,
        stdin: secrets.map((s) => `${s}\n`).join(''),
        signal,
        onStderrLine: (line) => {
          if (errors.length < 20) errors.push(line);
        },
      });
      if (result.code !== 0) {
        throw new JobFailure(
          `Listing ${module} on ${client.hostname} failed: ${errors.join(' ') || `exit code ${result.code}`}`,
        );
      }

      return result.stdout
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean);
    } finally {
      hosts.close();
    }
  }
}
