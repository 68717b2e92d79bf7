// The catalog against borg itself, on a real archive of a million files, then
// queries on a catalog of ten million entries in twenty archives.
//
// 1. Makes a tree of BENCH_FILES empty files (100 x 100 directories), backs it
//    up with borg, and times `borg list --json-lines ... > /dev/null`.
// 2. Times the catalog job: the same `borg list` piped into the ingest, which
//    runs from dist/ in a process of its own so its peak memory can be read.
// 3. Times the ingest alone, from the listing recorded to a file.
// 4. Builds twenty archives of BENCH_ARCHIVE_ENTRIES entries from that
//    recording (sizes change per archive, one file in ten is renamed, as in
//    successive backups of one server) and measures, through the HTTP API,
//    directory browsing and a find of one file across all archives
//    (BENCH_ARCHIVES=0 skips this part).
// Everything runs on a database and in a directory of its own, both removed
// at the end. Prints one JSON object on its last line.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  createReadStream,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';

import { type INestApplication, Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { DataSource } from 'typeorm';

import { ApiModule, configureHttpApp } from '@cyborg/api';
import { ingestArchiveListing } from '@cyborg/catalog';
import { ConfigModule, loadConfig } from '@cyborg/config';
import { createDataSource, DatabaseModule } from '@cyborg/database';

import { benchDatabase } from './bench-database';

const FILES = Number(process.env.BENCH_FILES ?? 1_000_000);
const ARCHIVES = Number(process.env.BENCH_ARCHIVES ?? 20);
const ARCHIVE_ENTRIES = Number(process.env.BENCH_ARCHIVE_ENTRIES ?? 500_000);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 300);
const ROOT = join(__dirname, '..');

function log(message: string): void {
  process.stdout.write(`${new Date().toISOString()} ${message}\n`);
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);

  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/**
 * CPU seconds used by this process's children that have ended (cutime +
 * cstime in /proc/self/stat, at 100 ticks a second): the whole CPU cost of a
 * run, whatever else the machine is doing.
 */
function childrenCpuSeconds(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');

  return (Number(fields[13]) + Number(fields[14])) / 100;
}

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

/** Runs a program to its end; rejects unless it exits 0. Returns seconds taken. */
function run(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; stdout?: number | 'ignore' } = {},
): Promise<number> {
  const started = performance.now();

  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: options.env,
      cwd: options.cwd,
      stdio: ['ignore', options.stdout ?? 'ignore', 'inherit'],
    });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve((performance.now() - started) / 1000)
        : reject(new Error(`${command} ${args[0]} exited ${code}`)),
    );
  });
}

/** 100 top directories of 100 directories of FILES / 10,000 empty files. */
function makeTree(root: string): void {
  const perDirectory = Math.ceil(FILES / 10_000);
  let made = 0;
  for (let i = 0; i < 100 && made < FILES; i++) {
    for (let j = 0; j < 100 && made < FILES; j++) {
      const dir = join(
        root,
        `home${String(i).padStart(2, '0')}`,
        `proj${String(j).padStart(2, '0')}`,
      );
      mkdirSync(dir, { recursive: true });
      for (let k = 0; k < perDirectory && made < FILES; k++, made++) {
        closeSync(openSync(join(dir, `file${String(k).padStart(3, '0')}.dat`), 'w'));
      }
    }
  }
}

/** The catalog job: borg list piped straight into the ingest CLI, run from dist/. */
function catalogJob(
  repo: string,
  env: NodeJS.ProcessEnv,
  databaseUrl: string,
): Promise<{
  seconds: number;
  entries: number;
  peakRssMiB: number;
  phases: { load: number; index: number; swap: number };
  databaseCpuSeconds: number;
}> {
  const started = performance.now();
  const ingest = spawn(
    process.execPath,
    ['-r', './tools/register-paths.js', 'dist/libs/catalog/src/ingest.cli.js', '1', 'bench'],
    {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: databaseUrl },
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  // borg writes straight into the ingest's stdin, as `borg list ... | ingest` would.
  const borg = spawn('borg', ['list', '--json-lines', `${repo}::bench`], {
    env,
    stdio: ['ignore', ingest.stdin, 'inherit'],
  });
  ingest.stdin.destroy();
  let out = '';
  ingest.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const exited = (child: ChildProcess, name: string) =>
    new Promise<void>((resolve, reject) =>
      child.on('close', (code) =>
        code === 0 ? resolve() : reject(new Error(`${name} exited ${code}`)),
      ),
    );

  return Promise.all([exited(borg, 'borg list'), exited(ingest, 'ingest')]).then(() => {
    const report = JSON.parse(out.trim().split('\n').pop() ?? '{}') as {
      entries: number;
      phases: { load: number; index: number; swap: number };
      cpu_s: { ingest: number; database: number };
      peak_rss_mib: number | null;
      max_rss_mib: number;
    };

    return {
      seconds: (performance.now() - started) / 1000,
      entries: report.entries,
      phases: report.phases,
      databaseCpuSeconds: report.cpu_s.database,
      peakRssMiB: report.peak_rss_mib ?? report.max_rss_mib,
    };
  });
}

/** Archive `k` of the synthetic catalog: the first lines of the recording, varied. */
async function* variant(listing: string, k: number): AsyncGenerator<string> {
  const lines = createInterface({ input: createReadStream(listing), crlfDelay: Infinity });
  let n = 0;
  let batch = '';
  for await (const line of lines) {
    if (n >= ARCHIVE_ENTRIES) break;
    n += 1;
    let varied = line.replace(/"size": \d+/, `"size": ${(n * 7919 + k * 104_729) % 1_000_000}`);
    if (n % 10 === 0 && varied.includes('"type": "-"')) {
      varied = varied.replace(/"path": "([^"]*)"/, `"path": "$1.v${k}"`);
    }
    batch += `${varied}\n`;
    if (batch.length > 1 << 16) {
      yield batch;
      batch = '';
    }
  }
  lines.close();
  if (batch) yield batch;
}

