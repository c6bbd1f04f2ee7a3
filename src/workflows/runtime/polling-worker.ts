import type { BackgroundWorker } from '../../app';
import type { Logger } from '../../logger';

/**
 * A background loop that polls for due work. `runOnce()` handles one batch and says how many items
 * it handled; `drain()` repeats until nothing is due (tests call it instead of waiting). Runs never
 * overlap within a process; other processes share the rows through row claims.
 */
export abstract class PollingWorker implements BackgroundWorker {
  private timer?: NodeJS.Timeout;
  private running: Promise<unknown> = Promise.resolve();
  private active = false;

  constructor(
    readonly name: string,
    private readonly intervalMs: number,
    protected readonly logger: Logger,
  ) {}

  /** Handles one batch of due work; returns how many items it handled. */
  protected abstract batch(): Promise<number>;

  runOnce(): Promise<number> {
    const run = this.running.then(() => this.batch());
    this.running = run.catch(() => undefined);
    return run;
  }

  /** Runs batches until one finds nothing due (bounded, so a bug cannot loop forever). */
  async drain(maxBatches = 1000): Promise<number> {
    let total = 0;
    for (let i = 0; i < maxBatches; i++) {
      const n = await this.runOnce();
      if (n === 0) break;
      total += n;
    }
    return total;
  }

  start(): void {
    if (this.active) return;
    this.active = true;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.active = false;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(ms: number): void {
    if (!this.active) return;
    this.timer = setTimeout(() => {
      this.drain()
        .catch((error: Error) => this.logger.error({ err: error, worker: this.name }, 'background worker run failed'))
        .finally(() => this.schedule(this.intervalMs));
    }, ms);
  }
}
