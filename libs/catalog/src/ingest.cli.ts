// Catalogs one archive from a listing on stdin, outside the job system:
//   borg list --json-lines REPO::ARCHIVE | \
//     DATABASE_URL=... node -r ./tools/register-paths.js dist/libs/catalog/src/ingest.cli.js REPOSITORY_ID ARCHIVE
// Prints one JSON line: entries stored, seconds, the process's peak memory and the CPU time
// spent by it and by its PostgreSQL backends (read from /proc: the server must be local).
// bench/catalog.ts runs it to measure the ingest in a process of its own.
import { read, readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';

import { createDataSource } from '@cyborg/database';

import { ingestArchiveListing } from './catalog-ingest';

/** Peak resident memory as the kernel counts it (VmHWM), in MiB; null off Linux. */
function peakRssMiB(): number | null {
  try {
    const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));

    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/**
 * stdin read in pieces of tens of kilobytes. borg writes its listing one line
 * per write (it line-buffers stdout), so a reader that wakes for every write
 * gets about 300 bytes a time: three quarters of a million wake-ups for a
 * million files, which cost this process more CPU than parsing them. Waiting
 * 2 ms after draining the pipe lets it gather ~25 KiB; borg never blocks,
 * the pipe holds 64 KiB.
 */
async function* gatheredStdin(): AsyncGenerator<Buffer> {
  const fd = 0;
  for (;;) {
    const buffer = Buffer.allocUnsafe(256 * 1024);
    const bytesRead = await new Promise<number | null>((resolve, reject) =>
      read(fd, buffer, 0, buffer.length, null, (error, n) =>
        // A non-blocking pipe with nothing in it yet: try again shortly.
        error ? (error.code === 'EAGAIN' ? resolve(null) : reject(error)) : resolve(n),
      ),
    );
    if (bytesRead === null) {
      await sleep(2);
      continue;
    }
    if (bytesRead === 0) return;
    // A copy of a short read, so as not to hold on to the whole buffer.
    yield bytesRead < buffer.length ? Buffer.from(buffer.subarray(0, bytesRead)) : buffer;
    if (bytesRead < 64 * 1024) await sleep(2);
  }
}

/**
 * CPU seconds (user + system) a process has used, from /proc/<pid>/stat; null
 * when unreadable. Assumes the usual 100 clock ticks per second.
 */
function cpuSeconds(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name start at the third; utime and stime are the 14th and 15th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');

    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

async function main(): Promise<void> {
  const [repositoryId, archiveName] = process.argv.slice(2);
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl || !/^\d+$/.test(repositoryId ?? '') || !archiveName) {
    throw new Error('usage: DATABASE_URL=... ingest.cli.js REPOSITORY_ID ARCHIVE_NAME < listing');
  }
  const connectedSince = new Date();
  const dataSource = createDataSource(databaseUrl);
  await dataSource.initialize();
  const started = performance.now();
  try {
    const { entries, seconds: phases } = await ingestArchiveListing(
      dataSource,
      Readable.from(gatheredStdin(), { objectMode: false }),
      {
        repositoryId: Number(repositoryId),
        clientId: null,
        policyId: null,
        jobId: null,
        archiveName,
      },
    );
    const seconds = (performance.now() - started) / 1000;
    const backends = await dataSource.query<{ pid: number }[]>(
      `SELECT pid FROM pg_stat_activity
       WHERE datname = current_database() AND backend_start >= $1`,
      [connectedSince],
    );
    const usage = process.cpuUsage();
    const report = {
      entries,
      seconds,
      phases,
      peak_rss_mib: peakRssMiB(),
      max_rss_mib: process.resourceUsage().maxRSS / 1024,
      cpu_s: {
        ingest: (usage.user + usage.system) / 1e6,
        database: backends.reduce((sum, b) => sum + (cpuSeconds(b.pid) ?? 0), 0),
      },
    };
    process.stdout.write(`${JSON.stringify(report)}\n`);
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
