import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';

import { ensureUser, REPOSITORY_USER, SshHost } from './ssh-host';

/**
 * The machines a borg test or benchmark needs, all on loopback: a client
 * (127.0.0.2) and a second client (127.0.0.3) logged into as root, and a
 * repository host (127.0.0.1) where `cyborgrepo` owns the repositories, each
 * a private sshd. `authorize` lets the system key in everywhere.
 */
export class BorgTestbed {
  private constructor(
    readonly client: SshHost,
    readonly secondClient: SshHost,
    readonly repositoryHost: SshHost,
    /** Scratch space, readable by every test user. */
    readonly workDir: string,
    /** Where repositories go; owned by the repository user. */
    readonly repositoryDir: string,
  ) {}

  static async start(): Promise<BorgTestbed> {
    ensureUser(REPOSITORY_USER);
    const [client, secondClient, repositoryHost] = await Promise.all([
      SshHost.start('127.0.0.2'),
      SshHost.start('127.0.0.3'),
      SshHost.start('127.0.0.1'),
    ]);
    const workDir = mkdtempSync('/var/tmp/cyborg-borg-');
    execFileSync('chmod', ['755', workDir]);
    const repositoryDir = join(workDir, 'repositories');
    mkdirSync(repositoryDir);
    execFileSync('chown', [REPOSITORY_USER, repositoryDir]);

    return new BorgTestbed(client, secondClient, repositoryHost, workDir, repositoryDir);
  }

  authorize(publicKey: string): void {
    for (const host of [this.client, this.secondClient, this.repositoryHost])
      host.authorize(publicKey);
  }

  /** A repository location on the repository host, as an operator would type it. */
  repositoryPath(name: string): string {
    return `ssh://${REPOSITORY_USER}@127.0.0.1:${this.repositoryHost.port}${this.repositoryDir}/${name}`;
  }

  /** borg on this machine as the repositories' owner, to look into archives independently. */
  borgAsOwner(args: string[], passphrase: string, options: { cwd?: string } = {}): string {
    return execFileSync('runuser', ['-u', REPOSITORY_USER, '--', 'borg', ...args], {
      cwd: options.cwd,
      env: { ...process.env, BORG_PASSPHRASE: passphrase, HOME: `/home/${REPOSITORY_USER}` },
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    });
  }

  async stop(): Promise<void> {
    await Promise.all([this.client.stop(), this.secondClient.stop(), this.repositoryHost.stop()]);
    rmSync(this.workDir, { recursive: true, force: true });
  }
}
