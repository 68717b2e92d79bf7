import { generateSshKeyPair } from '@cyborg/crypto';
import { utils } from 'ssh2';

import { KeyAgent } from './key-agent';

function frame(body: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length);

  return Buffer.concat([length, body]);
}

function sshString(value: Buffer): Buffer {
  return frame(value);
}

async function exchange(agent: KeyAgent, input: Buffer, replies: number): Promise<Buffer[]> {
  const stream = agent.connection();
  const received: Buffer[] = [];
  let buffered = Buffer.alloc(0);
  const done = new Promise<void>((resolve) => {
    stream.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 4 && buffered.length >= 4 + buffered.readUInt32BE(0)) {
        const length = buffered.readUInt32BE(0);
        received.push(buffered.subarray(4, 4 + length));
        buffered = buffered.subarray(4 + length);
        if (received.length === replies) resolve();
      }
    });
  });
  // Split the input at an awkward place: frames may arrive in pieces.
  stream.write(input.subarray(0, 3));
  stream.write(input.subarray(3));
  await done;

  return received;
}

describe('KeyAgent', () => {
  it.each(['ed25519', 'rsa'] as const)('lists and signs with a %s key', async (type) => {
    const pair = generateSshKeyPair(type, 2048);
    const agent = new KeyAgent(pair.privateKey);
    const parsed = utils.parseKey(pair.privateKey);
    if (parsed instanceof Error || Array.isArray(parsed)) throw new Error('bad key');
    const blob = parsed.getPublicSSH();
    const data = Buffer.from('session data to sign');
    const flags = Buffer.alloc(4);
    flags.writeUInt32BE(type === 'rsa' ? 2 : 0);
    // session-bind extension first (as OpenSSH >= 8.9 sends), then identities, then sign.
    const input = Buffer.concat([
      frame(Buffer.concat([Buffer.from([27]), sshString(Buffer.from('session-bind@openssh.com'))])),
      frame(Buffer.from([11])),
      frame(Buffer.concat([Buffer.from([13]), sshString(blob), sshString(data), flags])),
    ]);

    const [extension, identities, signed] = await exchange(agent, input, 3);

    expect(extension).toEqual(Buffer.from([5]));
    expect(identities[0]).toBe(12);
    expect(identities.readUInt32BE(1)).toBe(1);
    expect(identities.subarray(9, 9 + blob.length)).toEqual(blob);
    expect(signed[0]).toBe(14);
    const signatureBlob = signed.subarray(5);
    const algorithmLength = signatureBlob.readUInt32BE(0);
    const algorithm = signatureBlob.subarray(4, 4 + algorithmLength).toString();
    expect(algorithm).toBe(type === 'rsa' ? 'rsa-sha2-256' : 'ssh-ed25519');
    const signature = signatureBlob.subarray(8 + algorithmLength);
    expect(parsed.verify(data, signature, type === 'rsa' ? 'sha256' : undefined)).toBe(true);
  });

  it('refuses to sign for a key it does not hold', async () => {
    const agent = new KeyAgent(generateSshKeyPair('ed25519').privateKey);
    const other = utils.parseKey(generateSshKeyPair('ed25519').privateKey);
    if (other instanceof Error || Array.isArray(other)) throw new Error('bad key');
    const request = Buffer.concat([
      Buffer.from([13]),
      sshString(other.getPublicSSH()),
      sshString(Buffer.from('x')),
      Buffer.alloc(4),
    ]);

    const [reply] = await exchange(agent, frame(request), 1);

    expect(reply).toEqual(Buffer.from([5]));
  });

  it('refuses keys it cannot read', () => {
    expect(() => new KeyAgent('not a key')).toThrow('cannot be read');
  });
});
