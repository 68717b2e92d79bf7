import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';

import { ListingToCopyRows } from './listing-parser';

/** Runs the parser over the text cut into chunks of `size` bytes; returns the COPY rows. */
async function parse(listing: string, archiveId = 7, size = 5): Promise<string[][]> {
  const bytes = Buffer.from(listing);
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  let out = '';
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      out += chunk.toString();
      done();
    },
  });
  await pipeline(Readable.from(chunks), new ListingToCopyRows(archiveId), sink);

  return out
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => l.split('\t'));
}

function line(fields: Record<string, unknown>): string {
  return `${JSON.stringify({ type: '-', mode: '-rw-r--r--', user: 'root', group: 'root', healthy: true, mtime: '2024-05-01T10:20:30.123456', size: 3, ...fields })}\n`;
}

describe(ListingToCopyRows.name, () => {
  it('writes one row per item with its id, metadata and parent directory', async () => {
    const rows = await parse(
      line({ type: 'd', path: '.', size: 0 }) +
        line({ type: 'd', path: 'etc', size: 0 }) +
        line({ path: 'etc/hosts', size: 42 }),
    );

    expect(rows).toEqual([
      [
        '7000000001',
        '0',
        '2024-05-01T10:20:30.123456',
        '7',
        't',
        'd',
        '.',
        '\\N',
        '-rw-r--r--',
        'root',
        'root',
      ],
      [
        '7000000002',
        '0',
        '2024-05-01T10:20:30.123456',
        '7',
        't',
        'd',
        'etc',
        '',
        '-rw-r--r--',
        'root',
        'root',
      ],
      [
        '7000000003',
        '42',
        '2024-05-01T10:20:30.123456',
        '7',
        't',
        '-',
        'etc/hosts',
        'etc',
        '-rw-r--r--',
        'root',
        'root',
      ],
    ]);
  });

  it('escapes what COPY would read as separators, keeps multi-byte characters whole', async () => {
    const rows = await parse(line({ path: 'a\tb\\c\nd/é€😀', user: 'us\rer' }), 1, 1);

    expect(rows[rows.length - 1][6]).toBe('a\\tb\\\\c\\nd/é€😀');
    expect(rows[rows.length - 1][9]).toBe('us\\rer');
  });

  it('adds the directories above the paths borg was given, once each', async () => {
    const rows = await parse(
      line({ type: 'd', path: 'var/www' }) +
        line({ path: 'var/www/index.html' }) +
        line({ type: 'd', path: 'var/lib/x' }),
    );

    expect(rows.map((r) => [r[5], r[6], r[7]])).toEqual([
      ['d', 'var', ''],
      ['d', 'var/www', 'var'],
      ['-', 'var/www/index.html', 'var/www'],
      ['d', 'var/lib', 'var'],
      ['d', 'var/lib/x', 'var/lib'],
    ]);
  });

  it('reads a last line without a newline, unhealthy files and missing or odd values', async () => {
    const rows = await parse(
      `${JSON.stringify({ path: 'f', healthy: false, mtime: 'yesterday', size: 'big' })}`,
    );

    expect(rows).toEqual([['7000000001', '0', '\\N', '7', 'f', '?', 'f', '', '', '', '']]);
  });

  it('hands rows on in large batches however small the chunks borg writes', async () => {
    const lines = Array.from({ length: 5000 }, (_, i) => line({ path: `dir/file-${i}` }));
    const outputs: number[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        outputs.push(chunk.length);
        done();
      },
    });
    await pipeline(Readable.from(lines), new ListingToCopyRows(1), sink);

    expect(outputs.length).toBeGreaterThan(1);
    expect(outputs.length).toBeLessThan(10);
  });

  it('fails on a line that is not JSON, naming it', async () => {
    await expect(parse(line({ path: 'a' }) + 'oops\n')).rejects.toThrow(/line 2 .*not JSON/);
  });

  it('fails on an item without a path', async () => {
    await expect(parse(line({ path: '' }))).rejects.toThrow(/line 1 .*no path/);
  });
});
