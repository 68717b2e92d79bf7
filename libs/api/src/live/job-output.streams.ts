/** A job's new lines as sent to the browsers watching it. */
export interface OutputLine {
  counter: number;
  event: string;
  stdout: string;
  created: string;
}

export interface OutputBatch {
  job: number;
  lines: OutputLine[];
  /** Lines left out to keep up (they stay readable at the stdout endpoints). */
  skipped: number;
}

/** How often, at most, one job's watchers get a batch of lines. */
export const OUTPUT_TICK_MS = 250;
/** Most lines one batch carries: with the tick, at most 400 lines a second per job. */
export const OUTPUT_LINES_PER_TICK = 100;

interface Stream {
  /** Newest counter stored, from the receiver's notifications. */
  newest: number;
  /** Newest counter already sent; null until the first batch. */
  sent: number | null;
  timer: NodeJS.Timeout | null;
  lastTick: number;
}

/**
 * Rate-limits live output per job: however many lines a job prints and
 * however many browsers watch it, its watchers get at most one batch of
 * OUTPUT_LINES_PER_TICK lines every OUTPUT_TICK_MS, read once from PostgreSQL
 * for all of them. A job printing faster skips ahead to its newest lines and
 * says how many it skipped, so a chatty job neither swamps browsers nor the
 * database, and a watcher always sees where the job is now.
 */
export class JobOutputStreams {
  private readonly streams = new Map<number, Stream>();

  constructor(
    /** Lines of a job with counter in (after, upTo], in order. */
    private readonly read: (job: number, after: number, upTo: number) => Promise<OutputLine[]>,
    private readonly send: (batch: OutputBatch) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** The receiver stored lines of `job` up to `counter`. */
  stored(job: number, counter: number, watched: boolean): void {
    if (!watched) {
      this.streams.delete(job);

      return;
    }
    let stream = this.streams.get(job);
    if (!stream) {
      stream = { newest: 0, sent: null, timer: null, lastTick: 0 };
      this.streams.set(job, stream);
    }
    stream.newest = Math.max(stream.newest, counter);
    if (stream.timer) return;
    const wait = Math.max(0, stream.lastTick + OUTPUT_TICK_MS - this.now());
    stream.timer = setTimeout(() => void this.tick(job, stream).catch(() => undefined), wait);
  }

  stop(): void {
    for (const stream of this.streams.values()) if (stream.timer) clearTimeout(stream.timer);
    this.streams.clear();
  }

  private async tick(job: number, stream: Stream): Promise<void> {
    stream.lastTick = this.now();
    const upTo = stream.newest;
    const from = stream.sent ?? Math.max(0, upTo - OUTPUT_LINES_PER_TICK);
    const after = Math.max(from, upTo - OUTPUT_LINES_PER_TICK);
    try {
      if (upTo > from) {
        const lines = await this.read(job, after, upTo);
        this.send({ job, lines, skipped: after - from });
      }
      stream.sent = upTo;
    } finally {
      stream.timer = null;
      // Lines stored while this batch was read go out on the next tick.
      if (stream.newest > (stream.sent ?? 0) && this.streams.get(job) === stream) {
        this.stored(job, stream.newest, true);
      }
    }
  }
}
