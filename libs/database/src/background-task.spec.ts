import { BackgroundTask } from './background-task';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));

  return { promise, resolve };
}

describe(BackgroundTask.name, () => {
  it('never overlaps runs and folds the wakes that come during a run into one more run', async () => {
    const gates = [deferred(), deferred()];
    let runs = 0;
    let active = 0;
    let overlapped = false;
    const task = new BackgroundTask(
      'test',
      async () => {
        active++;
        overlapped ||= active > 1;
        await gates[runs++].promise;
        active--;
      },
      60_000,
    );

    const first = task.wake();
    const second = task.wake();
    const third = task.wake();
    gates[0].resolve();
    await first;
    gates[1].resolve();
    await Promise.all([second, third]);

    expect(runs).toBe(2);
    expect(overlapped).toBe(false);
    expect(second).toBe(third);
  });

  it('rejects the wake whose run failed, and still runs the next one', async () => {
    let calls = 0;
    const task = new BackgroundTask(
      'test',
      async () => {
        calls++;
        if (calls === 1) throw new Error('broker down');
      },
      60_000,
    );

    await expect(task.wake()).rejects.toThrow('broker down');
    await expect(task.wake()).resolves.toBeUndefined();
  });

  it('runs nothing once stopped', async () => {
    let calls = 0;
    const task = new BackgroundTask('test', async () => void calls++, 60_000);
    await task.stop();
    await task.wake();

    expect(calls).toBe(0);
  });
});
