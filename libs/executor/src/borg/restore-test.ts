import type { RunContext } from '../job-runner';
import type { SshSession } from '../ssh/session';
import { command } from '../ssh/shell';

import { type BorgHosts, borgOutcome, JobFailure } from './borg-host';

/** How many files a restore test extracts and compares. */
export const RESTORE_TEST_SAMPLE = 50;

export interface RestoreTestReport {
  passed: boolean;
  compared: number;
  changed: string[];
  removed: string[];
  summary: string;
}

/**
 * Proves an archive can be restored: picks a random sample of its regular
 * files, extracts them on the client into a scratch folder, and compares each
 * one byte for byte with the file at its original place. A file that differs
 * or no longer exists is reported by path (it may have changed since the
 * backup, or the archive may be damaged: either way an operator should look).
 */
export class RestoreTest {
  constructor(
    private readonly hosts: BorgHosts,
    private readonly session: SshSession,
    private readonly context: RunContext,
  ) {}

  async run(archive: string): Promise<RestoreTestReport> {
    await this.context.emit(
      `Restore test of ${archive}: choosing up to ${RESTORE_TEST_SAMPLE} files.`,
    );
    const sample = await this.sample(archive);
    if (sample.length === 0) {
      return {
        passed: true,
        compared: 0,
        changed: [],
        removed: [],
        summary: 'Restore test: the archive holds no regular file to compare.',
      };
    }
    const script = (await this.hosts.prelude({ remote: true, signal: this.context.signal }))
      .raw('cyborg_scratch=$(mktemp -d) || exit 2')
      .raw(`trap 'rm -rf "$cyborg_scratch"; rm -f "$cyborg_known_hosts"' EXIT`)
      .raw('cd "$cyborg_scratch" || exit 2')
      .raw(`set -- ${command(sample)}`)
      .raw(
        `${command(['borg', '--log-json', 'extract', `${this.hosts.repositoryUrl}::${archive}`, '--'])} "$@" || exit`,
      )
      .raw('i=0')
      .raw('for p do')
      .raw('  if [ ! -e "/$p" ]; then echo "$i removed"')
      .raw('  elif cmp -s -- "$p" "/$p"; then echo "$i same"')
      .raw('  else echo "$i changed"; fi')
      .raw('  i=$((i + 1))')
      .raw('done')
      .toString();
    const result = await this.hosts.runLogged(this.session, script, this.context, {
      stdin: this.hosts.stdin(),
    });
    borgOutcome(result.code, 'The restore test extract');
    const changed: string[] = [];
    const removed: string[] = [];
    let compared = 0;
    for (const line of result.stdout.split('\n')) {
      const [index, verdict] = line.split(' ');
      const path = `/${sample[Number(index)]}`;
      if (verdict === 'same') compared++;
      else if (verdict === 'changed') changed.push(path);
      else if (verdict === 'removed') removed.push(path);
      else continue;
      if (verdict !== 'same')
        await this.context.emit(`Restore test: ${path} ${verdict}`, 'warning');
    }
    compared += changed.length + removed.length;
    if (compared !== sample.length) {
      throw new JobFailure(`The restore test compared ${compared} of ${sample.length} files.`);
    }
    const passed = changed.length === 0 && removed.length === 0;
    const summary = passed
      ? `Restore test: ${compared} files extracted and identical to the source.`
      : `Restore test: ${compared} files compared; ` +
        [
          changed.length ? `changed: ${changed.join(', ')}` : '',
          removed.length ? `removed: ${removed.join(', ')}` : '',
        ]
          .filter(Boolean)
          .join('; ') +
        '.';
    await this.context.emit(summary, passed ? 'verbose' : 'warning');

    return { passed, compared, changed, removed, summary };
  }

  /** A uniform random sample of the archive's regular files (reservoir sampling over the listing). */
  private async sample(archive: string): Promise<string[]> {
    const chosen: string[] = [];
    let seen = 0;
    const script = (await this.hosts.prelude({ remote: true, signal: this.context.signal }))
      .run([
        'borg',
        '--log-json',
        'list',
        '--json-lines',
        `${this.hosts.repositoryUrl}::${archive}`,
      ])
      .toString();
    const result = await this.hosts.runLogged(this.session, script, this.context, {
      stdin: this.hosts.stdin(),
      onStdoutLine: (line) => {
        let item: { type?: string; path?: string };
        try {
          item = JSON.parse(line) as typeof item;
        } catch {
          return;
        }
        if (item.type !== '-' || typeof item.path !== 'string' || item.path.includes('\n')) return;
        seen++;
        if (chosen.length < RESTORE_TEST_SAMPLE) chosen.push(item.path);
        else {
          const slot = Math.floor(Math.random() * seen);
          if (slot < RESTORE_TEST_SAMPLE) chosen[slot] = item.path;
        }
      },
    });
    borgOutcome(result.code, 'Listing the archive for the restore test');

    return chosen;
  }
}
