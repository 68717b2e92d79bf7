import { Logger } from '@nestjs/common';

/**
 * Runs `work` in the background: every `intervalMs`, and whenever `wake()` is
 * called. Runs never overlap; a wake during a run asks for exactly one more
 * run after it, however many wakes come meanwhile. The promise `wake()`
 * returns settles once a run that started after the call has ended, so a
 * caller can wait until its change has been seen.
 */
export class BackgroundTask {
  private readonly logger: Logger;
  private timer: NodeJS.Timeout | null = null;
  private current: Promise<void> | null = null;
  private next: Promise<void> | null = null;
  private stopped = false;

  constructor(
    name: string,
    private readonly work: () => Promise<void>,
    private readonly intervalMs: number,
  ) {
    this.logger = new Logger(name);
  }

  start(): void {
    this.timer = setInterval(() => void this.wake().catch(() => undefined), this.intervalMs);
  }

  wake(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (!this.current) {
      this.current = this.runOnce();

      return this.current;
    }
    this.next ??= this.current
      .catch(() => undefined)
      .then(() => {
        this.next = null;

        return this.wake();
      });

    return this.next;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await Promise.allSettled([this.current, this.next]);
  }

  private async runOnce(): Promise<void> {
    try {
      await this.work();
    } catch (error) {
      this.logger.warn(`run failed: ${error instanceof Error ? error.message : String(error)}`);
      throw error;
    } finally {
      this.current = null;
    }
  }
}
