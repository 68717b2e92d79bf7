/** One line of borg's `--log-json` output, turned into a job event. */
export interface BorgEvent {
  text: string;
  event: string;
  data: Record<string, unknown>;
}

function number(value: unknown): number {
  return typeof value === 'number' ? value : 0;
}

function size(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }

  return `${unit === 0 ? value : value.toFixed(2)} ${units[unit]}`;
}

/**
 * Reads a stderr line of borg run with `--log-json`: log messages, progress
 * and file status are JSON objects. Anything else (a hook, mysqldump, ssh)
 * is kept as plain text.
 */
export function parseBorgLine(line: string): BorgEvent {
  if (!line.startsWith('{')) return { text: line, event: 'verbose', data: {} };
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return { text: line, event: 'verbose', data: {} };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { text: line, event: 'verbose', data: {} };
  }
  const data = parsed as Record<string, unknown>;
  const message = typeof data.message === 'string' ? data.message : '';
  switch (data.type) {
    case 'log_message': {
      const level = typeof data.levelname === 'string' ? data.levelname.toLowerCase() : 'info';

      return { text: message, event: level === 'info' ? 'verbose' : level, data };
    }
    case 'archive_progress':
      return {
        text: data.finished
          ? 'Archive written.'
          : `${number(data.nfiles)} files, ${size(number(data.original_size))} read, ` +
            `${size(number(data.deduplicated_size))} new${typeof data.path === 'string' && data.path ? `: ${data.path}` : ''}`,
        event: 'progress',
        data,
      };
    case 'progress_message':
    case 'progress_percent':
      return { text: message || (data.finished ? 'Done.' : ''), event: 'progress', data };
    case 'file_status':
      return { text: `${String(data.status)} ${String(data.path)}`, event: 'file', data };
    default:
      return { text: message || line, event: 'verbose', data };
  }
}

/** The fields of `borg create --json` a job records. */
export interface CreateResult {
  archive: {
    name: string;
    originalSize: number;
    compressedSize: number;
    deduplicatedSize: number;
    files: number;
  };
  repository: { originalSize: number; compressedSize: number; deduplicatedSize: number } | null;
}

export function parseCreateResult(stdout: string): CreateResult | null {
  let parsed: {
    archive?: { name?: string; stats?: Record<string, unknown> };
    cache?: { stats?: Record<string, unknown> };
  };
  try {
    parsed = JSON.parse(stdout) as typeof parsed;
  } catch {
    return null;
  }
  const stats = parsed.archive?.stats;
  if (!stats) return null;
  const cache = parsed.cache?.stats;

  return {
    archive: {
      name: parsed.archive?.name ?? '',
      originalSize: number(stats.original_size),
      compressedSize: number(stats.compressed_size),
      deduplicatedSize: number(stats.deduplicated_size),
      files: number(stats.nfiles),
    },
    repository: cache
      ? {
          originalSize: number(cache.total_size),
          compressedSize: number(cache.total_csize),
          deduplicatedSize: number(cache.unique_csize),
        }
      : null,
  };
}
