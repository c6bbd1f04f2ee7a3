import type { Clock } from '../clock';

/** A fixed-window counter per key (e.g. client IP), in process memory, on the service clock. */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly clock: Clock,
  ) {}

  /** True while the key is within its limit (does not count). */
  allowed(key: string): boolean {
    const w = this.current(key);
    return !w || w.count < this.limit;
  }

  /** Counts one event for the key. */
  hit(key: string): void {
    const now = this.clock.now().getTime();
    const w = this.current(key);
    if (w) w.count++;
    else this.windows.set(key, { start: now, count: 1 });
    if (this.windows.size > 10_000) this.prune(now);
  }

  /** Seconds until the key's window ends. */
  retryAfterSeconds(key: string): number {
    const w = this.current(key);
    return w ? Math.max(1, Math.ceil((w.start + this.windowMs - this.clock.now().getTime()) / 1000)) : 0;
  }

  private current(key: string) {
    const w = this.windows.get(key);
    if (!w) return undefined;
    if (w.start + this.windowMs <= this.clock.now().getTime()) {
      this.windows.delete(key);
      return undefined;
    }
    return w;
  }

  private prune(now: number): void {
    for (const [key, w] of this.windows) if (w.start + this.windowMs <= now) this.windows.delete(key);
  }
}
