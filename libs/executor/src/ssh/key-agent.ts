import { Duplex } from 'node:stream';

import { BaseAgent, type ParsedKey, type SigningRequestOptions, utils } from 'ssh2';

const FAILURE = 5;
const REQUEST_IDENTITIES = 11;
const IDENTITIES_ANSWER = 12;
const SIGN_REQUEST = 13;
const SIGN_RESPONSE = 14;
const RSA_SHA2_256 = 2;
const RSA_SHA2_512 = 4;
/** No agent message comes near this; a bigger length means the stream is garbage. */
const MAX_MESSAGE = 256 * 1024;

/**
 * An SSH agent living in the executor's memory, holding the system key.
 *
 * It is forwarded to clients (`agentForward`), so that borg on a client can
 * reach the repository host with the system key while the key itself never
 * leaves this process: no ssh-agent to run, no key file on any disk.
 *
 * It speaks the agent protocol itself rather than through ssh2's
 * AgentProtocol, which misreads the frames after an extension message such as
 * the `session-bind@openssh.com` that OpenSSH 8.9 and later send first.
 */
export class KeyAgent extends BaseAgent {
  private readonly key: ParsedKey;
  private readonly publicBlob: Buffer;

  constructor(privateKey: string, passphrase?: string) {
    super();
    const parsed = utils.parseKey(privateKey, passphrase || undefined);
    if (parsed instanceof Error) throw new Error(`the SSH key cannot be read: ${parsed.message}`);
    const key = Array.isArray(parsed) ? (parsed[0] as ParsedKey) : parsed;
    if (key.type !== 'ssh-ed25519' && key.type !== 'ssh-rsa') {
      throw new Error(`the SSH key is ${key.type}; the executor handles ed25519 and RSA keys`);
    }
    this.key = key;
    this.publicBlob = key.getPublicSSH();
  }

  override getIdentities(callback: (error: Error | undefined, keys?: ParsedKey[]) => void): void {
    callback(undefined, [this.key]);
  }

  override sign(
    _publicKey: ParsedKey | Buffer | string,
    data: Buffer,
    options: SigningRequestOptions | ((e?: Error, s?: Buffer) => void),
    callback?: (error?: Error, signature?: Buffer) => void,
  ): void {
    const done = typeof options === 'function' ? options : callback;
    const hash = typeof options === 'function' ? undefined : options.hash;
    const signature = this.key.sign(data, hash);
    if (signature instanceof Error) done?.(signature);
    else done?.(undefined, signature);
  }

  /** One agent connection, as ssh2 asks for when a remote program opens the forwarded agent. */
  override getStream(callback: (error: Error | undefined, stream?: Duplex) => void): void {
    callback(undefined, this.connection());
  }

  /** A duplex stream answering agent requests frame by frame. */
  connection(): Duplex {
    let pending = Buffer.alloc(0);
    const stream = new Duplex({
      read: () => undefined,
      write: (chunk: Buffer, _encoding, done) => {
        pending = Buffer.concat([pending, chunk]);
        while (pending.length >= 4) {
          const length = pending.readUInt32BE(0);
          if (length === 0 || length > MAX_MESSAGE) {
            done(new Error('malformed agent message'));

            return;
          }
          if (pending.length < 4 + length) break;
          const message = pending.subarray(4, 4 + length);
          pending = pending.subarray(4 + length);
          stream.push(frame(this.answer(message)));
        }
        done();
      },
      final: (done) => {
        stream.push(null);
        done();
      },
    });

    return stream;
  }

  /** The reply to one request (its body, without the length). */
  answer(message: Buffer): Buffer {
    switch (message[0]) {
      case REQUEST_IDENTITIES:
        return Buffer.concat([
          Buffer.from([IDENTITIES_ANSWER]),
          uint32(1),
          string(this.publicBlob),
          string(Buffer.from('cyborgbackup')),
        ]);
      case SIGN_REQUEST:
        return this.signRequest(message.subarray(1)) ?? Buffer.from([FAILURE]);
      default:
        // Extensions (session-bind...), adding or removing keys, locking: refused.
        return Buffer.from([FAILURE]);
    }
  }

  private signRequest(body: Buffer): Buffer | null {
    const reader = new Reader(body);
    const blob = reader.string();
    const data = reader.string();
    const flags = reader.uint32();
    if (!blob || !data || flags === null || !blob.equals(this.publicBlob)) return null;
    let algorithm: string = this.key.type;
    let hash: 'sha256' | 'sha512' | undefined;
    if (this.key.type === 'ssh-rsa') {
      if (flags & RSA_SHA2_512) [algorithm, hash] = ['rsa-sha2-512', 'sha512'];
      else if (flags & RSA_SHA2_256) [algorithm, hash] = ['rsa-sha2-256', 'sha256'];
    }
    const signature = this.key.sign(data, hash);
    if (signature instanceof Error) return null;

    return Buffer.concat([
      Buffer.from([SIGN_RESPONSE]),
      string(Buffer.concat([string(Buffer.from(algorithm)), string(signature)])),
    ]);
  }
}

function uint32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32BE(value);

  return buffer;
}

function string(value: Buffer): Buffer {
  return Buffer.concat([uint32(value.length), value]);
}

function frame(body: Buffer): Buffer {
  return string(body);
}

class Reader {
  private offset = 0;

  constructor(private readonly buffer: Buffer) {}

  uint32(): number | null {
    if (this.offset + 4 > this.buffer.length) return null;
    const value = this.buffer.readUInt32BE(this.offset);
    this.offset += 4;

    return value;
  }

  string(): Buffer | null {
    const length = this.uint32();
    if (length === null || this.offset + length > this.buffer.length) return null;
    const value = this.buffer.subarray(this.offset, this.offset + length);
    this.offset += length;

    return value;
  }
}
