// Catalogs one archive from a listing on stdin, outside the job system:
//   borg list --json-lines REPO::ARCHIVE | \
//     DATABASE_URL=... node -r ./tools/register-paths.js dist/libs/catalog/src/ingest.cli.js REPOSITORY_ID ARCHIVE
// Prints one JSON line: entries stored, seconds, the process's peak memory and the CPU time
// spent by it and by its PostgreSQL backends (read from /proc: the server must be local).
// bench/catalog.ts runs it to measure the ingest in a process of its own.
import { readFileSync } from 'node:fs';

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
    const { entries, seconds: phases } = await ingestArchiveListing(dataSource, process.stdin, {
      repositoryId: Number(repositoryId),
      clientId: null,
      policyId: null,
      jobId: null,
      archiveName,
    });
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
