import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { join } from 'node:path';

/** The Unix user that owns test repositories on the "repository host". */
export const REPOSITORY_USER = 'cyborgrepo';

/** Creates a login user for tests if missing (needs root), with a home and a usable account. */
export function ensureUser(name: string): void {
  try {
    execFileSync('id', ['-u', name], { stdio: 'ignore' });
  } catch {
    execFileSync('useradd', ['--create-home', '--shell', '/bin/sh', name]);
  }
  // A locked account ("!") is refused by sshd without PAM; "*" only forbids password logins.
  execFileSync('usermod', ['-p', '*', name]);
}

/** A TCP port nobody listens on at this address right now. */
export async function freePort(address = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, address, () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function waitForPort(
  address: string,
  port: number,
  child: ChildProcess,
  log: string,
): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (child.exitCode !== null) throw new Error(`sshd exited: see ${log}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: address, port }, () => {
        socket.end();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`sshd did not listen on ${port}`);
}

/**
 * A separate SSH "host" for tests: a private sshd on a loopback port with its
 * own host key and authorized_keys, running as root (it must switch to the
 * users tests log in as). Several of them stand for clients and repository
 * hosts; they share this machine's file system and programs (borg, mysqldump).
 */
export class SshHost {
  private child: ChildProcess | null = null;

  private constructor(
    readonly dir: string,
    /** A loopback address of its own (127.0.0.2...), so that each host has its own name. */
    readonly address: string,
    readonly port: number,
  ) {}

  static async start(address = '127.0.0.1'): Promise<SshHost> {
    mkdirSync('/run/sshd', { recursive: true });
    const dir = mkdtempSync('/tmp/cyborg-sshd-');
    // sshd reads authorized_keys as the target user: the folder must be readable by all.
    chmodSync(dir, 0o755);
    const host = new SshHost(dir, address, await freePort(address));
    host.writeHostKey();
    writeFileSync(join(dir, 'authorized_keys'), '', { mode: 0o644 });
    writeFileSync(
      join(dir, 'sshd_config'),
      [
        `Port ${host.port}`,
        `ListenAddress ${address}`,
        `HostKey ${join(dir, 'host_key')}`,
        `PidFile ${join(dir, 'sshd.pid')}`,
        `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
        'StrictModes no',
        'UsePAM no',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'PermitRootLogin prohibit-password',
        'AllowAgentForwarding yes',
        'MaxSessions 50',
        'MaxStartups 50',
        'LogLevel VERBOSE',
        '',
      ].join('\n'),
    );
    await host.startDaemon();

    return host;
  }

  /** Lets the holder of this public key log in as any user of this host. */
  authorize(publicKey: string): void {
    appendFileSync(join(this.dir, 'authorized_keys'), `${publicKey.trim()}\n`);
  }

  /** Gives the host a new host key, as a reinstalled (or impersonated) server would have. */
  async changeHostKey(): Promise<void> {
    await this.stopDaemon();
    this.writeHostKey();
    await this.startDaemon();
  }

  async stop(): Promise<void> {
    await this.stopDaemon();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private writeHostKey(): void {
    rmSync(join(this.dir, 'host_key'), { force: true });
    rmSync(join(this.dir, 'host_key.pub'), { force: true });
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(this.dir, 'host_key')]);
  }

  private async startDaemon(): Promise<void> {
    const log = join(this.dir, 'sshd.log');
    this.child = spawn(
      '/usr/sbin/sshd',
      ['-D', '-e', '-f', join(this.dir, 'sshd_config'), '-E', log],
      {
        stdio: 'ignore',
      },
    );
    await waitForPort(this.address, this.port, this.child, log);
  }

  private async stopDaemon(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  }
}
