import { type OutputBatch, type OutputLine, JobOutputStreams } from './job-output.streams';

function lines(after: number, upTo: number): OutputLine[] {
  return Array.from({ length: upTo - after }, (_, i) => ({
    counter: after + i + 1,
    event: 'verbose',
    stdout: `line ${after + i + 1}`,
    created: '2026-01-01T00:00:00.000Z',
  }));
}

describe(JobOutputStreams.name, () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('sends one batch per tick however many notifications come, and skips ahead', async () => {
    const reads: [number, number][] = [];
    const sent: OutputBatch[] = [];
    const streams = new JobOutputStreams(
      async (_job, after, upTo) => {
        reads.push([after, upTo]);

        return lines(after, upTo);
      },
      (batch) => sent.push(batch),
    );

    for (let counter = 1; counter <= 50; counter++) streams.stored(7, counter, true);
    await jest.advanceTimersByTimeAsync(0);
    for (let counter = 51; counter <= 1_000; counter++) streams.stored(7, counter, true);
    await jest.advanceTimersByTimeAsync(250);

    expect(reads).toEqual([
      [0, 50],
      [900, 1_000],
    ]);
    expect(sent.map((b) => [b.lines.length, b.skipped])).toEqual([
      [50, 0],
      [100, 850],
    ]);
    expect(sent[1].lines[0].counter).toBe(901);
    streams.stop();
  });

  it('forgets a job nobody watches', async () => {
    const read = jest.fn(async () => []);
    const streams = new JobOutputStreams(read, () => undefined);

    streams.stored(7, 10, false);
    await jest.advanceTimersByTimeAsync(1_000);

    expect(read).not.toHaveBeenCalled();
  });
});
