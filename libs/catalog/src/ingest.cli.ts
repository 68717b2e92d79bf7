// Catalogs one archive from a listing on stdin, outside the job system:
//   borg list --json-lines REPO::ARCHIVE | \
//     DATABASE_URL=... node -r ./tools/register-paths.js dist/libs/catalog/src/ingest.cli.js REPOSITORY_ID ARCHIVE
// Prints one JSON line: entries stored, seconds, and the process's peak memory.
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

async function main(): Promise<void> {
  const [repositoryId, archiveName] = process.argv.slice(2);
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl || !/^\d+$/.test(repositoryId ?? '') || !archiveName) {
    throw new Error('usage: DATABASE_URL=... ingest.cli.js REPOSITORY_ID ARCHIVE_NAME < listing');
  }
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
    process.stdout.write(
      `${JSON.stringify({ entries, seconds, phases, peak_rss_mib: peakRssMiB(), max_rss_mib: process.resourceUsage().maxRSS / 1024 })}\n`,
    );
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
