import { lookup } from 'node:dns/promises';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

import { Client, type ClientChannel } from 'ssh2';

import type { HostKeyStore } from './host-keys';
import type { KeyAgent } from './key-agent';
import { quote } from './shell';

export interface SshEndpoint {
  host: string;
  port: number;
  username: string;
}

export interface SshCredentials {
  privateKey: string;
  passphrase?: string;
  agent: KeyAgent;
}

export interface RunOptions {
  /** Run the script through `sudo -n` (when the login user is not root). */
  sudo?: boolean;
  /** Written to the script's standard input first; secrets travel this way, never in argv. */
  stdin?: string;
  signal?: AbortSignal;
  /** Receives each line the script writes to stderr, in order. */
  onStderrLine?: (line: string) => Promise<void> | void;
  /** Receives each stdout line; when unset, stdout is collected (up to a limit) and returned. */
  onStdoutLine?: (line: string) => Promise<void> | void;
  /** Receives the raw stdout stream instead; the promise must settle when it is consumed. */
  onStdout?: (stdout: Readable) => Promise<void>;
  /** Told the exit code as soon as the script ends, before its output is fully consumed. */
  onExit?: (code: number) => void;
}

export interface RunResult {
  code: number;
  stdout: string;
}

const COLLECT_LIMIT = 16 * 1024 * 1024;
const PGID_MARK = 'cyborg-pgid:';

/** Thrown when a host cannot be reached or refuses us; the message names the host. */
export class SshError extends Error {}

/**
 * One SSH connection to a client or repository host, with the system key for
 * authentication, the host key checked against the pinned one, keepalive, and
 * the in-process agent forwarded when asked for.
 */
export class SshSession {
  private constructor(
    private readonly client: Client,
    readonly endpoint: SshEndpoint,
    /** The address the host name resolved to. */
    readonly address: string,
  ) {}

  static async connect(
    endpoint: SshEndpoint,
    credentials: SshCredentials,
    hostKeys: HostKeyStore,
    options: { forwardAgent?: boolean; signal?: AbortSignal } = {},
  ): Promise<SshSession> {
    const where = `${endpoint.username}@${endpoint.host} port ${endpoint.port}`;
    let address: string;
    try {
      address = (await lookup(endpoint.host)).address;
    } catch {
      throw new SshError(`Cannot resolve the host name ${endpoint.host}.`);
    }
    const client = new Client();
    let refusal: string | null = null;
    await new Promise<void>((resolve, reject) => {
      const abort = (): void => {
        client.end();
        reject(new SshError(`Stopped while connecting to ${where}.`));
      };
      options.signal?.addEventListener('abort', abort, { once: true });
      client.once('ready', () => {
        options.signal?.removeEventListener('abort', abort);
        resolve();
      });
      client.once('error', (error: Error & { level?: string }) => {
        options.signal?.removeEventListener('abort', abort);
        const reason =
          refusal ??
          (error.level === 'client-authentication'
            ? `${where} refused the system SSH key; add its public key (GET /api/v1/settings/get_ssh_publickey/) to authorized_keys there.`
            : `Cannot connect to ${where}: ${error.message}.`);
        reject(new SshError(reason));
      });
      client.connect({
        host: address,
        port: endpoint.port,
        username: endpoint.username,
        privateKey: credentials.privateKey,
        passphrase: credentials.passphrase || undefined,
        agent: credentials.agent,
        agentForward: options.forwardAgent ?? false,
        keepaliveInterval: 15_000,
        keepaliveCountMax: 4,
        readyTimeout: 20_000,
        hostVerifier: (key: Buffer, verify: (valid: boolean) => void) => {
          hostKeys.verify(endpoint.host, endpoint.port, key).then(
            (verdict) => {
              if (!verdict.trusted) refusal = verdict.message;
              verify(verdict.trusted);
            },
            (error: Error) => {
              refusal = `Cannot check the host key of ${where}: ${error.message}`;
              verify(false);
            },
          );
        },
      });
    });

    return new SshSession(client, endpoint, address);
  }

  close(): void {
    this.client.end();
  }

  /**
   * Runs a shell script on the host. The script runs in `sh` with its process
   * group reported first, so that a cancel can kill everything it started:
   * closing an SSH channel does not stop a remote process by itself.
   */
  async run(script: string, options: RunOptions = {}): Promise<RunResult> {
    // sudo drops SSH_AUTH_SOCK; the login shell passes it on as $2 so that borg under sudo
    // still reaches the forwarded agent.
    const wrapper =
      `if [ -n "$2" ]; then SSH_AUTH_SOCK=$2; export SSH_AUTH_SOCK; fi; ` +
      `printf '${PGID_MARK}%s\\n' "$(cut -d' ' -f5 /proc/$$/stat)" >&2; exec sh -c "$1"`;
    const line =
      `${options.sudo ? 'sudo -n ' : ''}sh -c ${quote(wrapper)} cyborg ${quote(script)} ` +
      `"$SSH_AUTH_SOCK"`;
    const channel = await new Promise<ClientChannel>((resolve, reject) => {
      this.client.exec(line, (error, stream) => (error ? reject(error) : resolve(stream)));
    });
    let pgid: string | null = null;
    const kill = (): void => {
      if (pgid) void this.killGroup(pgid, options.sudo ?? false);
      channel.close();
    };
    options.signal?.addEventListener('abort', kill, { once: true });
    try {
      const exit = new Promise<number>((resolve) => {
        channel.once('exit', (code: number | null) => resolve(code ?? 255));
        channel.once('close', () => resolve(255));
      });
      void exit.then((code) => options.onExit?.(code));
      const stderr = (async () => {
        for await (const text of createInterface({ input: channel.stderr, crlfDelay: Infinity })) {
          if (pgid === null && text.startsWith(PGID_MARK)) {
            pgid = text.slice(PGID_MARK.length).trim();
            if (options.signal?.aborted) kill();
            continue;
          }
          await options.onStderrLine?.(text);
        }
      })();
      let collected = '';
      const stdout = options.onStdout
        ? options.onStdout(channel)
        : options.onStdoutLine
          ? (async () => {
              for await (const text of createInterface({ input: channel, crlfDelay: Infinity })) {
                await options.onStdoutLine?.(text);
              }
            })()
          : (async () => {
              for await (const chunk of channel as AsyncIterable<Buffer>) {
                if (collected.length < COLLECT_LIMIT) collected += chunk.toString('utf8');
              }
            })();
      // Secrets for the script's `read -r`, then end of input.
      channel.end(options.stdin ?? '');
      const [code] = await Promise.all([exit, stderr, stdout]);

      return { code, stdout: collected };
    } finally {
      options.signal?.removeEventListener('abort', kill);
    }
  }

  private async killGroup(pgid: string, sudo: boolean): Promise<void> {
    if (!/^\d+$/.test(pgid)) return;
    const kill = `${sudo ? 'sudo -n ' : ''}kill -TERM -- -${pgid}`;
    await new Promise<void>((resolve) => {
      this.client.exec(kill, (error, stream) => {
        if (error) return resolve();
        stream.on('close', () => resolve()).resume();
        stream.stderr.resume();
      });
    }).catch(() => undefined);
  }
}