async function timed(count: number, make: () => string, call: (path: string) => Promise<void>) {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const path = make();
    const started = performance.now();
    await call(path);
    times.push(performance.now() - started);
  }

  return { p50: round(percentile(times, 50)), p99: round(percentile(times, 99)) };
}

/**
 * Twenty archives built from the recorded listing, then browse and find
 * through the HTTP API; returns the figures for the JSON line.
 */
async function queryBench(
  dataSource: DataSource,
  databaseUrl: string,
  listing: string,
  apps: INestApplication[],
): Promise<Record<string, number>> {
  const built = performance.now();
  for (let k = 1; k <= ARCHIVES; k++) {
    await ingestArchiveListing(dataSource, Readable.from(variant(listing, k)), {
      repositoryId: 1,
      clientId: null,
      policyId: null,
      jobId: null,
      archiveName: `day-${k}`,
      archiveTime: new Date(Date.UTC(2024, 0, k)),
    });
    log(`archive ${k}/${ARCHIVES} cataloged`);
  }
  const buildSeconds = (performance.now() - built) / 1000;
  const [{ total }] = await dataSource.query<{ total: number }[]>(
    `SELECT count(*)::int AS total FROM catalog_entries`,
  );
  const archiveIds = (
    await dataSource.query<{ id: number }[]>(`SELECT id FROM catalog_archives ORDER BY id`)
  ).map((r) => r.id);
  log(`catalog of ${total} entries in ${ARCHIVES} archives built in ${round(buildSeconds)} s`);

  const password = randomBytes(12).toString('hex');
  const config = loadConfig({
    ...process.env,
    DATABASE_URL: databaseUrl,
    SECRET_KEY: randomBytes(24).toString('hex'),
    CYBORG_ADMIN_PASSWORD: password,
    LOG_LEVEL: 'error',
  });
  @Module({ imports: [ConfigModule.forRoot(config), DatabaseModule, ApiModule] })
  class BenchModule {}
  const app = await NestFactory.create(BenchModule, { bodyParser: false, logger: ['error'] });
  apps.push(app);
  configureHttpApp(app, config);
  await app.listen(0, '127.0.0.1');
  const base = `http://127.0.0.1:${((app.getHttpServer() as Server).address() as AddressInfo).port}`;
  const login = await fetch(`${base}/api/token/obtain/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'admin@cyborg.local', password }),
  });
  const { access } = (await login.json()) as { access: string };
  const get = async (path: string, expectResults: boolean) => {
    const response = await fetch(base + path, { headers: { authorization: `Bearer ${access}` } });
    const body = (await response.json()) as { results?: unknown[] };
    if (response.status !== 200 || (expectResults && !body.results?.length)) {
      throw new Error(`GET ${path}: ${response.status} ${JSON.stringify(body).slice(0, 300)}`);
    }
  };
  // Real paths to ask for: files of the first archive (all archives share most of them).
  const sample = await dataSource.query<{ path: string; parent: string }[]>(
    `SELECT path, parent FROM catalog_entries WHERE archive_id = $1 AND type = '-'
     ORDER BY random() LIMIT $2`,
    [archiveIds[0], QUERIES],
  );
  let next = 0;
  const file = () => sample[next++ % sample.length];
  const archive = () => archiveIds[Math.floor(Math.random() * archiveIds.length)];
  const browse = await timed(
    QUERIES,
    () =>
      `/api/v1/archives/${archive()}/browse/?path=${encodeURIComponent(file().parent)}&page_size=100`,
    (path) => get(path, true),
  );
  const browseTop = await timed(
    QUERIES,
    () => `/api/v1/archives/${archive()}/browse/?page_size=100`,
    (path) => get(path, true),
  );
  const findExact = await timed(
    QUERIES,
    () => `/api/v1/archives/find/?path=${encodeURIComponent(file().path)}`,
    (path) => get(path, true),
  );
  const findPattern = await timed(
    QUERIES,
    () =>
      // The file's last two components as a pattern, e.g. `proj42/file042\.dat$`.
      `/api/v1/archives/find/?path__regex=${encodeURIComponent(`${file().path.split('/').slice(-2).join('/').replace(/\./g, '\\.')}$`)}&page_size=50`,
    (path) => get(path, true),
  );
  log(`browse a directory of 100 files: p50 ${browse.p50} ms, p99 ${browse.p99} ms`);
  log(`browse the top of an archive: p50 ${browseTop.p50} ms, p99 ${browseTop.p99} ms`);
  log(`find one path in every archive: p50 ${findExact.p50} ms, p99 ${findExact.p99} ms`);
  log(
    `find a regular expression across archives: p50 ${findPattern.p50} ms, p99 ${findPattern.p99} ms`,
  );

  return {
    catalog_entries: total,
    catalog_archives: ARCHIVES,
    catalog_build_s: round(buildSeconds),
    browse_ms_p50: browse.p50,
    browse_ms_p99: browse.p99,
    browse_top_ms_p99: browseTop.p99,
    find_exact_ms_p50: findExact.p50,
    find_exact_ms_p99: findExact.p99,
    find_regex_ms_p50: findPattern.p50,
    find_regex_ms_p99: findPattern.p99,
  };
}

async function main(): Promise<void> {
  const database = benchDatabase();
  const databaseUrl = database.url;
  const work = mkdtempSync(join(tmpdir(), 'cyborg-bench-catalog-'));
  const env = {
    ...process.env,
    BORG_BASE_DIR: join(work, 'borg-home'),
    BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK: 'yes',
    TZ: 'UTC',
  };
  const repo = join(work, 'repo');
  const listing = join(work, 'listing.jsonl');
  const dataSource = createDataSource(databaseUrl);
  const apps: INestApplication[] = [];

  try {
    Logger.overrideLogger(['error']);
    await database.prepare();
    await dataSource.initialize();
    await dataSource.query(
      `INSERT INTO repositories (id, name, path) VALUES (1, 'bench', 'x@y:/bench')`,
    );

    log(`making a tree of ${FILES} files`);
    makeTree(join(work, 'src'));
    await run('borg', ['init', '-e', 'none', repo], { env });
    const createSeconds = await run('borg', ['create', `${repo}::bench`, '.'], {
      env,
      cwd: join(work, 'src'),
    });
    rmSync(join(work, 'src'), { recursive: true, force: true });
    log(`borg create: ${round(createSeconds)} s`);

    const borgCpuBefore = childrenCpuSeconds();
    const borgSeconds = await run('borg', ['list', '--json-lines', `${repo}::bench`], {
      env,
      stdout: openSync('/dev/null', 'w'),
    });
    const borgCpu = childrenCpuSeconds() - borgCpuBefore;
    log(`borg list --json-lines > /dev/null: ${round(borgSeconds)} s`);
    const jobCpuBefore = childrenCpuSeconds();
    const job = await catalogJob(repo, env, databaseUrl);
    // borg and the ingest process, plus the PostgreSQL backend that loaded and indexed.
    const jobCpu = childrenCpuSeconds() - jobCpuBefore + job.databaseCpuSeconds;
    log(
      `catalog job (borg list | ingest): ${round(job.seconds)} s, ${job.entries} entries, peak RSS ${round(job.peakRssMiB)} MiB`,
    );

    const fd = openSync(listing, 'w');
    await run('borg', ['list', '--json-lines', `${repo}::bench`], { env, stdout: fd });
    closeSync(fd);
    const alone = performance.now();
    const again = await ingestArchiveListing(dataSource, createReadStream(listing), {
      repositoryId: 1,
      clientId: null,
      policyId: null,
      jobId: null,
      archiveName: 'bench',
    });
    const ingestSeconds = (performance.now() - alone) / 1000;
    log(`ingest of the recorded listing alone: ${round(ingestSeconds)} s`);
    await dataSource.query(`DELETE FROM catalog_archives`);

    const queries = ARCHIVES > 0 ? await queryBench(dataSource, databaseUrl, listing, apps) : {};

    const result = {
      benchmark: 'catalog',
      files: FILES,
      entries: job.entries,
      borg_create_s: round(createSeconds),
      borg_list_s: round(borgSeconds, 2),
      catalog_job_s: round(job.seconds, 2),
      catalog_job_to_borg_list_ratio: round(job.seconds / borgSeconds, 2),
      // The same in CPU time, which the other users of a shared machine do not skew.
      borg_list_cpu_s: round(borgCpu, 2),
      catalog_job_cpu_s: round(jobCpu, 2),
      catalog_job_to_borg_list_cpu_ratio: round(jobCpu / borgCpu, 2),
      catalog_job_entries_per_second: Math.round(job.entries / job.seconds),
      entries_per_second: Math.round(again.entries / ingestSeconds),
      // Of the catalog job: COPY (alongside borg), index builds, swap-in.
      catalog_job_load_s: job.phases.load,
      catalog_job_index_s: job.phases.index,
      catalog_job_swap_s: job.phases.swap,
      ingest_peak_rss_mib: round(job.peakRssMiB),
      ...queries,
    };
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } finally {
    for (const app of apps) await app.close();
    if (dataSource.isInitialized) await dataSource.destroy();
    rmSync(work, { recursive: true, force: true });
    await database.drop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
