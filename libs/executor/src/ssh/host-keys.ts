import { createHash } from 'node:crypto';

import type { DataSource } from 'typeorm';

/** `SHA256:...` as `ssh-keygen -l` prints it. */
export function fingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type written at the start of an SSH public key blob (`ssh-ed25519`...). */
export function keyType(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const length = blob.readUInt32BE(0);

  return blob.subarray(4, 4 + Math.min(length, 50)).toString('latin1');
}

/** A `known_hosts` line for OpenSSH clients (borg's ssh on a client uses one we write). */
export function knownHostsLine(host: string, port: number, type: string, base64: string): string {
  const name = port === 22 ? host : `[${host}]:${port}`;

  return `${name} ${type} ${base64}`;
}

export type HostKeyVerdict =
  { trusted: true; firstContact: boolean } | { trusted: false; message: string };

/**
 * Pins SSH host keys on first contact (trust on first use) in the
 * `known_host_keys` table. A host that later offers another key is refused,
 * and the new key waits in `pending_public_key` until an operator accepts it
 * through the API.
 */
export class HostKeyStore {
  constructor(private readonly dataSource: DataSource) {}

  async verify(host: string, port: number, blob: Buffer): Promise<HostKeyVerdict> {
    const base64 = blob.toString('base64');
    const inserted = await this.dataSource.query<unknown[]>(
      `INSERT INTO known_host_keys (host, port, key_type, public_key, fingerprint)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT (host, port) DO NOTHING RETURNING id`,
      [host, port, keyType(blob), base64, fingerprint(blob)],
    );
    if (inserted.length > 0) return { trusted: true, firstContact: true };
    const [pinned] = await this.dataSource.query<
      { id: number; public_key: string; fingerprint: string }[]
    >('SELECT id, public_key, fingerprint FROM known_host_keys WHERE host = $1 AND port = $2', [
      host,
      port,
    ]);
    if (pinned.public_key === base64) return { trusted: true, firstContact: false };
    await this.dataSource.query(
      'UPDATE known_host_keys SET pending_public_key = $2, modified = now() WHERE id = $1',
      [pinned.id, base64],
    );

    return {
      trusted: false,
      message:
        `The SSH host key of ${host} port ${port} has changed: ${pinned.fingerprint} was pinned, ` +
        `the host now offers ${fingerprint(blob)}. Nothing was run there. If the change is ` +
        `expected, accept the new key with POST /api/v1/known_hosts/${pinned.id}/accept/.`,
    };
  }

  /** The pinned key of a host as a known_hosts line, or null when the host was never contacted. */
  async knownHostsLine(host: string, port: number): Promise<string | null> {
    const [row] = await this.dataSource.query<{ key_type: string; public_key: string }[]>(
      'SELECT key_type, public_key FROM known_host_keys WHERE host = $1 AND port = $2',
      [host, port],
    );

    return row ? knownHostsLine(host, port, row.key_type, row.public_key) : null;
  }
}
