import { StringDecoder } from 'node:string_decoder';
import { Transform, type TransformCallback } from 'node:stream';

import { ENTRY_ID_STRIDE, parentOf } from './catalog-schema';

/** One line of `borg list --json-lines` (borg 1.2), as far as the catalog reads it. */
interface BorgItem {
  type?: unknown;
  mode?: unknown;
  user?: unknown;
  group?: unknown;
  path?: unknown;
  healthy?: unknown;
  mtime?: unknown;
  size?: unknown;
}

/** The columns of `catalog_entries` that each COPY row fills, in order. */
export const COPY_COLUMNS = [
  'id',
  'size',
  'mtime',
  'archive_id',
  'healthy',
  'type',
  'path',
  'parent',
  'mode',
  'owner',
  'group',
] as const;

/** A line longer than this is not borg's output; refusing it keeps memory bounded. */
const MAX_LINE_CHARS = 1 << 20;

/**
 * Rows are handed on in batches of about this many characters. borg writes
 * its listing a few kilobytes at a time; passing each bit on as its own COPY
 * message tripled the CPU time of both this process and PostgreSQL.
 */
const BATCH_CHARS = 256 * 1024;

/** How many directory paths are remembered to spot the ones borg does not list. */
const KNOWN_DIRECTORIES_CAP = 100_000;

const TO_ESCAPE = /[\\\t\n\r\0]/;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** A value in PostgreSQL's COPY text format (NUL cannot be stored in text, so it is dropped). */
function copyText(value: string): string {
  return TO_ESCAPE.test(value) ? value.replace(/[\\\t\n\r\0]/g, (c) => ESCAPES[c] ?? '') : value;
}

function text(value: unknown): string {
  return typeof value === 'string' ? copyText(value) : '';
}

/**
 * Turns the stdout of `borg list --json-lines` into rows of PostgreSQL's COPY
 * text format, one chunk in, one chunk out, so memory stays flat however long
 * the listing is.
 *
 * borg does not list the directories above the paths given to `borg create`
 * (`borg create ::a /var/www` stores `var/www` but no `var`); the parser adds
 * them, as directories with no metadata, so every entry can be browsed to.
 * It relies on borg listing a directory before its contents, as borg 1.2 does.
 */
export class ListingToCopyRows extends Transform {
  /** Rows written, added directories included. */
  entries = 0;
  private lines = 0;
  private rest = '';
  private batch = '';
  private readonly decoder = new StringDecoder('utf8');
  private readonly knownDirectories = new Set<string>();

  constructor(private readonly archiveId: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    try {
      const data = this.rest + this.decoder.write(chunk);
      let start = 0;
      for (let end = data.indexOf('\n'); end !== -1; end = data.indexOf('\n', start)) {
        this.batch += this.row(data.slice(start, end));
        start = end + 1;
      }
      this.rest = data.slice(start);
      if (this.rest.length > MAX_LINE_CHARS) {
        throw new Error(`line ${this.lines + 1} of the listing is longer than ${MAX_LINE_CHARS}`);
      }
      if (this.batch.length >= BATCH_CHARS) this.push(this.takeBatch());
      done();
    } catch (error) {
      done(error as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    try {
      this.batch += this.row(this.rest + this.decoder.end());
      this.rest = '';
      if (this.batch !== '') this.push(this.takeBatch());
      done();
    } catch (error) {
      done(error as Error);
    }
  }

  private takeBatch(): string {
    const batch = this.batch;
    this.batch = '';

    return batch;
  }

  private row(line: string): string {
    this.lines += 1;
    if (line.trim() === '') return '';
    let item: BorgItem;
    try {
      item = JSON.parse(line) as BorgItem;
    } catch {
      throw new Error(`line ${this.lines} of the listing is not JSON: ${line.slice(0, 200)}`);
    }
    if (typeof item.path !== 'string' || item.path === '') {
      throw new Error(`line ${this.lines} of the listing has no path`);
    }

    const path = item.path;
    const parent = parentOf(path);
    const type = typeof item.type === 'string' && item.type !== '' ? item.type.charAt(0) : '?';
    let out = parent ? this.missingDirectories(parent) : '';
    if (type === 'd') this.remember(path);
    const size = typeof item.size === 'number' && Number.isFinite(item.size) ? item.size : 0;
    // borg 1.2 writes the time without a zone; the ingest reads it as UTC (see ingest).
    const mtime =
      typeof item.mtime === 'string' &&
      /^\d{4}-\d\d-\d\dT[\d:.]+([+-]\d\d:?\d\d|Z)?$/.test(item.mtime)
        ? item.mtime
        : '\\N';
    out += this.format(
      Math.trunc(size),
      mtime,
      item.healthy === false ? 'f' : 't',
      copyText(type),
      copyText(path),
      parent === null ? '\\N' : copyText(parent),
      text(item.mode),
      text(item.user),
      text(item.group),
    );

    return out;
  }

  private format(
    size: number,
    mtime: string,
    healthy: string,
    type: string,
    path: string,
    parent: string,
    mode: string,
    owner: string,
    group: string,
  ): string {
    this.entries += 1;
    if (this.entries >= ENTRY_ID_STRIDE) {
      throw new Error(`an archive of ${ENTRY_ID_STRIDE} entries or more cannot be cataloged`);
    }
    const id = this.archiveId * ENTRY_ID_STRIDE + this.entries;

    return `${id}\t${size}\t${mtime}\t${this.archiveId}\t${healthy}\t${type}\t${path}\t${parent}\t${mode}\t${owner}\t${group}\n`;
  }

  /** Rows for the directories above `directory` that neither borg nor this parser listed yet. */
  private missingDirectories(directory: string): string {
    const missing: string[] = [];
    for (let dir: string | null = directory; dir; dir = parentOf(dir)) {
      if (this.knownDirectories.has(dir)) break;
      missing.push(dir);
    }
    let out = '';
    for (const dir of missing.reverse()) {
      this.remember(dir);
      const parent = parentOf(dir);
      out += this.format(0, '\\N', 't', 'd', copyText(dir), copyText(parent ?? ''), '', '', '');
    }

    return out;
  }

  private remember(directory: string): void {
    if (this.knownDirectories.size >= KNOWN_DIRECTORIES_CAP) {
      // borg lists depth first, so only the current branch matters from here on.
      this.knownDirectories.clear();
      for (let dir = parentOf(directory); dir; dir = parentOf(dir)) this.knownDirectories.add(dir);
    }
    this.knownDirectories.add(directory);
  }
}
